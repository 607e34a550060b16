import Fastify, { type FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';
import { healthRoutes } from './health-routes.ts';

/**
 * `/health` and `/metrics` alone, for a process without the `api` role (a worker or connector
 * process on its own machine), so that Prometheus can scrape its histograms and counters.
 */
export async function startMonitorServer(
  ctx: AppContext,
  port: number,
): Promise<{ url: string; close(): Promise<void> }> {
  const app: FastifyInstance = Fastify({ logger: false });
  // Reached by monitoring only (a port kept off the public network): the full report.
  await app.register(healthRoutes, { ctx, details: 'always' });
  const url = await app.listen({ host: ctx.config.host, port });
  ctx.log.info('metrics server listening', { url });
  return { url, close: () => app.close() };
}
