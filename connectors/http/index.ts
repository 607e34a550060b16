import type { HttpPlugin } from '../../src/http/server.ts';
import { apiRoutes } from './api.ts';

/**
 * HTTP intake: the JSON API (`POST /api/orders`, `POST /api/edifact`, `GET /api/orders/:id`,
 * `GET /api/documents/:id`) for customers' systems, with their tokens. Its own encapsulated
 * context, so the EDIFACT body parsers apply to its routes only. It opens no resource: the
 * database belongs to the caller. (The customer portal's form posts through the same
 * `submitWebOrder`; its pages live in src/portal.)
 */
export const httpIntake: HttpPlugin = {
  name: 'HTTP intake',
  register: async (app, ctx) => {
    await app.register(apiRoutes, { ctx });
  },
};
