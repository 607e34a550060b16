import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.ts';
import { silentLogger } from '../../src/log.ts';
import { submit } from '../../src/pipeline/submit.ts';
import { createTestDatabase, type TestDatabase } from '../../src/testing/db.ts';
import { messageIdOf, SmtpListener, type SmtpListenerOptions } from './index.ts';

describe('SMTP listener', () => {
  let t: TestDatabase;
  const listeners: SmtpListener[] = [];

  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    for (const l of listeners) await l.stop();
    await t.close();
  });

  async function listen(extra: Partial<SmtpListenerOptions> = {}, db: Db = t.db) {
    const l = new SmtpListener({
      host: '127.0.0.1',
      port: 0,
      maxBytes: 100_000,
      allowNetworks: ['127.0.0.0/8'],
      allowSenders: [],
      users: [],
      submit: (d) => submit(db, d),
      log: silentLogger,
      ...extra,
    });
    await l.start();
    listeners.push(l);
    return l;
  }

  function transport(l: SmtpListener, auth?: { user: string; pass: string }) {
    return nodemailer.createTransport({
      ...l.address(),
      secure: false,
      ignoreTLS: true,
      ...(auth ? { auth } : {}),
    });
  }

  const mail = (id: string, extra: Record<string, unknown> = {}) => ({
    from: 'fax@gateway.local',
    to: 'pedidos@proveedor.es',
    subject: 'Fax from +34912345678',
    messageId: `<${id}@gateway.local>`,
    text: 'Pedido nº: FL-2026-0001',
    ...extra,
  });

  it('stores a pushed message before answering 250, once even when the gateway sends it again', async () => {
    const l = await listen();
    const sent = await transport(l).sendMail(mail('a1'));
    expect(sent.response).toMatch(/^250 .*stored/);
    const again = await transport(l).sendMail(mail('a1'));
    expect(again.response).toMatch(/^250 Already stored/);
    const docs = await t.db.query<{ channel: string; sender: string; source_ref: string }>(
      `SELECT channel, sender, source_ref FROM documents WHERE source_ref = 'message-id:<a1@gateway.local>'`,
    );
    expect(docs).toEqual([
      { channel: 'email', sender: 'fax@gateway.local', source_ref: 'message-id:<a1@gateway.local>' },
    ]);
  });

  it('answers 451 when the message cannot be stored, so the gateway keeps it', async () => {
    const l = await listen({
      submit: async () => {
        throw new Error('database down');
      },
    });
    await expect(transport(l).sendMail(mail('b1'))).rejects.toMatchObject({ responseCode: 451 });
  });

  it('refuses oversize messages, unlisted senders and networks, and unauthenticated clients', async () => {
    const small = await listen({ maxBytes: 2000 });
    await expect(transport(small).sendMail(mail('c1', { text: 'x'.repeat(5000) }))).rejects.toMatchObject({
      responseCode: 552,
    });
    const senders = await listen({ allowSenders: ['@sigarcia.es', 'fax@gateway.local'] });
    await expect(transport(senders).sendMail(mail('c2', { from: 'spam@example.com' }))).rejects.toMatchObject(
      {
        responseCode: 550,
      },
    );
    expect((await transport(senders).sendMail(mail('c3', { from: 'pedidos@sigarcia.es' }))).response).toMatch(
      /^250/,
    );
    const closed = await listen({ allowNetworks: ['10.0.0.0/8'] });
    await expect(transport(closed).sendMail(mail('c4'))).rejects.toMatchObject({ responseCode: 554 });
    const authed = await listen({ users: ['gateway:s3cret'] });
    await expect(transport(authed).sendMail(mail('c5'))).rejects.toMatchObject({ responseCode: 530 });
    await expect(
      transport(authed, { user: 'gateway', pass: 'wrong' }).sendMail(mail('c6')),
    ).rejects.toMatchObject({
      responseCode: 535,
    });
    expect(
      (await transport(authed, { user: 'gateway', pass: 's3cret' }).sendMail(mail('c7'))).response,
    ).toMatch(/^250/);
    const stored = await t.db.query<{ source_ref: string }>(
      `SELECT source_ref FROM documents WHERE source_ref LIKE 'message-id:<c%' ORDER BY source_ref`,
    );
    expect(stored.map((s) => s.source_ref)).toEqual([
      'message-id:<c3@gateway.local>',
      'message-id:<c7@gateway.local>',
    ]);
  });

  it('reads the Message-ID header, folded or not', () => {
    expect(messageIdOf(Buffer.from('Subject: x\r\nMessage-ID:\r\n <x@y>\r\n\r\nbody'))).toBe('<x@y>');
    expect(messageIdOf(Buffer.from('Subject: x\r\n\r\nMessage-ID: <not@header>'))).toBeNull();
  });
});
