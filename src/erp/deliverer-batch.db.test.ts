import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db, Queryable } from '../db/db.ts';
import { createLogger, silentLogger } from '../log.ts';
import { createTestDatabase, emptyTestDatabase, type TestDatabase } from '../testing/db.ts';
import type { Delivery, DeliveryResult, ErpAdapter } from './adapter.ts';
import { OutboxDeliverer, type OutboxDelivererOptions } from './deliverer.ts';
import { eventsOf, insertAcceptedOrder, outboxRow, sampleOrder, testErpConfig } from './test-support.ts';

/** Counts round trips: each query, and BEGIN and COMMIT for a transaction. */
function countingDb(db: Db): Db & { queries: number } {
  const counted = (q: Queryable): Queryable => ({
    query: (sql, params) => {
      wrapper.queries += 1;
      return q.query(sql, params);
    },
    exec: (sql) => {
      wrapper.queries += 1;
      return q.exec(sql);
    },
  });
  const wrapper = {
    ...counted(db),
    queries: 0,
    engine: db.engine,
    transaction: <T>(fn: (tx: Queryable) => Promise<T>) => {
      wrapper.queries += 2;
      return db.transaction((tx) => fn(counted(tx)));
    },
    close: () => db.close(),
  };
  return wrapper;
}

/** An ERP that accepts everything, after running `before` (which may meddle with the database). */
function fakeErp(before: (d: Delivery) => Promise<void> = async () => {}) {
  const adapter = {
    identifier: 'http',
    sent: [] as number[],
    deliver: async (d: Delivery): Promise<DeliveryResult> => {
      await before(d);
      adapter.sent.push(d.orderId);
      return { kind: 'delivered', reference: `R-${d.orderId}` };
    },
  };
  return adapter;
}

describe('OutboxDeliverer batches', () => {
  let t: TestDatabase;
  // One database for the file, emptied before each test.
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t.close());
  beforeEach(() => emptyTestDatabase(t.db));

  const make = (adapter: ErpAdapter, opts: Partial<OutboxDelivererOptions> = {}) =>
    new OutboxDeliverer({
      db: t.db,
      adapter,
      config: testErpConfig(),
      workerId: 'batch',
      log: silentLogger,
      ...opts,
    });

  async function accepted(n: number): Promise<number[]> {
    const ids: number[] = [];
    for (let i = 0; i < n; i++) ids.push(await insertAcceptedOrder(t.db, sampleOrder(300 + i)));
    return ids;
  }

  it('claims each batch in one query and records it in one transaction of fixed size', async () => {
    const ids = await accepted(45);
    const db = countingDb(t.db);
    const erp = fakeErp();
    expect(await make(erp, { db, batchSize: 20, concurrency: 4 }).runOnce()).toBe(45);
    // Batches of 20, 20 and 5: a claim each, and BEGIN, outbox, orders, events, COMMIT each.
    expect(db.queries).toBe(3 * (1 + 5));
    expect([...erp.sent].sort((a, b) => a - b)).toEqual(ids);
    const rows = await t.db.query<{ status: string; erp_reference: string }>(
      `SELECT status, erp_reference FROM erp_outbox ORDER BY order_id`,
    );
    expect(rows).toEqual(ids.map((id) => ({ status: 'delivered', erp_reference: `R-${id}` })));
    const [events] = await t.db.query<{ n: number }>(
      `SELECT count(*)::int8 AS n FROM events WHERE kind = 'order.delivered'`,
    );
    expect(events!.n).toBe(45);
  });

  it('records the rest of a batch when one lease was stolen mid-send, leaving that row alone', async () => {
    const ids = await accepted(4);
    const stolen = ids[2]!;
    const erp = fakeErp(async (d) => {
      if (d.orderId === ids[0]) {
        await t.db.query(`UPDATE erp_outbox SET locked_by = 'thief#1' WHERE order_id = $1`, [stolen]);
      }
    });
    const lines: Record<string, unknown>[] = [];
    const log = createLogger('warn', {}, (line) => lines.push(JSON.parse(line)));
    expect(await make(erp, { log, concurrency: 1 }).runOnce()).toBe(4);

    expect(erp.sent).toEqual(ids);
    for (const id of ids.filter((id) => id !== stolen)) {
      expect(await outboxRow(t.db, id)).toMatchObject({ status: 'delivered', locked_by: null });
      expect(await eventsOf(t.db, id, 'order.delivered')).toHaveLength(1);
    }
    expect(await outboxRow(t.db, stolen)).toMatchObject({
      status: 'pending',
      locked_by: 'thief#1',
      erp_reference: null,
    });
    expect(
      await t.db.query(`SELECT kind FROM events WHERE order_id = $1 AND kind LIKE 'order.deliver%'`, [
        stolen,
      ]),
    ).toEqual([]);
    const [order] = await t.db.query<{ status: string }>(`SELECT status FROM orders WHERE id = $1`, [stolen]);
    expect(order!.status).toBe('accepted');
    expect(lines).toMatchObject([
      {
        level: 'warn',
        msg: 'ERP delivery lease lost; the current holder records the result',
        orderId: stolen,
      },
    ]);
  });

  it('claims no more than its sends can finish within the lease', async () => {
    await accepted(5);
    const leases: string[] = [];
    const erp = fakeErp(async (d) => {
      const row = await outboxRow(t.db, d.orderId);
      leases.push(row.locked_by!);
    });
    // Two sends of up to 2 s each fit a 5 s lease once, with a request's time to spare.
    const config = testErpConfig({ timeoutMs: 2000 });
    expect(await make(erp, { config, leaseMs: 5000, concurrency: 2 }).runOnce()).toBe(5);
    const sizes = [...new Set(leases)].map((l) => leases.filter((x) => x === l).length);
    expect(sizes).toEqual([2, 2, 1]);
  });

  it('flushes the adapter once per batch before recording, and retries the batch when it cannot', async () => {
    const ids = await accepted(3);
    const seen: string[][] = [];
    let fail = true;
    const erp = {
      ...fakeErp(),
      flush: async () => {
        const rows = await t.db.query<{ status: string }>(`SELECT status FROM erp_outbox ORDER BY order_id`);
        seen.push(rows.map((r) => r.status));
        if (fail) throw new Error('disk gone');
      },
    };
    const deliverer = make(erp, { concurrency: 2, batchSize: 10 });
    expect(await deliverer.runOnce()).toBe(3);
    for (const id of ids) {
      expect(await outboxRow(t.db, id)).toMatchObject({
        status: 'pending',
        last_error: 'adapter flush failed: disk gone',
      });
    }
    fail = false;
    await new Promise((r) => setTimeout(r, 50)); // the retries' backoff (at most 20 ms)
    expect(await deliverer.runOnce()).toBe(3);
    expect(seen).toEqual([
      ['pending', 'pending', 'pending'],
      ['pending', 'pending', 'pending'],
    ]);
    for (const id of ids) expect((await outboxRow(t.db, id)).status).toBe('delivered');
  });

  it('refuses a batch size out of range', () => {
    expect(() => make(fakeErp(), { batchSize: 0 })).toThrow(/batchSize/);
    expect(() => make(fakeErp(), { batchSize: 1.5 })).toThrow(/batchSize/);
  });
});
