import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { OrderCaptureError } from '../errors.ts';
import { type ErpServer, type ErpServerOptions, startErpServer } from '../testing/erp-server.ts';
import type { Delivery } from './adapter.ts';
import { createErpAdapter } from './adapters.ts';
import { HttpErpAdapter, parseRetryAfter } from './http-adapter.ts';
import { sampleOrder, testErpConfig } from './test-support.ts';

const delivery = (orderId = 11): Delivery => ({
  orderId,
  idempotencyKey: `oc-${orderId}-k`,
  order: sampleOrder(orderId),
  documentId: 1,
  receivedAt: new Date(),
});

describe('http ERP adapter', () => {
  let server: ErpServer | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  async function adapterFor(opts: ErpServerOptions = {}, timeoutMs = 2000) {
    server = await startErpServer(opts);
    return new HttpErpAdapter({ url: server.url, authorization: 'Bearer s3cret', timeoutMs });
  }

  it('posts the canonical order with Idempotency-Key, Content-Type and Authorization', async () => {
    const adapter = await adapterFor();
    const result = await adapter.deliver(delivery(11));
    expect(result).toEqual({ kind: 'delivered', reference: 'ERP-000001' });
    expect(server!.received).toEqual([{ key: 'oc-11-k', body: sampleOrder(11) }]);
    expect(server!.requests[0]).toEqual({
      key: 'oc-11-k',
      authorization: 'Bearer s3cret',
      contentType: 'application/json',
    });
  });

  it('gets the first answer back when the same key is sent again, and the ERP stores it once', async () => {
    const adapter = await adapterFor();
    const first = await adapter.deliver(delivery(12));
    const again = await adapter.deliver(delivery(12));
    expect(again).toEqual(first);
    expect(server!.received).toHaveLength(1);
    expect(server!.calls).toBe(2);
    expect(server!.replays).toBe(1);
  });

  it('retries on 503 and passes Retry-After on', async () => {
    const adapter = await adapterFor({ failFirst: 1, retryAfter: '3' });
    expect(await adapter.deliver(delivery())).toEqual({
      kind: 'retry',
      error: 'HTTP 503: ERP temporarily unavailable',
      retryAfterMs: 3000,
    });
    expect(server!.received).toEqual([]);
  });

  it('retries on a connection reset', async () => {
    const adapter = await adapterFor({ failFirst: 1, failWith: 'reset' });
    const result = await adapter.deliver(delivery());
    expect(result).toMatchObject({ kind: 'retry', error: expect.stringContaining('network error') });
  });

  it('retries when the ERP does not answer in time', async () => {
    const adapter = await adapterFor({ failFirst: 1, failWith: 'timeout' }, 150);
    const started = Date.now();
    expect(await adapter.deliver(delivery())).toEqual({ kind: 'retry', error: 'no answer within 150 ms' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('retries when nothing listens', async () => {
    const port = await freePort();
    const adapter = new HttpErpAdapter({ url: `http://127.0.0.1:${port}/orders`, timeoutMs: 1000 });
    const result = await adapter.deliver(delivery());
    expect(result).toMatchObject({ kind: 'retry', error: expect.stringContaining('ECONNREFUSED') });
  });

  it('fails with the ERP message on 422, truncated to 500 characters', async () => {
    const adapter = await adapterFor({ rejectWith: { status: 422, body: 'unknown customer C042' } });
    expect(await adapter.deliver(delivery())).toEqual({
      kind: 'failed',
      error: 'HTTP 422: unknown customer C042',
    });
    await server!.close();
    const long = await adapterFor({ rejectWith: { status: 400, body: 'x'.repeat(2000) } });
    const result = await long.deliver(delivery());
    expect(result).toEqual({ kind: 'failed', error: `HTTP 400: ${'x'.repeat(499)}…` });
  });

  it('reads Retry-After as seconds or as a date', () => {
    expect(parseRetryAfter('120')).toBe(120_000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(parseRetryAfter('soon')).toBeNull();
    expect(parseRetryAfter(null)).toBeNull();
  });

  it('validates its options at construction', () => {
    expect(() => new HttpErpAdapter({ url: 'not a url', timeoutMs: 1000 })).toThrow(OrderCaptureError);
    expect(() => new HttpErpAdapter({ url: 'ftp://erp/orders', timeoutMs: 1000 })).toThrow(/http/);
    expect(() => new HttpErpAdapter({ url: 'http://erp/orders', timeoutMs: 0 })).toThrow(/timeoutMs/);
    expect(() => createErpAdapter(testErpConfig({ adapter: 'http', httpUrl: null }))).toThrow(/invalid URL/);
    const adapter = createErpAdapter(
      testErpConfig({ adapter: 'http', httpUrl: 'https://erp.example/orders' }),
    );
    expect(adapter.identifier).toBe('http');
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}
