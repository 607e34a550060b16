/**
 * Scale-out figures for `npm run bench`: OCR-bound throughput with 1, 2 and 4 `order-capture
 * worker` processes (ORDERCAP_OCR_WORKERS=1 each) sharing one PostgreSQL queue, the scaling ratio
 * against one process, how the documents were spread over the processes (the worker id that each
 * `document.processed` event records) and the check that every document was processed exactly once.
 *
 * Each run gets a fresh database (created and dropped here) with the demo master data and K
 * one-page fax TIFFs queued before the workers start. Two rates are printed:
 *   - steady: documents finished after every process had finished its first one, over that
 *     window; this leaves out process start-up (Node, tsx, connecting, tesseract loading its
 *     model), which a long-running worker pays once;
 *   - e2e: all K documents from spawning the processes until the last one is stored.
 * The ratios are against the 1-process median of the same measure. CPU seconds of the worker
 * processes and of this database's PostgreSQL backends show where the cores went; "other" is
 * what the rest of the machine used meanwhile (a busy machine skews the figures).
 *
 *   node bin/run-ts.js scripts/bench-scale.ts [--docs K] [--procs 1,2,4] [--repeat R]
 *     [--concurrency 1,4]  ORDERCAP_WORKER_CONCURRENCY of the workers, each measured: 1 is one
 *                          document at a time (one OCR lane per process), 4 the default
 *     [--ocr-workers 1]    ORDERCAP_OCR_WORKERS of each worker process
 *     [--claims J]         J empty jobs through claim + complete alone (0: skip), the queue's ceiling
 *
 * PostgreSQL at DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test); skipped if none.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { Db } from '../src/db/db.ts';
import { migrate } from '../src/db/migrate.ts';
import { openPostgres } from '../src/db/postgres.ts';
import { importMasterData } from '../src/masterdata/import.ts';
import { submit } from '../src/pipeline/submit.ts';
import { claimJobs, completeJob } from '../src/queue/jobs.ts';
import { DEMO_MASTER_DATA } from '../src/testing/pipeline.ts';
import { layout } from './eval/layout.ts';
import { CUSTOMERS, makeOrder, random } from './eval/orders.ts';
import { faxTiff } from './eval/render.ts';
import { projectPath } from '../src/project-root.ts';

const { values } = parseArgs({
  options: {
    docs: { type: 'string', default: '32' },
    procs: { type: 'string', default: '1,2,4' },
    repeat: { type: 'string', default: '1' },
    concurrency: { type: 'string', default: '1,4' },
    'ocr-workers': { type: 'string', default: '1' },
    claims: { type: 'string', default: '4000' },
  },
});
const DOCS = Number(values.docs);
const PROCS = values.procs.split(',').map(Number);
const REPEAT = Number(values.repeat);
const CONCURRENCY = values.concurrency.split(',').map(Number);
const OCR_WORKERS = values['ocr-workers'];
const PG_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const BIN = projectPath('bin', 'order-capture.js');
/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const HZ = 100;

interface Fax {
  bytes: Buffer;
  sender: string;
  filename: string;
}

interface Run {
  concurrency: number;
  procs: number;
  steadyPerMin: number;
  e2ePerMin: number;
  e2eSecs: number;
  /** Documents per worker process, in spawn order. */
  spread: number[];
  exactlyOnce: boolean;
  problems: string[];
  workerCpu: number;
  /** Worker CPU seconds on the OCR threads and on the event loops (see threadCpu). */
  ocrCpu: number;
  mainCpu: number;
  pgCpu: number;
  /** Database growth per document while processing (page images, words, orders, events). */
  kbPerDoc: number;
  /** Most PostgreSQL connections the workers held at once. */
  connections: number;
  otherCpu: number;
}

async function makeFaxes(): Promise<Fax[]> {
  const rnd = random(20261123);
  const out: Fax[] = [];
  for (let i = 0; i < DOCS; i++) {
    const style = CUSTOMERS[i % CUSTOMERS.length]!;
    const g = makeOrder(style, i, rnd);
    const header = `${g.expected.orderDate}  09:${String(10 + (i % 50)).padStart(2, '0')}  FROM ${style.fax}  P.1/1`;
    const bytes = await faxTiff(layout(g), { header, skewDeg: (rnd() - 0.5) * 1.6, seed: rnd });
    out.push({ bytes, sender: style.fax, filename: `fax-${style.fax}-scale-${i}.tif` });
  }
  return out;
}

/** A fresh database for one run: migrated, demo master data, the faxes queued. */
async function freshDatabase(admin: pg.Client, name: string, faxes: Fax[]): Promise<string> {
  await admin.query(`CREATE DATABASE ${name}`);
  const u = new URL(PG_URL);
  u.pathname = `/${name}`;
  const db = await openPostgres(u.toString(), 2);
  try {
    await migrate(db);
    await importMasterData(db, DEMO_MASTER_DATA);
    for (const [i, f] of faxes.entries()) {
      await submit(db, {
        channel: 'fax',
        sourceRef: `bench-scale:${i}`,
        sender: f.sender,
        receivedAt: new Date(),
        filename: f.filename,
        contentType: 'image/tiff',
        bytes: f.bytes,
      });
    }
  } finally {
    await db.close();
  }
  return u.toString();
}

function startWorker(url: string, dataDir: string, concurrency: number, logs: string[]): ChildProcess {
  const child = spawn(process.execPath, [BIN, 'worker'], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: url,
      ORDERCAP_DATA_DIR: dataDir,
      ORDERCAP_OCR_WORKERS: OCR_WORKERS,
      ORDERCAP_WORKER_CONCURRENCY: String(concurrency),
      ORDERCAP_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (s: string) => logs.push(s));
  return child;
}

/** CPU seconds used so far by a process (user + system), 0 once it is gone. */
function cpuSeconds(pid: number, path = String(pid)): number {
  try {
    const stat = readFileSync(`/proc/${path}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / HZ;
  } catch {
    return 0;
  }
}

/**
 * CPU seconds of a process's OCR thread and of its event loop. tesseract.js runs each OCR worker
 * on a worker thread (named `node`, like V8's and libuv's helper threads, which use far less):
 * the busiest `node` thread is the OCR one. libvips' threads come and go, so what they used is
 * only in the process's total.
 */
function threadCpu(pid: number): { ocr: number; main: number } {
  let ocr = 0;
  let main = 0;
  let tasks: string[] = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return { ocr, main };
  }
  for (const tid of tasks) {
    try {
      const comm = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      const used = cpuSeconds(Number(tid), `${pid}/task/${tid}`);
      if (tid === String(pid)) main = used;
      else if (comm === 'node') ocr = Math.max(ocr, used);
    } catch {
      // the thread ended meanwhile
    }
  }
  return { ocr, main };
}

/** The PostgreSQL backends serving database `name` (their title names it). */
function backendsOf(name: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmd.startsWith('postgres:') && cmd.includes(` ${name} `)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** Busy CPU seconds of the whole machine so far (all cores, /proc/stat). */
function machineBusySeconds(): number {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.split(/\s+/).slice(1).map(Number);
  const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
  return (cpu.reduce((a, b) => a + b, 0) - idle) / HZ;
}

const exited = (c: ChildProcess) =>
  c.exitCode !== null || c.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => c.once('exit', () => resolve()));

async function measure(
  admin: pg.Client,
  faxes: Fax[],
  concurrency: number,
  procs: number,
  round: number,
): Promise<Run> {
  const name = `oc_bench_scale_${process.pid}_${concurrency}_${procs}_${round}`;
  const url = await freshDatabase(admin, name, faxes);
  const dataDir = await mkdtemp(join(tmpdir(), 'oc-bench-scale-'));
  const db = await openPostgres(url, 1);
  const logs: string[] = [];
  const children: ChildProcess[] = [];
  try {
    const size0 = await databaseBytes(db);
    const busy0 = machineBusySeconds();
    const [{ t0 }] = (await db.query<{ t0: Date }>(`SELECT clock_timestamp() AS t0`)) as [{ t0: Date }];
    for (let i = 0; i < procs; i++) children.push(startWorker(url, dataDir, concurrency, logs));
    const pgCpu = new Map<number, number>();
    let connections = 0;
    for (;;) {
      const dead = children.find((c) => c.exitCode !== null || c.signalCode !== null);
      if (dead) throw new Error(`a worker exited early:\n${logs.join('').slice(-2000)}`);
      const backends = backendsOf(name);
      // Less this script's own connection.
      connections = Math.max(connections, backends.length - 1);
      for (const pid of backends) pgCpu.set(pid, cpuSeconds(pid));
      const [row] = await db.query<{ n: number }>(
        `SELECT count(*)::int8 AS n FROM documents WHERE status IN ('processed', 'rejected')`,
      );
      if (Number(row?.n) >= DOCS) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    for (const pid of backendsOf(name)) pgCpu.set(pid, cpuSeconds(pid));
    const workerCpu = children.reduce((s, c) => s + cpuSeconds(c.pid!), 0);
    const threads = children.map((c) => threadCpu(c.pid!));
    const busy = machineBusySeconds() - busy0;
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map(exited));
    const pgTotal = [...pgCpu.values()].reduce((a, b) => a + b, 0);
    const checked = await audit(db, children);
    const grown = (await databaseBytes(db)) - size0;
    return {
      concurrency,
      procs,
      ...(await rates(db, t0)),
      ...checked,
      workerCpu,
      ocrCpu: threads.reduce((n, t) => n + t.ocr, 0),
      mainCpu: threads.reduce((n, t) => n + t.main, 0),
      pgCpu: pgTotal,
      connections,
      kbPerDoc: grown / DOCS / 1024,
      otherCpu: Math.max(0, busy - workerCpu - pgTotal),
      problems: [...checked.problems, ...logProblems(logs)],
    };
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await db.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * The queue alone: `jobs` empty jobs claimed one at a time and completed (deleted) by `conns`
 * connections at once, as workers do, with no work in between: the claim ceiling of this server.
 */
async function claimRate(admin: pg.Client, jobs: number, conns: number): Promise<number> {
  const name = `oc_bench_claims_${process.pid}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const u = new URL(PG_URL);
  u.pathname = `/${name}`;
  const db = await openPostgres(u.toString(), conns);
  try {
    await migrate(db);
    await db.query(
      `INSERT INTO jobs (kind, document_id) SELECT 'process_document', g FROM generate_series(1, $1) g`,
      [jobs],
    );
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: conns }, async (_, i) => {
        for (;;) {
          const [job] = await claimJobs(db, `claims-${i}`, ['process_document'], 1, 60_000);
          if (!job) return;
          await db.transaction((tx) => completeJob(tx, job));
        }
      }),
    );
    return jobs / ((performance.now() - t0) / 1000);
  } finally {
    await db.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

async function databaseBytes(db: Db): Promise<number> {
  const [row] = await db.query<{ n: number }>(`SELECT pg_database_size(current_database())::int8 AS n`);
  return Number(row?.n ?? 0);
}

/** Steady and end-to-end rates from the times the documents were stored (the database's clock). */
async function rates(
  db: Db,
  t0: Date,
): Promise<{ steadyPerMin: number; e2ePerMin: number; e2eSecs: number }> {
  const rows = await db.query<{ worker: string; at: Date }>(
    `SELECT detail->>'worker' AS worker, at FROM events
      WHERE kind IN ('document.processed', 'document.rejected') ORDER BY at`,
  );
  const firstOf = new Map<string, number>();
  for (const r of rows) if (!firstOf.has(r.worker)) firstOf.set(r.worker, r.at.getTime());
  const warm = Math.max(...firstOf.values());
  const end = rows[rows.length - 1]!.at.getTime();
  const after = rows.filter((r) => r.at.getTime() > warm).length;
  const e2eSecs = (end - t0.getTime()) / 1000;
  return {
    steadyPerMin: end > warm ? (after / ((end - warm) / 1000)) * 60 : Number.NaN,
    e2ePerMin: (rows.length / e2eSecs) * 60,
    e2eSecs,
  };
}

/** Exactly once: one processed/rejected event and one status per document, no job left, no order twice. */
async function audit(
  db: Db,
  children: ChildProcess[],
): Promise<{ spread: number[]; exactlyOnce: boolean; problems: string[] }> {
  const problems: string[] = [];
  const [c] = await db.query<{
    docs: number;
    done: number;
    events: number;
    distinct_docs: number;
    jobs: number;
    dup_orders: number;
  }>(
    `SELECT (SELECT count(*) FROM documents)::int8 AS docs,
            (SELECT count(*) FROM documents WHERE status IN ('processed', 'rejected'))::int8 AS done,
            (SELECT count(*) FROM events WHERE kind IN ('document.processed', 'document.rejected'))::int8 AS events,
            (SELECT count(DISTINCT document_id) FROM events
              WHERE kind IN ('document.processed', 'document.rejected'))::int8 AS distinct_docs,
            (SELECT count(*) FROM jobs)::int8 AS jobs,
            (SELECT count(*) FROM (SELECT document_id, seq FROM orders GROUP BY 1, 2 HAVING count(*) > 1) d)::int8
              AS dup_orders`,
  );
  const n = (v: unknown) => Number(v);
  if (n(c!.docs) !== DOCS || n(c!.done) !== DOCS)
    problems.push(`${c!.done} of ${c!.docs} documents done, ${DOCS} sent`);
  if (n(c!.events) !== DOCS || n(c!.distinct_docs) !== DOCS)
    problems.push(`${c!.events} processed events for ${c!.distinct_docs} documents`);
  if (n(c!.jobs) !== 0) problems.push(`${c!.jobs} jobs left in the queue`);
  if (n(c!.dup_orders) !== 0) problems.push(`${c!.dup_orders} orders stored twice`);
  const byWorker = await db.query<{ worker: string; n: number }>(
    `SELECT detail->>'worker' AS worker, count(*)::int8 AS n FROM events
      WHERE kind IN ('document.processed', 'document.rejected') GROUP BY 1`,
  );
  // Worker ids are `worker:<host>:<pid>:<random>`: the pid ties each to its process.
  const spread = children.map((ch) =>
    byWorker.filter((w) => w.worker?.split(':')[2] === String(ch.pid)).reduce((s, w) => s + n(w.n), 0),
  );
  if (spread.reduce((a, b) => a + b, 0) !== DOCS)
    problems.push(`worker ids do not account for every document`);
  return { spread, exactlyOnce: problems.length === 0, problems };
}

/** Warnings and errors from the workers: a lease lost means a job was done twice (stored once). */
function logProblems(logs: string[]): string[] {
  const lines = logs.join('').split('\n').filter(Boolean);
  const counts = new Map<string, number>();
  for (const line of lines) {
    let msg = line;
    try {
      msg = (JSON.parse(line) as { msg: string }).msg;
    } catch {
      // not a log line: keep it as it is
    }
    counts.set(msg, (counts.get(msg) ?? 0) + 1);
  }
  return [...counts].map(([msg, k]) => `worker log: "${msg.slice(0, 120)}" x${k}`);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const admin = new pg.Client({ connectionString: PG_URL });
try {
  await admin.connect();
} catch (err) {
  console.log(`scale-out skipped: no PostgreSQL at ${PG_URL} (${(err as Error).message})`);
  process.exit(0);
}
const faxes = await makeFaxes();
const tiffKb = faxes.reduce((n, f) => n + f.bytes.length, 0) / faxes.length / 1024;
console.log(
  `Scale-out, ${DOCS} one-page fax TIFFs (${tiffKb.toFixed(0)} kB each) per run, worker processes with ORDERCAP_OCR_WORKERS=${OCR_WORKERS}, ` +
    `${availableParallelism()} cores, node ${process.version}; load average before: ${loadavg()[0]!.toFixed(2)}`,
);
const runs: Run[] = [];
try {
  for (const concurrency of CONCURRENCY) {
    for (let r = 0; r < REPEAT; r++) {
      for (const procs of PROCS) {
        const run = await measure(admin, faxes, concurrency, procs, r);
        runs.push(run);
        console.log(
          `  concurrency ${concurrency}, ${procs} proc${procs > 1 ? 's' : ' '}: steady ${run.steadyPerMin.toFixed(1)} docs/min, ` +
            `e2e ${run.e2ePerMin.toFixed(1)} docs/min (${run.e2eSecs.toFixed(1)} s); spread ${run.spread.join('/')}; ` +
            `exactly once ${run.exactlyOnce ? 'yes' : 'NO'}\n` +
            `    CPU s: workers ${run.workerCpu.toFixed(1)} (OCR threads ${run.ocrCpu.toFixed(1)}, event loops ` +
            `${run.mainCpu.toFixed(1)}, rest ${(run.workerCpu - run.ocrCpu - run.mainCpu).toFixed(1)}), ` +
            `postgres ${run.pgCpu.toFixed(1)}, rest of the machine ${run.otherCpu.toFixed(1)}; ` +
            `connections ${run.connections}; database +${run.kbPerDoc.toFixed(0)} kB/doc` +
            (run.problems.length ? `\n    ${run.problems.join('\n    ')}` : ''),
        );
      }
    }
  }
  const claims = Number(values.claims);
  if (claims > 0) {
    for (const conns of [1, 4, 16]) {
      const rate = await claimRate(admin, claims, conns);
      console.log(
        `  queue alone: ${claims} empty jobs claimed and completed by ${conns} connections: ${rate.toFixed(0)} jobs/s`,
      );
    }
  }
} finally {
  await admin.end();
}
const range = (xs: number[]) =>
  xs.length > 1 ? ` [${Math.min(...xs).toFixed(1)}..${Math.max(...xs).toFixed(1)}]` : '';
for (const concurrency of CONCURRENCY) {
  const base = runs.filter((r) => r.concurrency === concurrency && r.procs === 1);
  const baseSteady = median(base.map((r) => r.steadyPerMin));
  const baseE2e = median(base.map((r) => r.e2ePerMin));
  for (const procs of PROCS) {
    const mine = runs.filter((r) => r.concurrency === concurrency && r.procs === procs);
    const steady = mine.map((r) => r.steadyPerMin);
    const e2e = mine.map((r) => r.e2ePerMin);
    console.log(
      `concurrency ${concurrency}, ${procs} worker process${procs > 1 ? 'es' : ''}: ` +
        `${median(steady).toFixed(1)} docs/min steady${range(steady)}` +
        (base.length ? `, ${(median(steady) / baseSteady).toFixed(2)}x` : '') +
        `; ${median(e2e).toFixed(1)} docs/min end to end${range(e2e)}` +
        (base.length ? `, ${(median(e2e) / baseE2e).toFixed(2)}x` : '') +
        `; exactly once in ${mine.filter((r) => r.exactlyOnce).length}/${mine.length} runs`,
    );
  }
}
if (runs.some((r) => !r.exactlyOnce)) process.exitCode = 1;
