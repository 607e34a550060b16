import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';
import { loadOperator, requireOperator } from '../review/auth.ts';
import { OrderCaptureError } from '../errors.ts';
import type { Queryable } from '../db/db.ts';
import { problemsOf, processReports } from './status.ts';
import { registry } from '../metrics.ts';
import { renderMetrics } from './metrics-text.ts';
import { oldestUndeliveredSeconds } from '../erp/outbox.ts';

/** A health probe must answer even when the database hangs instead of failing. */
const HEALTH_TIMEOUT_MS = 3000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The state `/health` reports beside the database: the queue, the ERP outbox, every process. */
async function healthReport(q: Queryable) {
  const [jobs] = await q.query<{ pending: number; dead: number; oldest: number | null }>(
    `SELECT count(*) FILTER (WHERE status = 'pending')::int8 AS pending,
            count(*) FILTER (WHERE status = 'dead')::int8 AS dead,
            extract(epoch FROM now() - min(created_at) FILTER (WHERE status = 'pending'))::float8 AS oldest
       FROM jobs`,
  );
  const [outbox] = await q.query<{ pending: number; failed: number }>(
    `SELECT count(*) FILTER (WHERE status = 'pending')::int8 AS pending,
            count(*) FILTER (WHERE status = 'failed')::int8 AS failed
       FROM erp_outbox`,
  );
  const oldestUndelivered = await oldestUndeliveredSeconds(q);
  const processes = await processReports(q);
  return {
    queue: {
      pending: jobs?.pending ?? 0,
      dead: jobs?.dead ?? 0,
      oldestSeconds: jobs?.oldest === null || jobs?.oldest === undefined ? 0 : Math.round(jobs.oldest),
    },
    // How old the oldest order not yet in the ERP (pending or failed) is: an outage's size.
    outbox: {
      pending: outbox?.pending ?? 0,
      failed: outbox?.failed ?? 0,
      oldestUndeliveredSeconds: oldestUndelivered,
    },
    processes,
    problems: problemsOf(processes),
  };
}

/** Who sees the processes and problems of `/health` (host names, pids, connector details). */
export type HealthDetails = 'always' | 'operators';

/**
 * What an anonymous caller is told: the status and counters. Host names, process ids, file paths
 * and mailbox names (the `problems` texts) are for operators and the monitoring port.
 */
function anonymous(report: Awaited<ReturnType<typeof healthReport>>) {
  return {
    queue: report.queue,
    outbox: report.outbox,
    processCount: report.processes.length,
    staleProcesses: report.processes.filter((p) => p.stale).length,
    problemCount: report.problems.length,
  };
}

/**
 * `GET /health` (load balancers, monitoring) and `GET /metrics` (Prometheus); both open to anyone.
 * Health is 200 whenever the database answers (a load balancer must keep sending orders in even
 * while an IMAP mailbox is unreachable); what needs a person is listed in `problems`. With
 * `details: 'operators'` (the public HTTP server) only a signed-in operator gets the processes and
 * problems, at `/health` with the session cookie or at `/review/health`; anyone else the status
 * and counters. The monitoring port (`details: 'always'`) shows all to all who can reach it.
 */
export async function healthRoutes(
  app: FastifyInstance,
  { ctx, details = 'always' }: { ctx: AppContext; details?: HealthDetails },
): Promise<void> {
  const health = async (detailed: boolean) => {
    try {
      const report = await withTimeout(
        ctx.db.query('SELECT 1').then(() => healthReport(ctx.db)),
        HEALTH_TIMEOUT_MS,
      );
      return {
        code: 200,
        body: { status: 'ok', database: 'ok', ...(detailed ? report : anonymous(report)) },
      };
    } catch (err) {
      ctx.log.warn('health check failed', { err });
      return {
        code: 503,
        body: { status: 'error', database: 'unavailable', message: 'the database is not answering' },
      };
    }
  };

  app.get('/health', async (request, reply) => {
    const detailed = details === 'always' || (await loadOperator(ctx, request).catch(() => null)) !== null;
    const { code, body } = await health(detailed);
    return reply.code(code).send(body);
  });

  // Kubernetes-style probes beside /health. livez: the process answers (restart it if not); it
  // looks at nothing else, so a database outage does not get every replica killed. readyz: it
  // can do its work (the database answers), so a load balancer sends it requests.
  app.get('/livez', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    try {
      await withTimeout(ctx.db.query('SELECT 1'), HEALTH_TIMEOUT_MS);
      return { status: 'ok' };
    } catch {
      return reply.code(503).send({ status: 'error', database: 'unavailable' });
    }
  });

  if (details === 'operators') {
    // Operators' cookies are scoped to /review: here a browser sends them.
    app.get('/review/health', { onRequest: requireOperator(ctx) }, async (_request, reply) => {
      const { code, body } = await health(true);
      return reply.code(code).send(body);
    });
  }

  app.get('/metrics', async (_request, reply) => {
    let text: string;
    try {
      text = await renderMetrics(ctx.db);
    } catch (err) {
      throw new OrderCaptureError('database_unavailable', 'metrics query failed', { cause: err });
    }
    // This process's own histograms and counters follow the database's totals.
    return reply.type(registry.contentType).send(text + (await registry.metrics()));
  });
}
