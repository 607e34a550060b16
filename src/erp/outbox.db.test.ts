import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OrderCaptureError } from '../errors.ts';
import { createTestDatabase, type TestDatabase } from '../testing/db.ts';
import {
  backoffDelayMs,
  claimDeliveries,
  enqueueDelivery,
  outboxCounts,
  recordResult,
  recordResults,
} from './outbox.ts';
import { eventsOf, insertAcceptedOrder, outboxRow, sampleOrder, testErpConfig } from './test-support.ts';

const claimOpts = (lease: string, limit = 10) => ({ adapter: 'http', lease, limit, leaseMs: 60_000 });

describe('ERP outbox', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    // Earlier tests' rows would otherwise be claimed too.
    await t.db.query(`UPDATE erp_outbox SET status = 'delivered' WHERE status = 'pending'`);
  });

  it('queues an order once, under a stable key of its own', async () => {
    const a = await insertAcceptedOrder(t.db, sampleOrder(1));
    const b = await insertAcceptedOrder(t.db, sampleOrder(1));
    const keyA = (await outboxRow(t.db, a)).idempotency_key;
    await enqueueDelivery(t.db, a, 'http');
    await t.db.transaction((tx) => enqueueDelivery(tx, a, 'file'));
    const row = await outboxRow(t.db, a);
    expect(row).toMatchObject({ status: 'pending', attempts: 0, idempotency_key: keyA });
    expect(keyA).toMatch(new RegExp(`^oc-${a}-[0-9a-f]{24}$`));
    expect((await outboxRow(t.db, b)).idempotency_key).not.toBe(keyA);
    await expect(enqueueDelivery(t.db, 999_999, 'http')).rejects.toThrow(/no such order/);
  });

  it('queues nothing when the accepting transaction rolls back', async () => {
    const before = await outboxCounts(t.db);
    await expect(
      t.db.transaction(async (tx) => {
        await insertAcceptedOrder(tx, sampleOrder(2));
        throw new Error('pipeline failed');
      }),
    ).rejects.toThrow('pipeline failed');
    expect(await outboxCounts(t.db)).toEqual(before);
  });

  it('claims oldest orders first, each for one holder only, and only for its adapter', async () => {
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await insertAcceptedOrder(t.db, sampleOrder(10 + i)));
    const other = await insertAcceptedOrder(t.db, sampleOrder(20), 'file');
    const first = await claimDeliveries(t.db, claimOpts('w1#1', 3));
    expect(first.map((d) => d.orderId)).toEqual(ids.slice(0, 3));
    expect(first[0]).toMatchObject({ attempts: 1, lease: 'w1#1', adapter: 'http', order: sampleOrder(10) });
    expect(first[0]!.receivedAt).toBeInstanceOf(Date);
    const second = await claimDeliveries(t.db, claimOpts('w2#1'));
    expect(second.map((d) => d.orderId)).toEqual(ids.slice(3));
    expect(await claimDeliveries(t.db, claimOpts('w3#1'))).toEqual([]);
    expect((await outboxRow(t.db, other)).locked_by).toBeNull();
  });

  it('hands an order whose lease ran out to the next claimant, and refuses the old holder', async () => {
    const id = await insertAcceptedOrder(t.db, sampleOrder(30));
    const [old] = await claimDeliveries(t.db, claimOpts('dead#1'));
    await t.db.query(`UPDATE erp_outbox SET locked_until = now() - interval '1 second' WHERE order_id = $1`, [
      id,
    ]);
    const [now] = await claimDeliveries(t.db, claimOpts('live#1'));
    expect(now).toMatchObject({ orderId: id, attempts: 2, idempotencyKey: old!.idempotencyKey });

    const lost = recordResult(t.db, old!, { kind: 'delivered', reference: 'X' }, testErpConfig());
    await expect(lost).rejects.toMatchObject({ code: 'lease_lost' });
    await expect(lost).rejects.toBeInstanceOf(OrderCaptureError);
    expect(await outboxRow(t.db, id)).toMatchObject({ status: 'pending', locked_by: 'live#1' });
    expect(await eventsOf(t.db, id, 'order.delivered')).toEqual([]);
  });

  it('records a delivery on the outbox row, the order and the audit log', async () => {
    const id = await insertAcceptedOrder(t.db, sampleOrder(40));
    const [d] = await claimDeliveries(t.db, claimOpts('w#40'));
    expect(await recordResult(t.db, d!, { kind: 'delivered', reference: 'ERP-9' }, testErpConfig())).toBe(
      'delivered',
    );
    expect(await outboxRow(t.db, id)).toMatchObject({
      status: 'delivered',
      erp_reference: 'ERP-9',
      locked_by: null,
    });
    const [order] = await t.db.query<{ status: string; delivered_at: Date | null }>(
      `SELECT status, delivered_at FROM orders WHERE id = $1`,
      [id],
    );
    expect(order!.status).toBe('delivered');
    expect(order!.delivered_at).toBeInstanceOf(Date);
    expect(await eventsOf(t.db, id, 'order.delivered')).toEqual([
      { detail: { adapter: 'http', attempts: 1, reference: 'ERP-9', idempotencyKey: d!.idempotencyKey } },
    ]);
  });

  it('schedules a retry with backoff, and gives up after maxAttempts', async () => {
    const id = await insertAcceptedOrder(t.db, sampleOrder(50));
    const config = testErpConfig({ maxAttempts: 2, backoffBaseMs: 60_000, backoffMaxMs: 120_000 });
    const [d1] = await claimDeliveries(t.db, claimOpts('w#50a'));
    expect(await recordResult(t.db, d1!, { kind: 'retry', error: 'HTTP 503' }, config)).toBe('retry');
    expect(await claimDeliveries(t.db, claimOpts('w#50b'))).toEqual([]);
    const [retry] = await eventsOf(t.db, id, 'order.delivery_retry');
    expect(retry!.detail).toMatchObject({ attempts: 1, error: 'HTTP 503' });
    expect(retry!.detail.retryInMs).toBeGreaterThanOrEqual(60_000);

    await t.db.query(`UPDATE erp_outbox SET next_attempt_at = now() WHERE order_id = $1`, [id]);
    const [d2] = await claimDeliveries(t.db, claimOpts('w#50c'));
    expect(await recordResult(t.db, d2!, { kind: 'retry', error: 'HTTP 503' }, config)).toBe('failed');
    expect(await outboxRow(t.db, id)).toMatchObject({ status: 'failed', attempts: 2 });
    const [failed] = await eventsOf(t.db, id, 'order.delivery_failed');
    expect(failed!.detail.error).toBe('gave up after 2 attempts: HTTP 503');
  });

  it('honours Retry-After up to backoffMaxMs', async () => {
    const id = await insertAcceptedOrder(t.db, sampleOrder(60));
    const [d] = await claimDeliveries(t.db, claimOpts('w#60'));
    const config = testErpConfig({ backoffBaseMs: 10, backoffMaxMs: 5000 });
    await recordResult(t.db, d!, { kind: 'retry', error: '429', retryAfterMs: 3_600_000 }, config);
    const [retry] = await eventsOf(t.db, id, 'order.delivery_retry');
    expect(retry!.detail.retryInMs).toBe(5000);
  });

  it('fails an order the ERP refuses, with its message', async () => {
    const id = await insertAcceptedOrder(t.db, sampleOrder(70));
    const [d] = await claimDeliveries(t.db, claimOpts('w#70'));
    await recordResult(t.db, d!, { kind: 'failed', error: 'HTTP 422: bad PO' }, testErpConfig());
    expect(await outboxRow(t.db, id)).toMatchObject({ status: 'failed', last_error: 'HTTP 422: bad PO' });
    const [order] = await t.db.query<{ status: string }>(`SELECT status FROM orders WHERE id = $1`, [id]);
    expect(order!.status).toBe('failed');
    expect(await eventsOf(t.db, id, 'order.delivery_failed')).toEqual([
      { detail: { adapter: 'http', attempts: 1, error: 'HTTP 422: bad PO' } },
    ]);
  });

  it('records a batch in one go, leaving alone the row whose lease was stolen', async () => {
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await insertAcceptedOrder(t.db, sampleOrder(80 + i)));
    const batch = await claimDeliveries(t.db, claimOpts('w#80'));
    expect(batch.map((d) => d.orderId)).toEqual(ids);
    const stolen = ids[3]!;
    await t.db.query(`UPDATE erp_outbox SET locked_until = now() - interval '1 second' WHERE order_id = $1`, [
      stolen,
    ]);
    expect((await claimDeliveries(t.db, claimOpts('live#80'))).map((d) => d.orderId)).toEqual([stolen]);

    const odd = `HTTP 503: "busy", {retry} \\ later, ñ`;
    const config = testErpConfig({ maxAttempts: 2, backoffBaseMs: 60_000, backoffMaxMs: 60_000 });
    const results = [
      { kind: 'delivered', reference: 'ERP-80' },
      { kind: 'retry', error: odd },
      { kind: 'failed', error: 'HTTP 422: bad PO' },
      { kind: 'delivered', reference: 'ERP-83' },
      { kind: 'delivered', reference: null },
    ] as const;
    const outcomes = await recordResults(
      t.db,
      batch.map((delivery, i) => ({ delivery, result: results[i]! })),
      config,
    );
    expect(outcomes).toEqual(['delivered', 'retry', 'failed', 'lease_lost', 'delivered']);

    expect(await outboxRow(t.db, ids[0]!)).toMatchObject({ status: 'delivered', erp_reference: 'ERP-80' });
    expect(await outboxRow(t.db, ids[1]!)).toMatchObject({
      status: 'pending',
      last_error: odd,
      locked_by: null,
    });
    expect(await outboxRow(t.db, ids[2]!)).toMatchObject({
      status: 'failed',
      last_error: 'HTTP 422: bad PO',
    });
    expect(await outboxRow(t.db, stolen)).toMatchObject({
      status: 'pending',
      attempts: 2,
      locked_by: 'live#80',
      erp_reference: null,
    });
    expect(await outboxRow(t.db, ids[4]!)).toMatchObject({ status: 'delivered', erp_reference: null });
    const [due] = await t.db.query<{ wait: number }>(
      `SELECT extract(epoch FROM next_attempt_at - now()) * 1000 AS wait FROM erp_outbox WHERE order_id = $1`,
      [ids[1]],
    );
    expect(Number(due!.wait)).toBeGreaterThan(50_000);

    const orders = await t.db.query<{ id: number; status: string; delivered_at: Date | null }>(
      `SELECT id, status, delivered_at FROM orders WHERE id = ANY($1) ORDER BY id`,
      [ids],
    );
    expect(orders.map((o) => o.status)).toEqual(['delivered', 'accepted', 'failed', 'accepted', 'delivered']);
    expect(orders.map((o) => o.delivered_at instanceof Date)).toEqual([true, false, false, false, true]);

    const events = await t.db.query<{ order_id: number; kind: string; detail: Record<string, unknown> }>(
      `SELECT order_id, kind, detail FROM events WHERE order_id = ANY($1) AND kind LIKE 'order.deliver%'
        ORDER BY id`,
      [ids],
    );
    expect(events).toEqual([
      {
        order_id: ids[0],
        kind: 'order.delivered',
        detail: {
          adapter: 'http',
          attempts: 1,
          reference: 'ERP-80',
          idempotencyKey: batch[0]!.idempotencyKey,
        },
      },
      {
        order_id: ids[1],
        kind: 'order.delivery_retry',
        detail: { adapter: 'http', attempts: 1, error: odd, retryInMs: 60_000 },
      },
      {
        order_id: ids[2],
        kind: 'order.delivery_failed',
        detail: { adapter: 'http', attempts: 1, error: 'HTTP 422: bad PO' },
      },
      {
        order_id: ids[4],
        kind: 'order.delivered',
        detail: { adapter: 'http', attempts: 1, reference: null, idempotencyKey: batch[4]!.idempotencyKey },
      },
    ]);
  });

  it('refuses two results for one order in a batch', async () => {
    await insertAcceptedOrder(t.db, sampleOrder(90));
    const [d] = await claimDeliveries(t.db, claimOpts('w#90'));
    const twice = recordResults(
      t.db,
      [
        { delivery: d!, result: { kind: 'delivered', reference: 'A' } },
        { delivery: d!, result: { kind: 'failed', error: 'B' } },
      ],
      testErpConfig(),
    );
    await expect(twice).rejects.toMatchObject({ code: 'internal' });
    expect(await outboxRow(t.db, d!.orderId)).toMatchObject({ status: 'pending', locked_by: 'w#90' });
    expect(await recordResults(t.db, [], testErpConfig())).toEqual([]);
  });

  it('spreads backoff between the base and a doubling ceiling, capped', () => {
    expect(backoffDelayMs(1, 100, 10_000, () => 0.99)).toBe(100);
    expect(backoffDelayMs(3, 100, 10_000, () => 0)).toBe(100);
    expect(backoffDelayMs(3, 100, 10_000, () => 1)).toBe(400);
    expect(backoffDelayMs(30, 100, 10_000, () => 1)).toBe(10_000);
    expect(backoffDelayMs(30, 100, 10_000, () => 0.5)).toBe(5050);
  });
});
