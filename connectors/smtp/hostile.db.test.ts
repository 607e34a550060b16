import net from 'node:net';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/log.ts';
import { submit } from '../../src/pipeline/submit.ts';
import { createTestDatabase, type TestDatabase } from '../../src/testing/db.ts';
import { SmtpListener, type SmtpListenerOptions } from './index.ts';

/** A raw SMTP client: sends lines, collects every reply, resolves `closed` when the server hangs up. */
function rawClient(port: number) {
  const socket = net.connect(port, '127.0.0.1');
  let replies = '';
  const waiters: Array<{ re: RegExp; resolve: () => void }> = [];
  socket.on('data', (d) => {
    replies += d.toString('latin1');
    for (const w of [...waiters]) {
      if (w.re.test(replies)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  });
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  return {
    socket,
    closed,
    replies: () => replies,
    /** Resolves once the replies so far match `re`. */
    until: (re: RegExp) =>
      re.test(replies) ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ re, resolve })),
    send: (line: string) => socket.write(`${line}\r\n`),
  };
}

describe('SMTP listener: hostile clients', () => {
  let t: TestDatabase;
  const listeners: SmtpListener[] = [];
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    for (const l of listeners) await l.stop();
    await t.close();
  });

  async function listen(extra: Partial<SmtpListenerOptions> = {}) {
    const l = new SmtpListener({
      host: '127.0.0.1',
      port: 0,
      maxBytes: 100_000,
      allowNetworks: ['127.0.0.0/8'],
      allowSenders: [],
      users: [],
      submit: (d) => submit(t.db, d),
      log: silentLogger,
      ...extra,
    });
    await l.start();
    listeners.push(l);
    return l;
  }

  const count = async () =>
    Number((await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM documents`))[0]!.n);

  it('takes its timeout from the configuration', () => {
    expect(loadConfig({}).smtp.socketTimeoutMs).toBe(60_000);
    expect(loadConfig({ ORDERCAP_SMTP_TIMEOUT_MS: '5000' }).smtp.socketTimeoutMs).toBe(5000);
  });

  it('refuses a 256 MB message over the limit with 552, without keeping it in memory', async () => {
    const l = await listen({ maxBytes: 1024 * 1024 });
    const before = await count();
    const c = rawClient(l.address().port);
    await c.until(/^220 /m);
    c.send('EHLO hostile.test');
    await c.until(/^250 /m);
    c.send('MAIL FROM:<big@example.com>');
    c.send('RCPT TO:<pedidos@proveedor.es>');
    c.send('DATA');
    await c.until(/^354 /m);
    const rssBefore = process.memoryUsage().rss;
    c.socket.write('Subject: big\r\n\r\n');
    const line = `${'x'.repeat(1022)}\r\n`;
    const chunk = Buffer.from(line.repeat(1024)); // 1 MB
    for (let i = 0; i < 256; i++) {
      if (!c.socket.write(chunk)) await new Promise((r) => c.socket.once('drain', r));
    }
    c.send('.');
    await c.until(/^552 .*1048576-byte limit/m);
    const grown = process.memoryUsage().rss - rssBefore;
    c.send('QUIT');
    await c.closed;
    expect(await count()).toBe(before);
    // Kept, the message alone would be 256 MB (twice that once concatenated).
    expect(grown).toBeLessThan(128 * 1024 * 1024);
  });

  it('disconnects a client that never finishes DATA, stores nothing of it, and serves others meanwhile', async () => {
    const l = await listen({ socketTimeoutMs: 300 });
    const before = await count();
    const slow = rawClient(l.address().port);
    await slow.until(/^220 /m);
    slow.send('EHLO slow.test');
    await slow.until(/^250 /m);
    slow.send('MAIL FROM:<slow@example.com>');
    slow.send('RCPT TO:<pedidos@proveedor.es>');
    slow.send('DATA');
    await slow.until(/^354 /m);
    slow.socket.write('Subject: never ends\r\n\r\nPedido n');

    // While the slow client hangs, another one is served.
    const sent = await nodemailer
      .createTransport({ ...l.address(), secure: false, ignoreTLS: true })
      .sendMail({
        from: 'fax@gateway.local',
        to: 'pedidos@proveedor.es',
        subject: 'fine',
        messageId: '<fine-1@gateway.local>',
        text: 'Pedido',
      });
    expect(sent.response).toMatch(/^250 /);

    await slow.closed;
    expect(slow.replies()).toMatch(/^421 .*(timeout|Timeout)/m);
    expect(await count()).toBe(before + 1);
    const subjects = await t.db.query<{ ref: string }>(
      `SELECT source_ref AS ref FROM documents ORDER BY id DESC LIMIT 1`,
    );
    expect(subjects[0]!.ref).toBe('message-id:<fine-1@gateway.local>');
  });
});
