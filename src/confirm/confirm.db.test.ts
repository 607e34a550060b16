import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { layout } from '../../scripts/eval/layout.ts';
import { CUSTOMERS, makeOrder, random } from '../../scripts/eval/orders.ts';
import { textPdf } from '../../scripts/eval/render.ts';
import { splitSegments } from '../formats/edifact/tokenize.ts';
import { loadConfig } from '../config.ts';
import type { Channel } from '../domain/document.ts';
import { silentLogger } from '../log.ts';
import { createOcrEngine, type OcrEngine } from '../ocr/index.ts';
import { allFormats } from '../formats/registry.ts';
import { templatesFrom } from '../pipeline/templates-source.ts';
import { submit } from '../pipeline/submit.ts';
import { freePort } from '../testing/dovecot.ts';
import { createTestPipeline, DEMO_MASTER_DATA, FIXTURES, type TestPipeline } from '../testing/pipeline.ts';
import { createUser } from '../review/auth.ts';
import { rejectOrder } from '../review/decisions.ts';
import { interchange } from '../testing/edifact-gen.ts';
import { ConfirmationSender } from './sender.ts';

/** A real SMTP server that keeps what it receives, and can refuse the next messages with a code. */
async function mailSink() {
  const received: ParsedMail[] = [];
  let refuse: number[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const code = refuse.shift();
        if (code) return callback(Object.assign(new Error(`refused with ${code}`), { responseCode: code }));
        simpleParser(Buffer.concat(chunks)).then((m) => {
          received.push(m);
          callback();
        }, callback);
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    refuseNext: (...codes: number[]) => {
      refuse = codes;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('order confirmations', () => {
  let sink: Awaited<ReturnType<typeof mailSink>>;
  let p: TestPipeline;
  let ocr: OcrEngine;
  let sender: ConfirmationSender;
  let n = 0;

  beforeAll(async () => {
    sink = await mailSink();
    ocr = createOcrEngine({ workers: 1 });
    const templates = templatesFrom(loadConfig({}).templatesDir, silentLogger);
    p = await createTestPipeline(
      {
        'worker.concurrency': 1,
        'confirm.smtpUrl': sink.url,
        'confirm.from': 'Pedidos <pedidos@proveedor.es>',
        'confirm.supplierName': 'Proveedor Industrial SA',
        'confirm.ownEdiId': '8400000000017',
      },
      DEMO_MASTER_DATA,
      allFormats(ocr, templates),
      { confirm: true },
    );
    sender = new ConfirmationSender({
      db: p.db,
      log: silentLogger,
      ...p.config.confirm,
      backoffBaseMs: 1,
      backoffMaxMs: 1,
      maxAttempts: 3,
    });
  });
  afterEach(() => {
    sink.received.length = 0;
  });
  afterAll(async () => {
    await sender.stop();
    await p.close();
    await ocr.close();
    await sink.close();
  });

  async function arrive(
    channel: Channel,
    bytes: Buffer,
    sender: string | null,
    meta?: Record<string, unknown>,
  ) {
    n++;
    const { documentId } = await submit(p.db, {
      channel,
      sourceRef: `confirm-test-${n}`,
      sender,
      receivedAt: new Date(),
      filename: null,
      contentType: null,
      bytes,
      ...(meta ? { meta } : {}),
    });
    await p.worker.runUntilIdle();
    return p.db.query<{ id: number; status: string; po_number: string }>(
      `SELECT id, status, po_number FROM orders WHERE document_id = $1 ORDER BY seq`,
      [documentId],
    );
  }

  async function outbox(orderId: number) {
    const [row] = await p.db.query<{
      kind: string;
      recipient: string;
      status: string;
      attempts: number;
      last_error: string | null;
    }>(`SELECT kind, recipient, status, attempts, last_error FROM confirmation_outbox WHERE order_id = $1`, [
      orderId,
    ]);
    return row;
  }

  /** The segments of an ORDRSP file the sender wrote, as raw text without terminators. */
  async function ordrspSegments(name: string): Promise<string[]> {
    const text = await readFile(join(p.config.confirm.ediDir, name), 'latin1');
    const segments: string[] = [];
    splitSegments(
      text.replace(/^UNA.{6}/, ''),
      { segment: "'", element: '+', component: ':', release: '?', decimal: '.' },
      (raw) => segments.push(raw.trim().replace(/'$/, '')),
    );
    return segments;
  }

  async function drain() {
    while ((await sender.runOnce()) > 0) await new Promise((r) => setTimeout(r, 5));
  }

  it('answers an EDI order with an ORDRSP for the EDI gateway, once', async () => {
    const edi = await readFile(join(FIXTURES, 'demo/ferreteria-lopez-FL-2026-0201.edi'));
    const orders = await arrive('edi', edi, '8412345000003');
    expect(orders.map((o) => o.status)).toEqual(['accepted', 'accepted']);
    await drain();
    await drain();
    const files = (await readdir(p.config.confirm.ediDir)).sort();
    expect(files).toEqual(orders.map((o) => `ORDRSP-OC${o.id}.edi`).sort());
    const segments = await ordrspSegments(`ORDRSP-OC${orders[0]!.id}.edi`);
    expect(segments[0]).toBe(
      `UNB+UNOC:3+8400000000017:14+8412345000003:14+${segments[0]!.split('+')[4]}+OC${orders[0]!.id}`,
    );
    expect(segments).toContain('UNH+1+ORDRSP:D:96A:UN:EAN005');
    expect(segments).toContain(`BGM+231+OC${orders[0]!.id}+29`);
    expect(segments).toContain('RFF+ON:FL-2026-0201');
    expect(segments).toContain('NAD+BY+8412345000003::9');
    expect(segments.filter((s) => s.startsWith('LIN+'))).toHaveLength(3);
    expect(segments).toContain('PIA+5+TUE-M8:SA');
    expect(segments).toContain('QTY+21:300');
    const unh = segments.indexOf('UNH+1+ORDRSP:D:96A:UN:EAN005');
    const unt = segments.findIndex((s) => s.startsWith('UNT+'));
    expect(segments[unt]).toBe(`UNT+${unt - unh + 1}+1`);
    expect(await outbox(orders[0]!.id)).toMatchObject({
      kind: 'ordrsp',
      recipient: '8412345000003',
      status: 'sent',
      attempts: 1,
    });
    const events = await p.db.query<{ kind: string }>(
      `SELECT kind FROM events WHERE order_id = $1 AND kind LIKE 'confirmation.%' ORDER BY id`,
      [orders[0]!.id],
    );
    expect(events.map((e) => e.kind)).toEqual(['confirmation.queued', 'confirmation.sent']);
  });

  it('answers an e-mail order by e-mail, in Spanish, in the thread of the order', async () => {
    const g = makeOrder(CUSTOMERS.find((c) => c.id === 'C042')!, 11, random(11));
    const eml = await new MailComposer({
      from: 'compras@ferreterialopez.es',
      to: 'pedidos@proveedor.es',
      subject: `Pedido ${g.expected.poNumber}`,
      messageId: '<order-11@ferreterialopez.es>',
      text: 'Adjunto pedido.',
      attachments: [{ filename: 'pedido.pdf', content: await textPdf(layout(g)) }],
    })
      .compile()
      .build();
    const [order] = await arrive('email', eml, 'compras@ferreterialopez.es', {
      messageId: '<order-11@ferreterialopez.es>',
    });
    expect(order!.status).toBe('accepted');
    await drain();
    expect(sink.received).toHaveLength(1);
    const mail = sink.received[0]!;
    expect(mail.subject).toBe(`Confirmación de su pedido ${g.expected.poNumber}`);
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : '').toBe('compras@ferreterialopez.es');
    expect(mail.inReplyTo).toBe('<order-11@ferreterialopez.es>');
    expect(mail.messageId).toBe(`<confirmation-OC${order!.id}@proveedor.es>`);
    for (const line of g.expected.lines) expect(mail.text).toContain(line.sku!);
    const total = new Intl.NumberFormat('es-ES', { minimumFractionDigits: 2 }).format(g.expected.total!);
    expect(mail.text).toContain(`Total: ${total} EUR`);
    expect(mail.html).toContain('<table');
    expect(mail.text).toContain('Proveedor Industrial SA');
  });

  it('tells the customer when an operator rejects the order, with the reason, by e-mail and ORDRSP', async () => {
    const user = await createUser(
      p.db,
      { login: 'marta', name: 'Marta Ruiz', role: 'operator', password: 'a long enough secret' },
      'system:test',
    );
    const op = {
      id: user.id,
      login: 'marta',
      name: 'Marta Ruiz',
      role: 'operator' as const,
      language: null,
      csrf: '',
    };
    const ctx = { db: p.db, config: p.config, log: silentLogger };
    // An article nobody knows: the order waits in review.
    const edi = (po: string) =>
      Buffer.from(
        interchange([
          { poNumber: po, buyerGln: '8412345000003', lines: [{ sku: 'NO-SUCH-SKU', quantity: 5 }] },
        ]),
      );
    const reject = async (orderId: number) => {
      const [o] = await p.db.query<{ version: number }>(`SELECT version FROM orders WHERE id = $1`, [
        orderId,
      ]);
      expect(
        await rejectOrder(ctx, op, orderId, o!.version, 'El artículo NO-SUCH-SKU ya no se fabrica'),
      ).toEqual({
        ok: true,
        learned: [],
      });
    };

    // Sent by e-mail (the interchange attached as it came): answered by e-mail, in its thread.
    const [byMail] = await arrive('email', edi('RECH-1'), 'compras@ferreterialopez.es', {
      messageId: '<rech-1@ferreterialopez.es>',
    });
    expect(byMail!.status).toBe('review');
    await reject(byMail!.id);
    await drain();
    expect(sink.received).toHaveLength(1);
    const mail = sink.received[0]!;
    expect(mail.subject).toBe('Su pedido RECH-1 no se ha podido procesar');
    expect(mail.inReplyTo).toBe('<rech-1@ferreterialopez.es>');
    expect(mail.text).toContain('Motivo: El artículo NO-SUCH-SKU ya no se fabrica');
    expect(mail.text).not.toContain('Confirmamos');

    // By EDI: an ORDRSP that does not accept it (BGM 27), the reason in FTX, no lines.
    const [byEdi] = await arrive('edi', edi('RECH-2'), '8412345000003');
    await reject(byEdi!.id);
    await drain();
    const name = `ORDRSP-OC${byEdi!.id}.edi`;
    const segments = await ordrspSegments(name);
    expect(segments).toContain(`BGM+231+OC${byEdi!.id}+27`);
    expect(segments).toContain('FTX+ACD+++El artículo NO-SUCH-SKU ya no se fabrica');
    expect(segments.some((s) => s.startsWith('LIN'))).toBe(false);
    const events = await p.db.query<{ kind: string; detail: { purpose?: string } }>(
      `SELECT kind, detail FROM events WHERE order_id = $1 AND kind LIKE 'confirmation.%' ORDER BY id`,
      [byEdi!.id],
    );
    expect(events.map((e) => e.kind)).toEqual(['confirmation.queued', 'confirmation.sent']);
    expect(events[0]!.detail.purpose).toBe('rejection');
  });

  it('writes in English to an English customer', async () => {
    const g = makeOrder(CUSTOMERS.find((c) => c.id === 'C170')!, 12, random(12));
    const eml = await new MailComposer({
      from: 'orders@hwimports.co.uk',
      subject: 'PO',
      text: 'Attached.',
      attachments: [{ filename: 'po.pdf', content: await textPdf(layout(g)) }],
    })
      .compile()
      .build();
    const [order] = await arrive('email', eml, 'orders@hwimports.co.uk');
    if (order!.status !== 'accepted') return expect.fail(`order ${order!.status}`);
    await drain();
    expect(sink.received[0]?.subject).toBe(`Confirmation of your order ${g.expected.poNumber}`);
  });

  it('sends nothing to a customer who asked for none, and says why', async () => {
    await p.db.query(`UPDATE customers SET confirmations = 'none' WHERE id = 'C042'`);
    try {
      const edi = (await readFile(join(FIXTURES, 'demo/ferreteria-lopez-FL-2026-0201.edi'), 'latin1'))
        .replaceAll('FL-2026-020', 'FL-2026-030')
        .replaceAll('DEMO1', 'DEMO3');
      const orders = await arrive('edi', Buffer.from(edi, 'latin1'), '8412345000003');
      const why = await p.db.query(`SELECT code, message FROM findings WHERE order_id = $1`, [orders[0]!.id]);
      expect(orders[0]!.status, JSON.stringify(why)).toBe('accepted');
      expect(await outbox(orders[0]!.id)).toBeUndefined();
      const [skipped] = await p.db.query<{ detail: { reason: string } }>(
        `SELECT detail FROM events WHERE order_id = $1 AND kind = 'confirmation.skipped'`,
        [orders[0]!.id],
      );
      expect(skipped!.detail.reason).toBe('the customer receives no confirmations');
    } finally {
      await p.db.query(`UPDATE customers SET confirmations = NULL WHERE id = 'C042'`);
    }
  });

  it('retries after a temporary SMTP refusal, gives up on a permanent one', async () => {
    const mailFor = async (k: number) => {
      const g = makeOrder(CUSTOMERS.find((c) => c.id === 'C042')!, 20 + k, random(20 + k));
      const eml = await new MailComposer({
        from: 'compras@ferreterialopez.es',
        subject: 'Pedido',
        text: 'Adjunto.',
        attachments: [{ filename: 'p.pdf', content: await textPdf(layout(g)) }],
      })
        .compile()
        .build();
      const [order] = await arrive('email', eml, 'compras@ferreterialopez.es');
      expect(order!.status).toBe('accepted');
      return order!.id;
    };
    const temporary = await mailFor(1);
    sink.refuseNext(451);
    await sender.runOnce();
    expect(await outbox(temporary)).toMatchObject({ status: 'pending', attempts: 1 });
    expect((await outbox(temporary))!.last_error).toContain('451');
    await new Promise((r) => setTimeout(r, 10));
    await drain();
    expect(await outbox(temporary)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(sink.received).toHaveLength(1);

    const permanent = await mailFor(2);
    sink.refuseNext(550);
    await drain();
    expect(await outbox(permanent)).toMatchObject({ status: 'failed', attempts: 1 });
    expect(sink.received).toHaveLength(1);
  });
});
