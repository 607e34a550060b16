import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db, Queryable } from '../db/db.ts';
import { emptyTestDatabase, testEngine } from '../testing/db.ts';
import { interchange, type GenMessage } from '../testing/edifact-gen.ts';
import { DEMO_MASTER_DATA, createTestPipeline, type TestPipeline } from '../testing/pipeline.ts';
import { importMasterData } from '../masterdata/import.ts';
import { ordersOfDocument } from '../store/orders.ts';
import { readMasterDataVersion } from '../validate/shared-cache.ts';
import { submit } from './submit.ts';

// Master data kept between documents (src/validate/shared-cache.ts) must never outlive a change:
// each document here follows a change to master data and must see it.

const C042 = '8412345000003';
let serial = 0;

function message(po: string, line: GenMessage['lines'][number], deliveryDate = '20261201'): GenMessage {
  return { poNumber: po, buyerGln: C042, deliveryDate, lines: [line] };
}

async function run(p: TestPipeline, messages: GenMessage[]) {
  serial++;
  const { documentId } = await submit(p.db, {
    channel: 'edi',
    sourceRef: `cache-test:${serial}`,
    sender: null,
    receivedAt: new Date(),
    filename: `cache-${serial}.edi`,
    contentType: null,
    bytes: Buffer.from(interchange(messages, { controlRef: String(serial) }), 'latin1'),
  });
  await p.worker.runUntilIdle();
  const orders = await ordersOfDocument(p.db, documentId);
  const priorities = await p.db.query<{ priority: string | null }>(
    `SELECT priority FROM orders WHERE document_id = $1 ORDER BY seq`,
    [documentId],
  );
  return orders.map((o, i) => ({
    status: o.status,
    priority: priorities[i]!.priority,
    skus: o.order.lines.map((l) => l.sku),
    codes: o.findings.map((f) => f.code),
  }));
}

describe('master data kept between documents', () => {
  let p: TestPipeline;
  beforeAll(async () => {
    p = await createTestPipeline({ 'worker.concurrency': 1 }, null);
  });
  afterAll(() => p?.close());
  beforeEach(async () => {
    await emptyTestDatabase(p.db);
    await importMasterData(p.db, DEMO_MASTER_DATA);
  });

  it("sees the customer's price changed between two documents", async () => {
    const line = { sku: 'TUE-M8', quantity: 300, unitPrice: 0.045 };
    expect((await run(p, [message('PC-1', line)]))[0]).toMatchObject({ status: 'accepted' });
    await p.db.query(`UPDATE prices SET unit_price = 0.09 WHERE customer_id = 'C042' AND sku = 'TUE-M8'`);
    const [second] = await run(p, [message('PC-2', line)]);
    expect(second!.codes).toContain('price_mismatch');
    expect(second!.status).toBe('review');
  });

  it('sees a cross-reference added between two documents (the learner, an import)', async () => {
    const line = { buyerRef: 'NEW-9', quantity: 300, unitPrice: 0.045 };
    const [first] = await run(p, [message('XR-1', line)]);
    expect(first!.skus).toEqual([null]);
    expect(first!.codes).toContain('unknown_sku');
    await p.db.query(
      `INSERT INTO cross_refs (customer_id, customer_ref, sku) VALUES ('C042', 'NEW-9', 'TUE-M8')`,
    );
    const [second] = await run(p, [message('XR-2', line)]);
    expect(second!.skus).toEqual(['TUE-M8']);
    expect(second!.codes).not.toContain('unknown_sku');
  });

  it('sees a product removed, and a customer made a priority one, between two documents', async () => {
    const line = { sku: 'ARA-M8', quantity: 400, unitPrice: 0.018 };
    // Delivery far off: nothing else makes the order urgent.
    const [first] = await run(p, [message('PR-1', line, '20291201')]);
    expect(first!.codes).not.toContain('unknown_sku');
    expect(first!.priority).toBeNull();
    await p.db.transaction(async (tx) => {
      await tx.query(`DELETE FROM prices WHERE sku = 'ARA-M8'`);
      await tx.query(`DELETE FROM cross_refs WHERE sku = 'ARA-M8'`);
      await tx.query(`DELETE FROM order_history WHERE sku = 'ARA-M8'`);
      await tx.query(`DELETE FROM products WHERE sku = 'ARA-M8'`);
    });
    await p.db.query(`UPDATE customers SET priority = true WHERE id = 'C042'`);
    const [second] = await run(p, [message('PR-2', line, '20291201')]);
    expect(second!.codes).toContain('unknown_sku');
    expect(second!.priority).toBe('a priority customer');
  });

  it('still finds a duplicate PO in the next document, and one inside the same interchange', async () => {
    const line = { sku: 'TUE-M8', quantity: 300, unitPrice: 0.045 };
    await run(p, [message('DUP-1', line)]);
    const next = await run(p, [message('DUP-1', line), message('DUP-2', line), message('DUP-2', line)]);
    expect(next.map((o) => o.codes.includes('duplicate_order'))).toEqual([true, false, true]);
  });

  it('answers as the database does for the same document under an unchanged label', async () => {
    const messages = [
      message('SAME-1', { gtin: '8412345678905', quantity: 200, unitPrice: 0.12 }),
      message('SAME-2', { buyerRef: '4712', quantity: 300, unitPrice: 0.045 }),
      message('SAME-3', { sku: 'NOPE-1', quantity: 1, unitPrice: 1 }),
    ];
    const strip = (os: Awaited<ReturnType<typeof run>>) =>
      os.map(({ status, skus, codes }) => ({ status, skus, codes: [...codes].sort() }));
    const first = strip(
      await run(
        p,
        messages.map((m) => ({ ...m, poNumber: `A-${m.poNumber}` })),
      ),
    );
    const second = strip(
      await run(
        p,
        messages.map((m) => ({ ...m, poNumber: `B-${m.poNumber}` })),
      ),
    );
    expect(second).toEqual(first);
    expect(first.map((o) => o.skus)).toEqual([['TOR-M8-40'], ['TUE-M8'], [null]]);
  });
});

describe('the master-data label (migration 019)', () => {
  let p: TestPipeline;
  let db: Db;
  beforeAll(async () => {
    p = await createTestPipeline({}, DEMO_MASTER_DATA);
    db = p.db;
  });
  afterAll(() => p?.close());

  const writes: Array<[string, (q: Queryable) => Promise<unknown>]> = [
    ['customers', (q) => q.query(`UPDATE customers SET sla_hours = 8 WHERE id = 'C042'`)],
    [
      'products',
      (q) => q.query(`UPDATE products SET description = 'Arandela M8 ancha' WHERE sku = 'ARA-M8'`),
    ],
    [
      'prices',
      (q) => q.query(`INSERT INTO prices (customer_id, sku, unit_price) VALUES ('C042', 'TOR-M8-50', 1)`),
    ],
    ['cross_refs', (q) => q.query(`DELETE FROM cross_refs WHERE customer_ref = '4720'`)],
    ['order_history', (q) => q.exec('TRUNCATE order_history')],
  ];
  for (const [table, write] of writes) {
    it(`changes with any statement on ${table}, when that transaction commits`, async () => {
      const before = await readMasterDataVersion(db);
      expect(before).not.toBeNull();
      await db.transaction(async (tx) => {
        await write(tx);
        // Not yet committed: others still see the old label (PGlite has no others: one session).
        if (db.engine === 'postgres') expect(await readMasterDataVersion(db)).toBe(before);
      });
      const after = await readMasterDataVersion(db);
      expect(after).not.toBeNull();
      expect(after).not.toBe(before);
    });
  }

  it.skipIf(testEngine !== 'postgres')(
    'lets two writers of master data commit without waiting for each other',
    async () => {
      const before = await readMasterDataVersion(db);
      await db.transaction(async (first) => {
        await first.query(`UPDATE customers SET sla_hours = 6 WHERE id = 'C042'`);
        // A second writer (a reviewer's approval teaching a cross-reference) while the first is open.
        const second = db.transaction((tx) =>
          tx.query(
            `INSERT INTO cross_refs (customer_id, customer_ref, sku) VALUES ('C042', 'W-2', 'TUE-M8')`,
          ),
        );
        const outcome = await Promise.race([
          second.then(() => 'committed'),
          new Promise((r) => setTimeout(() => r('waiting'), 3000)),
        ]);
        expect(outcome).toBe('committed');
      });
      const labels = new Set([before, await readMasterDataVersion(db)]);
      expect(labels.size).toBe(2);
    },
  );

  it('takes a new value, never an old one, when the database is emptied and loaded again', async () => {
    const seen = new Set([await readMasterDataVersion(db)]);
    await emptyTestDatabase(db);
    const emptied = await readMasterDataVersion(db);
    await importMasterData(db, DEMO_MASTER_DATA);
    const loaded = await readMasterDataVersion(db);
    for (const v of [emptied, loaded]) {
      expect(v).not.toBeNull();
      expect(seen.has(v)).toBe(false);
      seen.add(v);
    }
  });
});
