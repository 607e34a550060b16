import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../log.ts';
import { createTestDatabase, type TestDatabase } from '../testing/db.ts';
import { type ErpServer, type ErpServerOptions, startErpServer } from '../testing/erp-server.ts';
import { OutboxDeliverer } from './deliverer.ts';
import { HttpErpAdapter } from './http-adapter.ts';
import { claimDeliveries, oldestUndeliveredSeconds, recordResult } from './outbox.ts';
import { retryFailedDeliveries } from './retry.ts';
import { eventsOf, insertAcceptedOrder, outboxRow, sampleOrder, testErpConfig } from './test-support.ts';

const claimOpts = (lease: string) => ({ adapter: 'http', lease, limit: 10, leaseMs: 60_000 });

describe('ERP delivery an operator can repair', () => {
  let t: TestDatabase;
  let server: ErpServer | null;
  beforeEach(async () => {
    t = await createTestDatabase();
    server = null;
  });
  afterEach(async () => {
    await server?.close();
    await t.close();
  });

  async function deliverer(opts: ErpServerOptions = {}) {
    server = await startErpServer(opts);
    const config = testErpConfig({ httpUrl: server.url });
    const adapter = new HttpErpAdapter({ url: server.url, timeoutMs: config.timeoutMs });
    return new OutboxDeliverer({
      db: t.db,
      adapter,
      config,
      workerId: 'w',
      log: silentLogger,
      concurrency: 1,
    });
  }

  const orderStatus = async (id: number) =>
    (await t.db.query<{ status: string }>(`SELECT status FROM orders WHERE id = $1`, [id]))[0]!.status;

  it('gives up by elapsed time, not by a count of attempts, and never schedules past the deadline', async () => {
    const config = testErpConfig({ maxAttempts: null, giveUpAfterMs: 3_600_000, backoffMaxMs: 600_000 });
    const id = await insertAcceptedOrder(t.db, sampleOrder(1));
    // 500 attempts within the hour: still trying.
    await t.db.query(`UPDATE erp_outbox SET attempts = 500 WHERE order_id = $1`, [id]);
    const [d1] = await claimDeliveries(t.db, claimOpts('a'));
    expect(await recordResult(t.db, d1!, { kind: 'retry', error: 'HTTP 503: down' }, config)).toBe('retry');

    // Five minutes before the deadline, a 10-minute backoff is cut to the time left.
    await t.db.query(
      `UPDATE erp_outbox SET next_attempt_at = now(), trying_since = now() - interval '55 minutes' WHERE order_id = $1`,
      [id],
    );
    const [d2] = await claimDeliveries(t.db, claimOpts('b'));
    await recordResult(t.db, d2!, { kind: 'retry', error: 'HTTP 503: down', retryAfterMs: 600_000 }, config);
    const retries = await eventsOf(t.db, id, 'order.delivery_retry');
    expect(retries.at(-1)!.detail.retryInMs).toBeLessThanOrEqual(5 * 60_000);
    expect(retries.at(-1)!.detail.retryInMs).toBeGreaterThan(4 * 60_000);

    await t.db.query(
      `UPDATE erp_outbox SET next_attempt_at = now(), trying_since = now() - interval '61 minutes' WHERE order_id = $1`,
      [id],
    );
    const [d3] = await claimDeliveries(t.db, claimOpts('c'));
    expect(await recordResult(t.db, d3!, { kind: 'retry', error: 'HTTP 503: down' }, config)).toBe('failed');
    expect((await outboxRow(t.db, id)).last_error).toBe(
      'gave up after 1 h 1 min and 503 attempts: HTTP 503: down',
    );
    expect(await oldestUndeliveredSeconds(t.db)).toBeGreaterThanOrEqual(0);
  });

  it('a 4xx for one order holds back none of the others; the order shows the ERP answer in words', async () => {
    const problem = JSON.stringify({
      type: 'https://erp.example/problems/blocked',
      title: 'Customer blocked',
      detail: 'customer C042 is on credit hold',
      status: 422,
    });
    const d = await deliverer({
      refuse: (body) =>
        (body as { poNumber?: string }).poNumber === 'PO-2026-0002'
          ? { status: 422, body: problem, contentType: 'application/problem+json' }
          : null,
    });
    const ids = [];
    for (let i = 1; i <= 4; i++) ids.push(await insertAcceptedOrder(t.db, sampleOrder(i)));
    expect(await d.runOnce()).toBe(4);
    expect(server!.received.map((r) => (r.body as { poNumber: string }).poNumber)).toEqual([
      'PO-2026-0001',
      'PO-2026-0003',
      'PO-2026-0004',
    ]);
    expect(await outboxRow(t.db, ids[1]!)).toMatchObject({
      status: 'failed',
      last_error: 'HTTP 422: Customer blocked: customer C042 is on credit hold',
    });
    expect(await orderStatus(ids[1]!)).toBe('failed');
    for (const i of [0, 2, 3]) expect(await orderStatus(ids[i]!)).toBe('delivered');
  });

  it('sends failed deliveries again in arrival order, under the same key, one audit event each', async () => {
    const d = await deliverer({ failFirst: 3, failWith: 503 });
    const ids = [];
    for (let i = 1; i <= 3; i++) ids.push(await insertAcceptedOrder(t.db, sampleOrder(i)));
    const delivered = await insertAcceptedOrder(t.db, sampleOrder(9));
    // The outage outlasted the allowance: every order failed (as 24 h of 503 would leave them).
    await t.db.query(
      `UPDATE erp_outbox SET status = 'failed', attempts = 40, last_error = 'gave up: HTTP 503'
        WHERE order_id = ANY($1)`,
      [ids],
    );
    await t.db.query(`UPDATE orders SET status = 'failed' WHERE id = ANY($1)`, [ids]);
    await t.db.query(`UPDATE erp_outbox SET status = 'delivered' WHERE order_id = $1`, [delivered]);
    const keys = await Promise.all(ids.map(async (id) => (await outboxRow(t.db, id)).idempotency_key));

    // One by name first (the newest), then the rest with --all.
    const one = await retryFailedDeliveries(t.db, { orderIds: [ids[2]!, delivered, 999_999] }, 'user:ana');
    expect(one.queued.map((q) => q.orderId)).toEqual([ids[2]]);
    expect(one.skipped).toEqual([
      { orderId: delivered, reason: 'already delivered' },
      { orderId: 999_999, reason: 'no such order' },
    ]);
    const all = await retryFailedDeliveries(t.db, { all: true }, 'cli');
    expect(all.queued.map((q) => q.orderId)).toEqual([ids[0], ids[1]]);
    expect(await outboxRow(t.db, ids[0]!)).toMatchObject({ status: 'pending', attempts: 0 });
    expect(await orderStatus(ids[0]!)).toBe('accepted');

    // The ERP is still down for three requests: the oldest probes it, the others wait behind it.
    while ((await t.db.query(`SELECT 1 FROM erp_outbox WHERE status = 'pending'`)).length > 0) {
      await t.db.query(`UPDATE erp_outbox SET next_attempt_at = now() WHERE status = 'pending'`);
      await d.runOnce();
    }
    expect(server!.received.map((r) => r.key)).toEqual(keys);
    for (const id of ids) expect(await orderStatus(id)).toBe('delivered');
    expect(await eventsOf(t.db, ids[2]!, 'order.delivery_resent')).toEqual([
      {
        detail: {
          adapter: 'http',
          idempotencyKey: keys[2],
          previousError: 'gave up: HTTP 503',
          previousAttempts: 40,
        },
      },
    ]);
    const [actor] = await t.db.query<{ actor: string }>(
      `SELECT actor FROM events WHERE order_id = $1 AND kind = 'order.delivery_resent'`,
      [ids[0]],
    );
    expect(actor!.actor).toBe('cli');
    expect(await oldestUndeliveredSeconds(t.db)).toBe(0);
  });
});
