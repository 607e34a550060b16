/**
 * HTTP intake under load: the real server (buildServer, listening on 127.0.0.1) on a fresh
 * database, with the document worker in the same process as in `serve`; autocannon sends
 * distinct orders to `POST /api/orders` (canonical JSON) and then to `POST /api/edifact` (one
 * ORDERS interchange each), for a bounded time each. Prints per endpoint requests, req/s, latency
 * p50/p90/p99/max, non-2xx and connection errors, then checks in the database that every 2xx
 * answer's document is stored exactly once and ended accepted, review or rejected: "lost: 0,
 * duplicated: 0", or exit code 1 with what went wrong.
 *
 *   node bin/run-ts.js scripts/bench-load.ts [--seconds S] [--connections C]
 *     [--engine pglite|postgres] [--pool N] [--sync-wait-ms MS] [--no-worker]
 *
 * The engine is PostgreSQL when DATABASE_URL is set (or with --engine postgres): a database of its
 * own is created on that server (default postgres://postgres@127.0.0.1:5432/test) and dropped
 * afterwards. --sync-wait-ms defaults to the service's http.syncWaitMs (0 with --no-worker): the
 * web API waits that long for the pipeline before answering 202. autocannon runs in this process, beside the server.
 */
import { NoPostgresServer, scratchPostgres } from './scratch-db.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.ts';
import type { Db } from '../src/db/db.ts';
import { openScratchDatabase } from '../src/db/open.ts';
import { type EndpointResult, runLoad } from '../src/testing/load.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    connections: { type: 'string', default: '10' },
    engine: { type: 'string' },
    pool: { type: 'string', default: '10' },
    'sync-wait-ms': { type: 'string' },
    'no-worker': { type: 'boolean', default: false },
    'drain-timeout': { type: 'string', default: '600' },
  },
});
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
const POOL = Number(values.pool);
const PG_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ENGINE = values.engine ?? (process.env.DATABASE_URL ? 'postgres' : 'pglite');
if (ENGINE !== 'pglite' && ENGINE !== 'postgres') throw new Error(`--engine pglite|postgres, not ${ENGINE}`);
if (!(SECONDS > 0) || !(CONNECTIONS >= 1)) throw new Error('--seconds and --connections must be positive');

/** A fresh, migrated database for the run, and how to get rid of it. */
async function scratchDatabase(): Promise<{ db: Db; close(): Promise<void> }> {
  if (ENGINE === 'pglite') {
    const db = await openScratchDatabase();
    return { db, close: () => db.close() };
  }
  try {
    return await scratchPostgres(PG_URL, `oc_bench_load_${process.pid}`, POOL);
  } catch (err) {
    if (err instanceof NoPostgresServer) throw new Error(`--engine postgres: ${err.message}`);
    throw err;
  }
}

const ms = (v: number) => (v >= 100 ? String(Math.round(v)) : v.toFixed(1));
const counts = (r: Record<string, number>) =>
  Object.entries(r)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ') || 'none';

function printTable(endpoints: EndpointResult[]): void {
  const head = ['endpoint', 'requests', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'non-2xx', 'errors'];
  const rows = endpoints.map((e) => [
    e.endpoint,
    String(e.requests),
    e.reqPerSec.toFixed(0),
    ms(e.latency.p50),
    ms(e.latency.p90),
    ms(e.latency.p99),
    ms(e.latency.max),
    String(e.non2xx),
    `${e.errors} (${e.timeouts} timeouts)`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  console.log('');
  for (const row of [head, ...rows])
    console.log(row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
}

const dir = await mkdtemp(join(tmpdir(), 'oc-bench-load-'));
const worker = !values['no-worker'];
// Without a worker nothing finishes: the web API answers at once, as createTestApp does.
const syncWaitMs = values['sync-wait-ms'] ?? (worker ? undefined : '0');
const config = loadConfig(
  {},
  { dataDir: dir, ...(syncWaitMs ? { 'http.syncWaitMs': Number(syncWaitMs) } : {}) },
);
console.log(
  `HTTP intake on ${ENGINE}${ENGINE === 'postgres' ? ` (pool ${POOL})` : ''}: ${SECONDS} s per endpoint, ` +
    `${CONNECTIONS} connections, ${worker ? `worker in process (concurrency ${config.worker.concurrency})` : 'no worker'}, ` +
    `sync wait ${config.http.syncWaitMs} ms, node ${process.version}, ` +
    // autocannon shares this process and the machine: a busy machine lowers every figure.
    `${availableParallelism()} CPUs, load average ${loadavg()[0]!.toFixed(1)}`,
);
let failed = false;
let scratch: Awaited<ReturnType<typeof scratchDatabase>> | null = null;
try {
  scratch = await scratchDatabase();
  const report = await runLoad(scratch.db, config, {
    seconds: SECONDS,
    connections: CONNECTIONS,
    worker,
    drainTimeoutMs: Number(values['drain-timeout']) * 1000,
    onLogLine: (line) => process.stderr.write(line),
  });
  printTable(report.endpoints);
  console.log('');
  for (const e of report.endpoints) {
    console.log(
      `${e.endpoint}: sent ${e.sent}, 2xx ${e.answered2xx} (${counts(e.statuses)}), stored ${e.stored} ` +
        `(${e.unansweredStored} of ${e.unanswered} cut off at the end), ` +
        `lost: ${e.lost}, duplicated: ${e.duplicated}${worker ? `; ended ${counts(e.outcomes)}` : ''}`,
    );
  }
  if (report.drainS !== null)
    console.log(`worker finished the backlog ${report.drainS.toFixed(1)} s after the load`);
  for (const p of report.problems) console.log(`  FAIL ${p}`);
  failed = report.problems.length > 0;
} catch (err) {
  console.error(`bench-load failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  failed = true;
} finally {
  await scratch?.close().catch((err) => console.error(`closing the database: ${(err as Error).message}`));
  await rm(dir, { recursive: true, force: true });
}
if (failed) process.exitCode = 1;
