import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/**
 * What this process measures as it works, for Prometheus (prom-client). Counts of stored rows
 * (documents and orders by status, queue and outbox depth) are read from the database on each
 * scrape instead (src/http/metrics.ts), since several processes share one database; durations
 * and error counts exist only in the process that saw them, so each process that serves HTTP
 * exposes its own, and a worker-only process can be given a metrics port
 * (`ORDERCAP_METRICS_PORT`) to be scraped as a target of its own.
 *
 * Process-wide by nature (one registry per process), like the process's own CPU and memory.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'ordercap_' });

/** Seconds: 5 ms to 5 min, to see a text PDF (ms) and a 10-page fax (minutes) on one scale. */
const DURATION_BUCKETS = [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/** Pipeline stages, in order: queue (waiting for a worker), read, extract, validate, store; erp. */
export type Stage = 'queue' | 'read' | 'extract' | 'validate' | 'store' | 'erp';

export const stageSeconds = new Histogram({
  name: 'ordercap_stage_duration_seconds',
  help: 'Time a document spends in each pipeline stage (erp: one delivery attempt), by channel.',
  labelNames: ['stage', 'channel'] as const,
  buckets: DURATION_BUCKETS,
  registers: [registry],
});

export const ocrSeconds = new Histogram({
  name: 'ordercap_ocr_seconds',
  help: 'Time to OCR one page image (crops for a second look included).',
  labelNames: ['kind'] as const,
  buckets: [0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 20, 60],
  registers: [registry],
});

export const documentsIn = new Counter({
  name: 'ordercap_documents_received_total',
  help: 'Documents this process stored at arrival (a re-delivery of a stored one not counted), by channel.',
  labelNames: ['channel'] as const,
  registers: [registry],
});

export const ordersOut = new Counter({
  name: 'ordercap_orders_decided_total',
  help: 'Orders this process decided (accepted, review, rejected) or delivered, by channel and status.',
  labelNames: ['channel', 'status'] as const,
  registers: [registry],
});

export const erpAttempts = new Counter({
  name: 'ordercap_erp_attempts_total',
  help: 'ERP delivery attempts by adapter and result (delivered, retry, failed).',
  labelNames: ['adapter', 'result'] as const,
  registers: [registry],
});

export const erpErrors = new Counter({
  name: 'ordercap_erp_errors_total',
  help: 'ERP delivery attempts that did not deliver (retried or given up), by adapter.',
  labelNames: ['adapter'] as const,
  registers: [registry],
});

/**
 * HTTP requests by method, route pattern (`/api/orders/:id`, never the raw path: ids would make a
 * series per order) and status code; 5 ms to 2 min.
 */
export const httpSeconds = new Histogram({
  name: 'ordercap_http_request_duration_seconds',
  help: 'HTTP request duration, by method, route pattern and status code.',
  labelNames: ['method', 'route', 'status_code'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120],
  registers: [registry],
});

/** Seconds since `startedMs` (a Date.now() or performance.now() reading of the same clock). */
export function secondsSince(startedMs: number, now = performance.now()): number {
  return Math.max(0, now - startedMs) / 1000;
}
