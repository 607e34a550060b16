import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import type { Db } from '../db/db.ts';
import { openPostgres } from '../db/postgres.ts';
import { silentLogger } from '../log.ts';
import { importMasterData } from '../masterdata/import.ts';
import { submit } from '../pipeline/submit.ts';
import { createTestDatabase, type TestDatabase } from '../testing/db.ts';
import { interchange } from '../testing/edifact-gen.ts';
import { DEMO_MASTER_DATA } from '../testing/pipeline.ts';
import { DocumentWorker } from './document-worker.ts';

const DOCS = 40;

/**
 * Two workers with their own connection pools (two processes, as far as PostgreSQL can tell)
 * drain one queue: every document is processed exactly once, and both did some of the work.
 */
describe('two workers on one database', () => {
  let t: TestDatabase;
  let second: Db;
  beforeAll(async () => {
    t = await createTestDatabase();
    second = t.url ? await openPostgres(t.url, 4) : t.db;
    await importMasterData(t.db, DEMO_MASTER_DATA);
  });
  afterAll(async () => {
    if (second !== t.db) await second.close();
    await t.close();
  });

  it('never process the same document twice', async () => {
    for (let i = 0; i < DOCS; i++) {
      const text = interchange([
        { poNumber: `TW-${i}`, buyerGln: '8412345000003', lines: [{ sku: 'TOR-M8-40', quantity: 300 }] },
      ]);
      await submit(t.db, {
        channel: 'edi',
        sourceRef: `test:tw:${i}`,
        sender: null,
        receivedAt: new Date(),
        filename: null,
        contentType: null,
        bytes: Buffer.from(text),
      });
    }
    const config = loadConfig({}, { dataDir: '/nonexistent' });
    const make = (db: Db, id: string) =>
      new DocumentWorker(
        { db, log: silentLogger, validation: config.validation, acceptThreshold: 0.9, deliverTo: null },
        { ...config.worker, concurrency: 4 },
        silentLogger,
        id,
      );
    const a = make(t.db, 'worker-a');
    const b = make(second, 'worker-b');
    const [na, nb] = await Promise.all([a.runUntilIdle(), b.runUntilIdle()]);
    expect(na + nb).toBe(DOCS);
    if (t.url) expect(Math.min(na, nb)).toBeGreaterThan(0);

    const [counts] = await t.db.query<{ processed: number; orders: number; distinct_docs: number }>(
      `SELECT (SELECT count(*) FROM events WHERE kind = 'document.processed')::int8 AS processed,
              (SELECT count(*) FROM orders)::int8 AS orders,
              (SELECT count(DISTINCT document_id) FROM orders)::int8 AS distinct_docs`,
    );
    expect(counts).toEqual({ processed: DOCS, orders: DOCS, distinct_docs: DOCS });
    expect(await t.db.query(`SELECT id FROM jobs`)).toEqual([]);
  });
});
