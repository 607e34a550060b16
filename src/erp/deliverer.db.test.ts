import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ErpConfig } from '../config.ts';
import type { Db } from '../db/db.ts';
import { openPostgres } from '../db/postgres.ts';
import { silentLogger } from '../log.ts';
import { wakeWorkers } from '../queue/signal.ts';
import { createTestDatabase, type TestDatabase } from '../testing/db.ts';
import { type ErpServer, type ErpServerOptions, startErpServer } from '../testing/erp-server.ts';
import type { ErpAdapter } from './adapter.ts';
import { OutboxDeliverer } from './deliverer.ts';
import { FileErpAdapter } from './file-adapter.ts';
import { HttpErpAdapter } from './http-adapter.ts';
import { claimDeliveries, outboxCounts, recordResult } from './outbox.ts';
import { eventsOf, insertAcceptedOrder, outboxRow, sampleOrder, testErpConfig } from './test-support.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await sleep(10);
  }
}

/** Counts what one deliverer sends, to show both deliverers took part. */
function counting(inner: ErpAdapter): ErpAdapter & { sent: number } {
  const wrapper = {
    identifier: inner.identifier,
    sent: 0,
    deliver: (d: Parameters<ErpAdapter['deliver']>[0]) => {
      wrapper.sent += 1;
      return inner.deliver(d);
    },
  };
  return wrapper;
}

describe('OutboxDeliverer', () => {
  let t: TestDatabase;
  let server: ErpServer | null;
  let extraDb: Db | null;
  beforeEach(async () => {
    t = await createTestDatabase();
    server = null;
    extraDb = null;
  });
  afterEach(async () => {
    await server?.close();
    await extraDb?.close();
    await t.close();
  });

  async function withServer(opts: ErpServerOptions = {}, erp: Partial<ErpConfig> = {}) {
    server = await startErpServer(opts);
    const config = testErpConfig({ httpUrl: server!.url, ...erp });
    const adapter = new HttpErpAdapter({ url: server!.url, timeoutMs: config.timeoutMs });
    const deliverer = (
      db: Db = t.db,
      workerId = 'test-worker',
      concurrency = 1,
      via: ErpAdapter = adapter,
      batchSize?: number,
    ) =>
      new OutboxDeliverer({
        db,
        adapter: via,
        config,
        workerId,
        log: silentLogger,
        concurrency,
        batchSize,
        pollMs: 20,
      });
    return { config, adapter, deliverer };
  }

  /** runOnce until the order is no longer pending: retries wait out their (small) backoff. */
  async function settle(deliverer: OutboxDeliverer, orderId: number): Promise<void> {
    await waitFor(async () => {
      await deliverer.runOnce();
      return (await outboxRow(t.db, orderId)).status !== 'pending';
    });
  }

  it('retries 503s with backoff and delivers once', async () => {
    const { deliverer } = await withServer({ failFirst: 3 });
    const id = await insertAcceptedOrder(t.db, sampleOrder(1));
    await settle(deliverer(), id);

    expect(await outboxRow(t.db, id)).toMatchObject({
      status: 'delivered',
      attempts: 4,
      erp_reference: 'ERP-000001',
    });
    expect(server!.received).toEqual([
      { key: (await outboxRow(t.db, id)).idempotency_key, body: sampleOrder(1) },
    ]);
    expect(server!.calls).toBe(4);
    const retries = await eventsOf(t.db, id, 'order.delivery_retry');
    expect(retries.map((e) => e.detail.attempts)).toEqual([1, 2, 3]);
    expect(retries.every((e) => e.detail.error === 'HTTP 503: ERP temporarily unavailable')).toBe(true);
    expect(await eventsOf(t.db, id, 'order.delivered')).toMatchObject([
      { detail: { adapter: 'http', attempts: 4, reference: 'ERP-000001' } },
    ]);
    const [order] = await t.db.query<{ status: string }>(`SELECT status FROM orders WHERE id = $1`, [id]);
    expect(order!.status).toBe('delivered');
  });

  it('retries connection resets', async () => {
    const { deliverer } = await withServer({ failFirst: 2, failWith: 'reset' });
    const id = await insertAcceptedOrder(t.db, sampleOrder(2));
    await settle(deliverer(), id);
    expect((await outboxRow(t.db, id)).status).toBe('delivered');
    expect(server!.received).toHaveLength(1);
    expect(await eventsOf(t.db, id, 'order.delivery_retry')).toHaveLength(2);
  });

  it('retries requests the ERP does not answer in time', async () => {
    const { deliverer } = await withServer({ failFirst: 1, failWith: 'timeout' }, { timeoutMs: 200 });
    const id = await insertAcceptedOrder(t.db, sampleOrder(3));
    await settle(deliverer(), id);
    expect((await outboxRow(t.db, id)).status).toBe('delivered');
    expect(server!.received).toHaveLength(1);
    const [retry] = await eventsOf(t.db, id, 'order.delivery_retry');
    expect(retry!.detail.error).toBe('no answer within 200 ms');
  });

  it('fails an order the ERP refuses, with its message, without retrying', async () => {
    const body = 'line 1: unknown article TOR-M8-40';
    const { deliverer } = await withServer({ rejectWith: { status: 422, body } });
    const id = await insertAcceptedOrder(t.db, sampleOrder(4));
    expect(await deliverer().runOnce()).toBe(1);
    expect(await deliverer().runOnce()).toBe(0);
    expect(server!.calls).toBe(1);
    expect(await outboxRow(t.db, id)).toMatchObject({ status: 'failed', last_error: `HTTP 422: ${body}` });
    expect(await eventsOf(t.db, id, 'order.delivery_retry')).toEqual([]);
    expect(await eventsOf(t.db, id, 'order.delivery_failed')).toEqual([
      { detail: { adapter: 'http', attempts: 1, error: `HTTP 422: ${body}` } },
    ]);
    const [order] = await t.db.query<{ status: string }>(`SELECT status FROM orders WHERE id = $1`, [id]);
    expect(order!.status).toBe('failed');
  });

  it('has the order in the ERP once when a worker died between sending and recording', async () => {
    const { adapter, config, deliverer } = await withServer();
    const id = await insertAcceptedOrder(t.db, sampleOrder(5));
    // The killed worker: claimed, sent, never recorded.
    const [dead] = await claimDeliveries(t.db, {
      adapter: 'http',
      lease: 'dead#1',
      limit: 1,
      leaseMs: 60_000,
    });
    expect(await adapter.deliver(dead!)).toEqual({ kind: 'delivered', reference: 'ERP-000001' });
    expect(await deliverer().runOnce()).toBe(0); // its lease still holds
    await t.db.query(`UPDATE erp_outbox SET locked_until = now() - interval '1 ms' WHERE order_id = $1`, [
      id,
    ]);

    expect(await deliverer().runOnce()).toBe(1);
    expect(server!.received).toHaveLength(1);
    expect(server!.calls).toBe(2);
    expect(server!.replays).toBe(1);
    expect(server!.requests.map((r) => r.key)).toEqual([dead!.idempotencyKey, dead!.idempotencyKey]);
    expect(await outboxRow(t.db, id)).toMatchObject({
      status: 'delivered',
      attempts: 2,
      erp_reference: 'ERP-000001',
    });
    // Were the dead worker to wake up, it could no longer record anything.
    const late = recordResult(t.db, dead!, { kind: 'delivered', reference: 'ERP-000001' }, config);
    await expect(late).rejects.toMatchObject({ code: 'lease_lost' });
    expect(await eventsOf(t.db, id, 'order.delivered')).toHaveLength(1);
  });

  it('delivers in order of arrival', async () => {
    const { deliverer } = await withServer();
    const ids: number[] = [];
    for (let i = 0; i < 10; i++) ids.push(await insertAcceptedOrder(t.db, sampleOrder(100 + i)));
    expect(await deliverer().runOnce()).toBe(10);
    const keys = await Promise.all(ids.map(async (id) => (await outboxRow(t.db, id)).idempotency_key));
    expect(server!.received.map((r) => r.key)).toEqual(keys);
  });

  it('delivers each of 50 orders exactly once with two deliverers on one database', async () => {
    const { adapter, deliverer } = await withServer({ delayMs: 2 });
    const ids: number[] = [];
    for (let i = 0; i < 50; i++) ids.push(await insertAcceptedOrder(t.db, sampleOrder(200 + i)));
    extraDb = t.url ? await openPostgres(t.url, 4) : null;
    const [viaA, viaB] = [counting(adapter), counting(adapter)];
    // Batches of 5: one claim of 50 would leave the other deliverer nothing to compete for.
    const a = deliverer(t.db, 'worker-a', 4, viaA, 5);
    const b = deliverer(extraDb ?? t.db, 'worker-b', 4, viaB, 5);
    a.start();
    b.start();
    await waitFor(async () => (await outboxCounts(t.db)).delivered === 50);
    await Promise.all([a.stop(), b.stop()]);

    expect(viaA.sent + viaB.sent).toBe(50);
    expect(viaA.sent).toBeGreaterThan(0);
    expect(viaB.sent).toBeGreaterThan(0);
    expect(server!.calls).toBe(50);
    expect(server!.replays).toBe(0);
    expect(new Set(server!.received.map((r) => r.key)).size).toBe(50);
    const delivered = await t.db.query<{ order_id: number; n: number }>(
      `SELECT order_id, count(*)::int8 AS n FROM events WHERE kind = 'order.delivered' GROUP BY order_id`,
    );
    expect(delivered.map((r) => r.order_id).sort((x, y) => x - y)).toEqual(ids);
    expect(delivered.every((r) => r.n === 1)).toBe(true);
  });

  it('wakes on new work and stops only after the delivery in flight is recorded', async () => {
    const { deliverer } = await withServer({ failFirst: 1, failWith: 'timeout' }, { timeoutMs: 300 });
    const d = deliverer();
    d.start();
    const id = await insertAcceptedOrder(t.db, sampleOrder(6));
    const sent = Date.now();
    wakeWorkers();
    await waitFor(async () => server!.calls === 1, 5000);
    expect(Date.now() - sent).toBeLessThan(5000);
    await d.stop();
    expect(await eventsOf(t.db, id, 'order.delivery_retry')).toHaveLength(1);
    expect((await outboxRow(t.db, id)).locked_by).toBeNull();
  });

  it('treats an adapter that throws as a retry', async () => {
    const config = testErpConfig();
    const adapter: ErpAdapter = {
      identifier: 'http',
      deliver: () => Promise.reject(new Error('bug')),
    };
    const d = new OutboxDeliverer({ db: t.db, adapter, config, workerId: 'w', log: silentLogger });
    const id = await insertAcceptedOrder(t.db, sampleOrder(7));
    expect(await d.runOnce()).toBe(1);
    expect(await outboxRow(t.db, id)).toMatchObject({ status: 'pending', last_error: 'adapter error: bug' });
  });

  it('refuses a lease shorter than a request', () => {
    const adapter = new FileErpAdapter({ dir: '/tmp/x' });
    const config = testErpConfig({ timeoutMs: 10_000 });
    const make = () =>
      new OutboxDeliverer({ db: t.db, adapter, config, workerId: 'w', log: silentLogger, leaseMs: 5000 });
    expect(make).toThrow(/leaseMs/);
  });

  describe('with the file adapter', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'oc-erp-deliver-'));
    });
    afterEach(() => rm(dir, { recursive: true, force: true }));

    it('writes each order once, and rewrites the same file after a crash', async () => {
      const adapter = new FileErpAdapter({ dir });
      const config = testErpConfig({ adapter: 'file', fileDir: dir });
      const deliverer = new OutboxDeliverer({ db: t.db, adapter, config, workerId: 'f', log: silentLogger });
      const id = await insertAcceptedOrder(t.db, sampleOrder(8), 'file');
      const [dead] = await claimDeliveries(t.db, {
        adapter: 'file',
        lease: 'dead#1',
        limit: 1,
        leaseMs: 60_000,
      });
      await adapter.deliver(dead!);
      const first = await readFile(join(dir, `${id}.json`), 'utf8');
      await t.db.query(`UPDATE erp_outbox SET locked_until = now() - interval '1 ms' WHERE order_id = $1`, [
        id,
      ]);

      expect(await deliverer.runOnce()).toBe(1);
      expect(await readdir(dir)).toEqual([`${id}.json`]);
      expect(await readFile(join(dir, `${id}.json`), 'utf8')).toBe(first);
      expect(JSON.parse(first)).toEqual(sampleOrder(8));
      expect(await outboxRow(t.db, id)).toMatchObject({ status: 'delivered', erp_reference: `${id}.json` });
    });
  });
});
