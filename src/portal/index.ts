import type { HttpPlugin } from '../http/server.ts';
import { portalRoutes } from './portal.ts';

/** The customer portal (`/portal`): sign-in by token link, the order form, the customer's orders. */
export const portal: HttpPlugin = {
  name: 'customer portal',
  register: async (app, ctx) => {
    await app.register(portalRoutes, { ctx });
  },
};
