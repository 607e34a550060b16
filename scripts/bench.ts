/**
 * `npm run bench`: EDIFACT orders per second through the whole pipeline (parse, validate, store,
 * deliver to the file adapter) on PGlite and on PostgreSQL (skipped when none answers at
 * ORDERCAP_BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/test).
 *
 *   npm run bench -- [--orders N] [--per-file M] [--engine pglite|postgres] [--staged]
 */
import { NoPostgresServer, type ScratchPostgres, scratchPostgres } from './scratch-db.ts';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.ts';
import type { Db } from '../src/db/db.ts';
import { openScratchDatabase } from '../src/db/open.ts';
import { createErpAdapter } from '../src/erp/adapters.ts';
import { OutboxDeliverer } from '../src/erp/deliverer.ts';
import { silentLogger } from '../src/log.ts';
import { importMasterData } from '../src/masterdata/import.ts';
import { submit } from '../src/pipeline/submit.ts';
import { type GenMessage, interchange } from '../src/testing/edifact-gen.ts';
import { DEMO_MASTER_DATA } from '../src/testing/pipeline.ts';
import { DocumentWorker } from '../src/worker/document-worker.ts';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '2000' },
    'per-file': { type: 'string', default: '10' },
    engine: { type: 'string' },
    concurrency: { type: 'string', default: '8' },
    staged: { type: 'boolean', default: false },
  },
});
/** Default: pipeline and ERP delivery run at once, as in `serve`; --staged times them apart. */
const CONCURRENT = !values.staged;
const ORDERS = Number(values.orders);
const PER_FILE = Number(values['per-file']);
const CONCURRENCY = Number(values.concurrency);
const PG_URL = process.env.ORDERCAP_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const SKUS = [
  { sku: 'TOR-M8-40', gtin: '8412345678905', price: 0.12, qty: [200, 300, 400] },
  { sku: 'TUE-M8', price: 0.045, qty: [200, 300] },
  { sku: 'ARA-M8', price: 0.018, qty: [300, 400] },
];

function files(): string[] {
  const out: string[] = [];
  for (let f = 0; f * PER_FILE < ORDERS; f++) {
    const messages: GenMessage[] = [];
    for (let m = 0; m < PER_FILE && f * PER_FILE + m < ORDERS; m++) {
      const n = f * PER_FILE + m;
      messages.push({
        poNumber: `BENCH-${n}`,
        buyerGln: '8412345000003',
        deliveryDate: '20261201',
        lines: SKUS.map((s, i) => ({
          sku: s.gtin ? undefined : s.sku,
          gtin: s.gtin,
          quantity: s.qty[(n + i) % s.qty.length]!,
          unitPrice: s.price,
        })),
      });
    }
    out.push(interchange(messages, { controlRef: String(f + 1) }));
  }
  return out;
}

async function bench(engine: string, db: Db): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'oc-bench-'));
  const config = loadConfig({}, { dataDir: dir });
  await importMasterData(db, DEMO_MASTER_DATA);
  // Thousands of orders for one customer would exhaust its demo credit limit; the bench measures
  // throughput with every check running, so it lifts the limit instead of removing the check.
  await db.query(`UPDATE customers SET credit_limit = 1e12 WHERE id = 'C042'`);
  const inputs = files();
  const log = silentLogger;
  const worker = new DocumentWorker(
    { db, log, validation: config.validation, acceptThreshold: config.acceptThreshold, deliverTo: 'file' },
    { ...config.worker, concurrency: CONCURRENCY },
    log,
  );
  const adapter = createErpAdapter(config.erp);
  const deliverer = new OutboxDeliverer({
    db,
    adapter,
    config: config.erp,
    workerId: 'bench',
    log,
    concurrency: CONCURRENCY,
  });

  const t0 = performance.now();
  for (const [i, text] of inputs.entries()) {
    await submit(db, {
      channel: 'edi',
      sourceRef: `bench:${i}`,
      sender: null,
      receivedAt: new Date(),
      filename: `bench-${i}.edi`,
      contentType: null,
      bytes: Buffer.from(text, 'latin1'),
    });
  }
  const t1 = performance.now();
  if (CONCURRENT) {
    // As `serve` runs: pipeline workers and ERP deliverers at the same time.
    worker.start();
    deliverer.start();
    while ((await outstanding(db)) > 0) await new Promise((r) => setTimeout(r, 20));
    await worker.stop();
    await deliverer.stop();
  } else {
    await worker.runUntilIdle();
  }
  const t2 = performance.now();
  while ((await deliverer.runOnce()) > 0);
  const t3 = performance.now();

  const byStatus = await db.query<{ status: string; n: number }>(
    `SELECT status, count(*)::int8 AS n FROM orders GROUP BY status ORDER BY status`,
  );
  const delivered = (await readdir(config.erp.fileDir).catch(() => [])).length;
  const secs = (t3 - t0) / 1000;
  const rate = (n: number, ms: number) => Math.round(n / (ms / 1000));
  const stages = CONCURRENT
    ? `store ${rate(ORDERS, t1 - t0)}/s, pipeline and ERP delivery together ${rate(ORDERS, t3 - t1)}/s`
    : `store ${rate(ORDERS, t1 - t0)}/s, pipeline ${rate(ORDERS, t2 - t1)}/s, ERP ${rate(ORDERS, t3 - t2)}/s`;
  console.log(
    `${engine.padEnd(8)} ${CONCURRENT ? 'concurrent' : 'staged    '} ${ORDERS} orders in ${inputs.length} ` +
      `interchanges: ${secs.toFixed(2)} s, ${rate(ORDERS, t3 - t0)} orders/s end to end (${stages}); ` +
      `${byStatus.map((r) => `${r.status} ${r.n}`).join(', ')}; files written ${delivered}`,
  );
  await adapter.close?.();
  await rm(dir, { recursive: true, force: true });
}

/** Documents not yet through the pipeline plus orders not yet delivered. */
async function outstanding(db: Db): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    `SELECT (SELECT count(*) FROM jobs WHERE status = 'pending')
          + (SELECT count(*) FROM erp_outbox WHERE status = 'pending') AS n`,
  );
  return Number(row?.n ?? 0);
}

async function withPostgres(fn: (db: Db) => Promise<void>): Promise<void> {
  let scratch: ScratchPostgres;
  try {
    scratch = await scratchPostgres(PG_URL, `oc_bench_${process.pid}`, CONCURRENCY + 2);
  } catch (err) {
    if (!(err instanceof NoPostgresServer)) throw err;
    console.log(`postgres skipped: ${err.message}`);
    return;
  }
  try {
    await fn(scratch.db);
  } finally {
    await scratch.close();
  }
}

console.log(`EDIFACT through the whole pipeline, concurrency ${CONCURRENCY}, node ${process.version}`);
if (!values.engine || values.engine === 'pglite') {
  const db = await openScratchDatabase();
  await bench('pglite', db);
  await db.close();
}
if (!values.engine || values.engine === 'postgres') await withPostgres((db) => bench('postgres', db));
