import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from './log.ts';
import { buildServer } from './app.ts';
import { submit } from './pipeline/submit.ts';
import { interchange } from './testing/edifact-gen.ts';
import { type ErpServer, startErpServer } from './testing/erp-server.ts';
import { createTestPipeline, type TestPipeline } from './testing/pipeline.ts';

/** One sample's value in Prometheus text, e.g. `ordercap_x_count{stage="read",channel="edi"}`; absent: 0. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

/**
 * The process's own measurements at `/metrics`, after a real pipeline run: every stage of every
 * document observed once, orders counted by outcome, and ERP attempts that failed counted as
 * errors. The registry is per process (vitest gives each test file its own), so the figures are
 * compared before and after.
 */
describe('process metrics at /metrics', () => {
  let erp: ErpServer;
  let p: TestPipeline;
  let app: FastifyInstance;

  beforeAll(async () => {
    // The ERP answers the first request 503: one retry, then delivered.
    erp = await startErpServer({ failFirst: 1, failWith: 503 });
    p = await createTestPipeline({ 'erp.adapter': 'http', 'erp.httpUrl': erp.url });
    app = await buildServer({ db: p.db, config: p.config, log: silentLogger });
  });
  afterAll(async () => {
    await app.close();
    await p.close();
    await erp.close();
  });

  const scrape = async () => {
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    return res.body;
  };

  it('observes every stage, counts decisions, deliveries and ERP errors', async () => {
    const before = await scrape();
    const messages = ['MET-1', 'MET-2'].map((poNumber) => ({
      poNumber,
      buyerGln: '8412345000003',
      lines: [{ sku: 'TOR-M8-40', quantity: 300, unitPrice: 0.12 }],
    }));
    await submit(p.db, {
      channel: 'edi',
      sourceRef: 'test:metrics',
      sender: null,
      receivedAt: new Date(),
      filename: 'metrics.edi',
      contentType: null,
      bytes: Buffer.from(interchange(messages)),
    });
    await p.settle();
    // The 503 left one order for a retry after its backoff; run delivery until both are in.
    for (let i = 0; i < 100 && erp.received.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 20));
      await p.deliverer.runOnce();
    }
    expect(erp.received).toHaveLength(2);
    const after = await scrape();
    const delta = (series: string) => sample(after, series) - sample(before, series);

    expect(delta('ordercap_documents_received_total{channel="edi"}')).toBe(1);
    for (const stage of ['queue', 'read', 'extract', 'validate', 'store']) {
      expect(delta(`ordercap_stage_duration_seconds_count{stage="${stage}",channel="edi"}`), stage).toBe(1);
      // Every observation falls in the +Inf bucket, whatever its size.
      expect(delta(`ordercap_stage_duration_seconds_bucket{le="+Inf",stage="${stage}",channel="edi"}`)).toBe(
        1,
      );
    }
    expect(delta('ordercap_orders_decided_total{channel="edi",status="accepted"}')).toBe(2);
    expect(delta('ordercap_orders_decided_total{channel="edi",status="delivered"}')).toBe(2);
    // Three attempts for two orders: one answered 503 and retried.
    expect(delta('ordercap_stage_duration_seconds_count{stage="erp",channel="edi"}')).toBe(3);
    expect(delta('ordercap_erp_attempts_total{adapter="http",result="delivered"}')).toBe(2);
    expect(delta('ordercap_erp_attempts_total{adapter="http",result="retry"}')).toBe(1);
    expect(delta('ordercap_erp_errors_total{adapter="http"}')).toBe(1);
    // The database's totals are still there, and the process's own figures (memory, CPU).
    expect(after).toMatch(/^ordercap_orders\{channel="edi",status="delivered"\} 2$/m);
    expect(after).toContain('# TYPE ordercap_stage_duration_seconds histogram');
    expect(sample(after, 'ordercap_process_resident_memory_bytes')).toBeGreaterThan(0);
  });
});
