import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../src/context.ts';
import { apiRoutes } from './api.ts';
import { portalRoutes } from '../../src/portal/portal.ts';

export { customerIdOf, looksLikeOrderJson, readOrderJson } from '../../src/formats/order-json/read.ts';
export { validateOrderInput } from '../../src/formats/order-json/schema.ts';

/**
 * The web channel: the JSON API (`/api/orders`, `/api/documents`, `/api/edifact`) and the customer
 * portal (`/portal`). Each part is its own encapsulated context, so the portal's form parser and
 * the EDIFACT body parsers apply to their own routes only. It opens no resource: the database
 * belongs to the caller.
 */
export async function webFormPlugin(app: FastifyInstance, opts: { ctx: AppContext }): Promise<void> {
  await app.register(apiRoutes, opts);
  await app.register(portalRoutes, opts);
}
