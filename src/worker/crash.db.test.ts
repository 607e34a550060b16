import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/db.ts';
import { openDatabase } from '../db/open.ts';
import { importMasterData } from '../masterdata/import.ts';
import { submit } from '../pipeline/submit.ts';
import { createTestDatabase, type TestDatabase, testEngine } from '../testing/db.ts';
import { interchange } from '../testing/edifact-gen.ts';
import { type ErpServer, startErpServer } from '../testing/erp-server.ts';
import { DEMO_MASTER_DATA } from '../testing/pipeline.ts';

const BIN = fileURLToPath(new URL('../../bin/order-capture.js', import.meta.url));
const MESSAGES = 6;

/**
 * A worker process killed with SIGKILL mid-job (before its result commits) and between sending
 * an order to the ERP and recording it; after a restart every order exists once and the ERP has
 * each exactly once. On PGlite the database is a folder used by one process at a time.
 */
describe('worker killed with SIGKILL', () => {
  let dir: string;
  let pgTest: TestDatabase | null = null;
  let erp: ErpServer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'oc-crash-'));
    erp = await startErpServer();
    if (testEngine === 'postgres') pgTest = await createTestDatabase();
  });
  afterAll(async () => {
    await erp.close();
    await pgTest?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function withDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    if (pgTest) return fn(pgTest.db);
    const db = await openDatabase({ databaseUrl: null, dataDir: dir });
    try {
      return await fn(db);
    } finally {
      await db.close();
    }
  }

  function startWorker(fault: string | null): ChildProcess {
    return spawn(process.execPath, [BIN, 'worker'], {
      env: {
        PATH: process.env.PATH,
        ORDERCAP_DATA_DIR: dir,
        ...(pgTest?.url ? { DATABASE_URL: pgTest.url } : {}),
        ...(fault ? { ORDERCAP_FAULT: fault } : {}),
        ORDERCAP_LOG_LEVEL: 'error',
        ORDERCAP_WORKER_LEASE_MS: '1000',
        ORDERCAP_WORKER_POLL_MS: '50',
        ORDERCAP_ERP_ADAPTER: 'http',
        ORDERCAP_ERP_URL: erp.url,
        ORDERCAP_ERP_TIMEOUT_MS: '500',
        ORDERCAP_ERP_LEASE_MS: '1000',
        ORDERCAP_ERP_BACKOFF_MS: '10',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  }

  const exited = (child: ChildProcess) =>
    new Promise<NodeJS.Signals | number | null>((resolve) =>
      child.once('exit', (code, signal) => resolve(signal ?? code)),
    );

  it('loses nothing and posts nothing twice', async () => {
    await withDb(async (db) => {
      await importMasterData(db, DEMO_MASTER_DATA);
      const messages = Array.from({ length: MESSAGES }, (_, i) => ({
        poNumber: `CRASH-${i}`,
        buyerGln: '8412345000003',
        lines: [{ sku: 'TOR-M8-40', quantity: 300, unitPrice: 0.12 }],
      }));
      await submit(db, {
        channel: 'edi',
        sourceRef: 'test:crash',
        sender: null,
        receivedAt: new Date(),
        filename: 'crash.edi',
        contentType: null,
        bytes: Buffer.from(interchange(messages)),
      });
    });

    // 1. Killed before the pipeline's transaction commits: nothing of its work may show.
    expect(await exited(startWorker('pipeline.before-commit'))).toBe('SIGKILL');
    await withDb(async (db) => {
      expect(await db.query(`SELECT id FROM orders`)).toEqual([]);
      const [doc] = await db.query<{ status: string }>(`SELECT status FROM documents`);
      expect(doc!.status).toBe('received');
    });

    // 2. Killed right after the ERP accepted an order, before recording it.
    expect(await exited(startWorker('erp.after-send'))).toBe('SIGKILL');
    // Deliveries run concurrently: one or more orders reached the ERP before the kill.
    expect(erp.received.length).toBeGreaterThanOrEqual(1);
    const sentBeforeKill = erp.received.length;

    // 3. A clean restart finishes everything; the resend carries the same Idempotency-Key.
    const worker = startWorker(null);
    const done = () => erp.received.length === MESSAGES && erp.replays >= sentBeforeKill;
    for (let i = 0; i < 400 && !done(); i++) await new Promise((r) => setTimeout(r, 50));
    // Let the replayed deliveries be recorded before stopping.
    await new Promise((r) => setTimeout(r, 300));
    worker.kill('SIGTERM');
    expect(await exited(worker)).toBe(0);

    const pos = erp.received.map((r) => (r.body as { poNumber: string }).poNumber).sort();
    expect(pos).toEqual(Array.from({ length: MESSAGES }, (_, i) => `CRASH-${i}`).sort());
    // Every order sent before the kill came again under its key; on a slow machine an answer that
    // missed the 500 ms timeout is sent again too. Either way the ERP stored each order once.
    expect(erp.replays).toBeGreaterThanOrEqual(sentBeforeKill);
    await withDb(async (db) => {
      const orders = await db.query<{ status: string }>(`SELECT status FROM orders`);
      expect(orders).toHaveLength(MESSAGES);
      expect(orders.every((o) => o.status === 'delivered')).toBe(true);
      const kinds = await db.query<{ kind: string; n: number }>(
        `SELECT kind, count(*)::int8 AS n FROM events GROUP BY kind ORDER BY kind`,
      );
      expect(Object.fromEntries(kinds.map((k) => [k.kind, k.n]))).toMatchObject({
        'document.received': 1,
        'document.processed': 1,
        'order.accepted': MESSAGES,
        'order.delivered': MESSAGES,
      });
      expect(await db.query(`SELECT id FROM jobs`)).toEqual([]);
    });
    expect(await readdir(dir)).not.toContain('erp-out');
  });
});
