import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faxTiff, FAX_LINES } from '../documents/testing.ts';
import { importMasterData } from '../masterdata/import.ts';
import { submit } from '../pipeline/submit.ts';
import { createTestDatabase, type TestDatabase, testEngine } from '../testing/db.ts';
import { interchange } from '../testing/edifact-gen.ts';
import { DEMO_MASTER_DATA } from '../testing/pipeline.ts';

const BIN = fileURLToPath(new URL('../../bin/order-capture.js', import.meta.url));
const PROCESSES = 3;
const EDI = 12;
const FAXES = 2;

/**
 * Three `order-capture worker` processes on one PostgreSQL share the queue: EDIFACT and OCR'd fax
 * documents are each processed exactly once, by more than one process, and each accepted order
 * reaches the ERP once. Needs a server (PGlite is one process's folder); no timing is asserted.
 */
describe.skipIf(testEngine !== 'postgres')('worker processes scaled out on one PostgreSQL', () => {
  let t: TestDatabase;
  let dir: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    t = await createTestDatabase();
    dir = await mkdtemp(join(tmpdir(), 'oc-scale-'));
    await importMasterData(t.db, DEMO_MASTER_DATA);
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Starts a worker; resolves once it says it is running. */
  function startWorker(): Promise<ChildProcess> {
    const child = spawn(process.execPath, [BIN, 'worker'], {
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: t.url!,
        ORDERCAP_DATA_DIR: dir,
        ORDERCAP_LOG_LEVEL: 'info',
        ORDERCAP_OCR_WORKERS: '1',
        // One job at a time: a process busy with a fax leaves the rest to the others.
        ORDERCAP_WORKER_CONCURRENCY: '1',
        ORDERCAP_WORKER_POLL_MS: '50',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(child);
    return new Promise((resolve, reject) => {
      let seen = '';
      child.stderr!.setEncoding('utf8');
      child.stderr!.on('data', (s: string) => {
        seen += s;
        if (seen.includes('"order-capture running"')) resolve(child);
      });
      child.once('exit', (code) => reject(new Error(`worker exited (${code}) before running:\n${seen}`)));
    });
  }

  it('processes every document once, over more than one process', async () => {
    await Promise.all(Array.from({ length: PROCESSES }, startWorker));
    // Faxes first: the processes that take them are busy for a while, the others take the EDI.
    const fax = await faxTiff([FAX_LINES], 'fine');
    for (let i = 0; i < FAXES; i++) {
      await submit(t.db, {
        channel: 'fax',
        sourceRef: `test:scale:fax:${i}`,
        sender: '+34915550142',
        receivedAt: new Date(),
        filename: `fax-${i}.tif`,
        contentType: 'image/tiff',
        bytes: fax,
      });
    }
    for (let i = 0; i < EDI; i++) {
      const text = interchange([
        {
          poNumber: `SCALE-${i}`,
          buyerGln: '8412345000003',
          lines: [{ sku: 'TOR-M8-40', quantity: 300, unitPrice: 0.12 }],
        },
      ]);
      await submit(t.db, {
        channel: 'edi',
        sourceRef: `test:scale:edi:${i}`,
        sender: null,
        receivedAt: new Date(),
        filename: null,
        contentType: null,
        bytes: Buffer.from(text),
      });
    }

    const settled = async () => {
      const [row] = await t.db.query<{ open: number }>(
        `SELECT (SELECT count(*) FROM jobs)
              + (SELECT count(*) FROM erp_outbox WHERE status = 'pending') AS open`,
      );
      return Number(row!.open) === 0;
    };
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && !(await settled())) await new Promise((r) => setTimeout(r, 50));
    await Promise.all(
      children.map((c) => {
        c.kill('SIGTERM');
        return new Promise((resolve) => c.once('exit', resolve));
      }),
    );
    expect(children.map((c) => c.exitCode)).toEqual(children.map(() => 0));

    const done = await t.db.query<{ document_id: number; n: number; worker: string }>(
      `SELECT document_id, count(*)::int8 AS n, min(detail->>'worker') AS worker FROM events
        WHERE kind IN ('document.processed', 'document.rejected') GROUP BY document_id`,
    );
    expect(done).toHaveLength(EDI + FAXES);
    expect(done.every((d) => Number(d.n) === 1)).toBe(true);
    // Worker ids are `worker:<host>:<pid>:<random>`; the pids are those of the processes started.
    const pids = new Set(done.map((d) => Number(d.worker.split(':')[2])));
    expect([...pids].every((pid) => children.some((c) => c.pid === pid))).toBe(true);
    expect(pids.size).toBeGreaterThan(1);

    const [counts] = await t.db.query<{ docs: number; orders: number; dup: number; delivered: number }>(
      `SELECT (SELECT count(*) FROM documents WHERE status IN ('processed', 'rejected'))::int8 AS docs,
              (SELECT count(*) FROM orders WHERE document_id IN
                 (SELECT id FROM documents WHERE channel = 'edi'))::int8 AS orders,
              (SELECT count(*) FROM (SELECT document_id, seq FROM orders GROUP BY 1, 2
                 HAVING count(*) > 1) d)::int8 AS dup,
              (SELECT count(*) FROM orders WHERE status = 'delivered')::int8 AS delivered`,
    );
    expect(counts).toEqual({ docs: EDI + FAXES, orders: EDI, dup: 0, delivered: counts!.delivered });
    expect(Number(counts!.delivered)).toBeGreaterThanOrEqual(EDI);
    // The file adapter writes one file per delivered order: none twice, none missing.
    const files = await readdir(join(dir, 'erp-out'));
    expect(files.filter((f) => f.endsWith('.json'))).toHaveLength(Number(counts!.delivered));
    expect(await t.db.query(`SELECT order_id FROM erp_outbox WHERE status <> 'delivered'`)).toEqual([]);
  }, 90_000);
});
