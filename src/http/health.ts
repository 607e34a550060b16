import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';
import { OrderCaptureError } from '../errors.ts';
import { pendingJobCount } from '../queue/jobs.ts';
import { renderMetrics } from './metrics.ts';

/** A health probe must answer even when the database hangs instead of failing. */
const HEALTH_TIMEOUT_MS = 3000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** `GET /health` (load balancers) and `GET /metrics` (Prometheus); both open to anyone. */
export async function healthRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  app.get('/health', async (_request, reply) => {
    try {
      const pending = await withTimeout(
        ctx.db.query('SELECT 1').then(() => pendingJobCount(ctx.db)),
        HEALTH_TIMEOUT_MS,
      );
      return { status: 'ok', database: 'ok', queue: { pending } };
    } catch (err) {
      ctx.log.warn('health check failed', { err });
      return reply
        .code(503)
        .send({ status: 'error', database: 'unavailable', message: 'the database is not answering' });
    }
  });

  app.get('/metrics', async (_request, reply) => {
    let text: string;
    try {
      text = await renderMetrics(ctx.db);
    } catch (err) {
      throw new OrderCaptureError('database_unavailable', 'metrics query failed', { cause: err });
    }
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(text);
  });
}
