import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { issueToken } from '../customers/tokens.ts';
import { createTestApp, seedMasterData, type TestApp } from './test-app.ts';

/** A client that trickles `bytes` one at a time until the server closes the connection. */
const trickle = (port: number, bytes: string) => trickleOn(net.connect(port, '127.0.0.1'), bytes);

describe('HTTP server: slow and oversized clients', () => {
  let t: TestApp;
  let port: number;
  let token: string;
  beforeAll(async () => {
    t = await createTestApp({
      'http.bodyLimitMb': 1,
      'http.headersTimeoutMs': 300,
      'http.requestTimeoutMs': 800,
      'http.idleTimeoutMs': 5000,
    });
    await seedMasterData(t.db);
    token = await issueToken(t.db, 'C042');
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    port = (t.app.server.address() as net.AddressInfo).port;
  });
  afterAll(() => t.close());

  const health = async () => (await fetch(`http://127.0.0.1:${port}/health`)).status;

  it('has explicit, configurable timeouts', () => {
    const c = loadConfig({});
    expect(c.http).toMatchObject({
      headersTimeoutMs: 30_000,
      requestTimeoutMs: 120_000,
      idleTimeoutMs: 30_000,
    });
    const set = loadConfig({
      ORDERCAP_HTTP_HEADERS_TIMEOUT_MS: '1000',
      ORDERCAP_HTTP_REQUEST_TIMEOUT_MS: '2000',
      ORDERCAP_HTTP_IDLE_TIMEOUT_MS: '3000',
    });
    expect(set.http).toMatchObject({ headersTimeoutMs: 1000, requestTimeoutMs: 2000, idleTimeoutMs: 3000 });
    expect(() =>
      loadConfig({ ORDERCAP_HTTP_HEADERS_TIMEOUT_MS: '5000', ORDERCAP_HTTP_REQUEST_TIMEOUT_MS: '1000' }),
    ).toThrow(/headersTimeoutMs must not be longer/);
    expect(t.app.server.headersTimeout).toBe(300);
    expect(t.app.server.requestTimeout).toBe(800);
  });

  it('answers 408 to headers trickled byte by byte, and serves other clients meanwhile', async () => {
    const headers = `GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n${'X-Slow: y\r\n'.repeat(500)}\r\n`;
    const slow = [trickle(port, headers), trickle(port, headers)];
    expect(await health()).toBe(200);
    for (const { answer, sent } of await Promise.all(slow)) {
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
      expect(sent).toBeLessThan(headers.length);
    }
    expect(await health()).toBe(200);
  });

  it('answers 408 to a body trickled byte by byte, and stores nothing of it', async () => {
    const body = JSON.stringify({ poNumber: 'PO-SLOW-1', lines: [{ sku: 'TOR-M8-40', quantity: 1 }] });
    const request =
      `POST /api/orders HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
    const socket = net.connect(port, '127.0.0.1');
    socket.write(request);
    const result = trickleOn(socket, body);
    expect(await health()).toBe(200);
    const { answer, sent } = await result;
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(sent).toBeLessThan(body.length);
    expect(await t.db.query(`SELECT id FROM documents`)).toEqual([]);
  });

  it('refuses a body over the limit with 413 and a JSON message, with or without Content-Length', async () => {
    const big = JSON.stringify({ poNumber: 'PO-BIG', notes: 'x'.repeat(2 * 1024 * 1024), lines: [] });
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const declared = await fetch(`http://127.0.0.1:${port}/api/orders`, {
      method: 'POST',
      headers,
      body: big,
    });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toEqual({
      error: { code: 'payload_too_large', message: 'upload is larger than the 1 MB limit' },
    });

    // Chunked, no Content-Length: counted while it arrives.
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 40; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(64 * 1024)));
        controller.close();
      },
    });
    const streamed = await fetch(`http://127.0.0.1:${port}/api/orders`, {
      method: 'POST',
      headers,
      body: chunks,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(((await streamed.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
    expect(await t.db.query(`SELECT id FROM documents`)).toEqual([]);
    expect(await health()).toBe(200);
  });
});

/** Trickles `bytes` on an open socket, one every `everyMs`, until the server closes it. */
function trickleOn(socket: net.Socket, bytes: string, everyMs = 20) {
  let answer = '';
  let sent = 0;
  socket.on('data', (d) => {
    answer += d.toString('latin1');
  });
  socket.on('error', () => {});
  const timer = setInterval(() => {
    if (sent < bytes.length && !socket.destroyed) socket.write(bytes[sent++]!);
  }, everyMs);
  return new Promise<{ answer: string; sent: number }>((resolve) =>
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ answer, sent });
    }),
  );
}
