import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { edifactFormat, type DocumentFormat } from '../formats/registry.ts';
import { loadConfig } from '../config.ts';
import type { Db } from '../db/db.ts';
import { openPostgres } from '../db/postgres.ts';
import { createLogger } from '../log.ts';
import { importMasterData } from '../masterdata/import.ts';
import { submit } from '../pipeline/submit.ts';
import { createTestDatabase, type TestDatabase } from '../testing/db.ts';
import { interchange } from '../testing/edifact-gen.ts';
import { DEMO_MASTER_DATA } from '../testing/pipeline.ts';
import { DocumentWorker } from './document-worker.ts';

const LEASE_MS = 1000;

/**
 * A job that runs two and a half leases long (a long fax, or one waiting in its process for OCR) stays with
 * the worker running it: the lease is renewed, so a second worker polling meanwhile never takes it
 * over and the work is done once.
 */
describe('a job longer than its lease', () => {
  let t: TestDatabase;
  let second: Db;
  beforeAll(async () => {
    t = await createTestDatabase();
    second = t.url ? await openPostgres(t.url, 2) : t.db;
    await importMasterData(t.db, DEMO_MASTER_DATA);
  });
  afterAll(async () => {
    if (second !== t.db) await second.close();
    await t.close();
  });

  it('is renewed while it runs and done once', async () => {
    await submit(t.db, {
      channel: 'edi',
      sourceRef: 'test:lease',
      sender: null,
      receivedAt: new Date(),
      filename: null,
      contentType: null,
      bytes: Buffer.from(
        interchange([
          { poNumber: 'LEASE-1', buyerGln: '8412345000003', lines: [{ sku: 'TOR-M8-40', quantity: 300 }] },
        ]),
      ),
    });
    let reads = 0;
    const slow: DocumentFormat = {
      ...edifactFormat,
      extract: async (input) => {
        reads++;
        await new Promise((r) => setTimeout(r, LEASE_MS * 2.5));
        return edifactFormat.extract(input);
      },
    };
    const warnings: string[] = [];
    const log = createLogger('warn', {}, (line) => warnings.push(line));
    const config = loadConfig({}, { dataDir: '/nonexistent' });
    const make = (db: Db, id: string) =>
      new DocumentWorker(
        { db, log, validation: config.validation, acceptThreshold: 0.9, deliverTo: null, formats: [slow] },
        { ...config.worker, concurrency: 1, pollMs: 20, leaseMs: LEASE_MS },
        log,
        id,
      );
    const a = make(t.db, 'worker-a');
    const b = make(second, 'worker-b');
    a.start();
    // b starts once a holds the job, and polls through the whole run.
    while ((await t.db.query(`SELECT id FROM jobs WHERE locked_by IS NOT NULL`)).length === 0)
      await new Promise((r) => setTimeout(r, 10));
    b.start();
    for (let i = 0; i < 200; i++) {
      if ((await t.db.query(`SELECT id FROM jobs`)).length === 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await Promise.all([a.stop(), b.stop()]);

    expect(reads).toBe(1);
    expect(warnings).toEqual([]);
    const events = await t.db.query<{ worker: string }>(
      `SELECT detail->>'worker' AS worker FROM events WHERE kind = 'document.processed'`,
    );
    expect(events).toEqual([{ worker: 'worker-a' }]);
  });
});
