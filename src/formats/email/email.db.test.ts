import { readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layout } from '../../../scripts/eval/layout.ts';
import { CUSTOMERS, makeOrder, random } from '../../../scripts/eval/orders.ts';
import { textPdf } from '../../../scripts/eval/render.ts';
import { loadConfig } from '../../config.ts';
import type { CanonicalOrder } from '../../domain/order.ts';
import { silentLogger } from '../../log.ts';
import { createOcrEngine, type OcrEngine } from '../../ocr/index.ts';
import { allFormats } from '../registry.ts';
import { templatesFrom } from '../../pipeline/templates-source.ts';
import { submit } from '../../pipeline/submit.ts';
import { pagesOf } from '../../store/pages.ts';
import { createTestPipeline, DEMO_MASTER_DATA, type TestPipeline } from '../../testing/pipeline.ts';
import { DropFolder } from '../../../connectors/drop-folder/index.ts';
import { CORPUS, corpusPresent } from '../../testing/services.ts';
import { emailFormat } from './format.ts';
import { winmailDat } from './testing.ts';
import { looksLikeEmail, parseMessage, stripReplies } from './message.ts';

type Mail = ConstructorParameters<typeof MailComposer>[0];

function compose(mail: Mail): Promise<Buffer> {
  return new MailComposer({ date: new Date('2026-11-20T09:30:00Z'), ...mail }).compile().build();
}

/** A logo as mail clients put it in signatures: small, inline, referenced by cid. */
async function logo(): Promise<Buffer> {
  return sharp({ create: { width: 120, height: 40, channels: 3, background: '#c03020' } })
    .png()
    .toBuffer();
}

/** RFC 2045 quoted-printable of raw bytes, soft line breaks under 76 characters. */
function quotedPrintable(bytes: Buffer): string {
  let out = '';
  let line = '';
  for (const b of bytes) {
    const ch =
      b === 0x0a
        ? '\r\n'
        : b >= 33 && b <= 126 && b !== 61
          ? String.fromCharCode(b)
          : `=${b.toString(16).toUpperCase().padStart(2, '0')}`;
    if (ch === '\r\n') {
      out += `${line}\r\n`;
      line = '';
      continue;
    }
    if (line.length + ch.length > 75) {
      out += `${line}=\r\n`;
      line = '';
    }
    line += ch;
  }
  return out + line;
}

const BODY_ORDER = [
  'Buenos días,',
  '',
  'Les enviamos nuestro pedido.',
  '',
  'Pedido nº: FL-2026-0100',
  'Fecha: 20/11/2026',
  '',
  'Ref.   Descripción               Cantidad   Precio   Importe',
  '4711   Tornillo M8x40 zincado         200     0,12     24,00',
  '4712   Tuerca M8 zincada              100    0,045      4,50',
  '',
  'Total pedido: 28,50',
  '',
  'Un saludo,',
  '-- ',
  'Juan Pérez',
  'Ferretería López',
  '',
  'El 19/11/2026 10:00, Ventas <ventas@proveedor.es> escribió:',
  '> Pedido nº: OLD-1',
].join('\n');

describe('e-mail messages', () => {
  let p: TestPipeline;
  let ocr: OcrEngine;
  let n = 0;

  beforeAll(async () => {
    ocr = createOcrEngine({ workers: 1 });
    const templates = templatesFrom(loadConfig({}).templatesDir, silentLogger);
    p = await createTestPipeline({ 'worker.concurrency': 1 }, DEMO_MASTER_DATA, allFormats(ocr, templates));
  });
  afterAll(async () => {
    await p.close();
    await ocr.close();
  });

  /** Submits a raw message as the IMAP connector will, runs the pipeline, returns its orders. */
  async function process(eml: Buffer, sender: string | null) {
    n++;
    const { documentId } = await submit(p.db, {
      channel: 'email',
      sourceRef: `test-${n}`,
      sender,
      receivedAt: new Date(),
      filename: `m${n}.eml`,
      contentType: 'message/rfc822',
      bytes: eml,
    });
    await p.worker.runUntilIdle();
    const orders = await p.db.query<{
      status: string;
      data: CanonicalOrder;
      findings: Array<{ code: string; severity: string; message: string }>;
      field_meta: Record<string, { source: { kind: string } | null }>;
    }>(
      `SELECT o.status, o.data, o.field_meta,
              coalesce((SELECT json_agg(json_build_object('code', f.code, 'severity', f.severity, 'message', f.message))
                          FROM findings f WHERE f.order_id = o.id), '[]') AS findings
         FROM orders o WHERE o.document_id = $1 ORDER BY o.seq`,
      [documentId],
    );
    const [doc] = await p.db.query<{ status: string }>(`SELECT status FROM documents WHERE id = $1`, [
      documentId,
    ]);
    return { documentId, orders, doc: doc! };
  }

  it('reads the attached PDF of a known sender; the signature logo is no order', async () => {
    const style = CUSTOMERS.find((c) => c.id === 'C042')!;
    const g = makeOrder(style, 3, random(3));
    const eml = await compose({
      from: 'Compras <compras@ferreterialopez.es>',
      to: 'pedidos@proveedor.es',
      subject: `Pedido ${g.expected.poNumber}`,
      text: 'Adjuntamos pedido.\n\n-- \nCompras',
      html: '<p>Adjuntamos pedido.</p><img src="cid:logo@fl">',
      attachments: [
        { filename: 'pedido.pdf', content: await textPdf(layout(g)), contentType: 'application/pdf' },
        { filename: 'logo.png', content: await logo(), cid: 'logo@fl' },
      ],
    });
    const { orders, documentId } = await process(eml, 'compras@ferreterialopez.es');
    expect(orders).toHaveLength(1);
    const o = orders[0]!;
    expect(o.data.customer.id).toBe('C042');
    expect(o.data.poNumber).toBe(g.expected.poNumber);
    expect(o.data.lines.map((l) => [l.sku, l.quantity])).toEqual(
      g.expected.lines.map((l) => [l.sku, l.quantity]),
    );
    expect(o.status).toBe('accepted');
    expect(o.findings.find((f) => f.message.includes('logo.png'))).toMatchObject({
      code: 'not_an_order',
      severity: 'info',
    });
    expect(await pagesOf(p.db, documentId)).toHaveLength(1);
  });

  it('finds the PDF inside a forwarded message, even without a file name', async () => {
    const style = CUSTOMERS.find((c) => c.id === 'C107')!;
    const g = makeOrder(style, 4, random(4));
    const inner = await compose({
      from: 'pedidos@sigarcia.es',
      to: 'comercial@proveedor.es',
      subject: 'Orden de compra',
      text: 'Ver adjunto.',
      attachments: [{ content: await textPdf(layout(g)), contentType: 'application/octet-stream' }],
    });
    const eml = await compose({
      from: 'comercial@proveedor.es',
      to: 'pedidos@proveedor.es',
      subject: 'Fwd: Orden de compra',
      text: 'Para entrar, por favor.',
      attachments: [{ content: inner, contentType: 'message/rfc822', filename: 'orden.eml' }],
    });
    const { orders } = await process(eml, 'comercial@proveedor.es');
    expect(orders).toHaveLength(1);
    expect(orders[0]!.data.poNumber).toBe(g.expected.poNumber);
    // The forwarder is our own colleague: the customer comes from the document (template, tax id).
    expect(orders[0]!.data.customer.id).toBe('C107');
  });

  it('reads an order typed in the body; the quoted reply and the signature are not part of it', async () => {
    const eml = await compose({
      from: 'compras@ferreterialopez.es',
      to: 'pedidos@proveedor.es',
      subject: 'Pedido',
      text: BODY_ORDER,
    });
    const { orders } = await process(eml, 'compras@ferreterialopez.es');
    expect(orders).toHaveLength(1);
    const o = orders[0]!;
    expect(o.data.customer.id).toBe('C042');
    expect(o.data.poNumber).toBe('FL-2026-0100');
    expect(o.data.lines.map((l) => [l.sku, l.quantity, l.unitPrice])).toEqual([
      ['TOR-M8-40', 200, 0.12],
      ['TUE-M8', 100, 0.045],
    ]);
    expect(o.data.total).toBe(28.5);
    // No page image: the field points at the line of the body it came from.
    expect(o.field_meta.poNumber?.source).toEqual({ kind: 'text', line: 5, text: 'Pedido nº: FL-2026-0100' });
  });

  it('a body in HTML only, quoted-printable in ISO-8859-1, reads the same', async () => {
    const rows = BODY_ORDER.split('\n').slice(7, 10).join('\n');
    const html = `<html><body><p>Pedido nº: FL-2026-0101<br>Fecha: 20/11/2026</p><pre>${rows}</pre><p>Total pedido: 28,50</p></body></html>`;
    const eml = Buffer.from(
      [
        'From: compras@ferreterialopez.es',
        'Subject: =?iso-8859-1?q?Pedido_urgente_n=BA_101?=',
        'MIME-Version: 1.0',
        'Content-Type: text/html; charset=iso-8859-1',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        quotedPrintable(Buffer.from(html, 'latin1')),
      ].join('\r\n'),
      'latin1',
    );
    const { orders } = await process(eml, 'compras@ferreterialopez.es');
    expect(orders[0]?.data.poNumber).toBe('FL-2026-0101');
    expect(orders[0]?.data.lines.map((l) => l.description)).toEqual([
      'Tornillo M8x40 zincado',
      'Tuerca M8 zincada',
    ]);
  });

  it('a message a mail gateway drops as an .eml file ends in the same stored order', async () => {
    const dir = join(p.dir, 'inbox-mail');
    const folder = new DropFolder({
      dir,
      channel: 'email',
      stableMs: 0,
      pollMs: 10,
      maxBytes: 1 << 24,
      submit: (d) => submit(p.db, d),
      log: silentLogger,
    });
    await folder.scan();
    const eml = await compose({
      from: 'compras@ferreterialopez.es',
      subject: 'Pedido',
      text: BODY_ORDER.replace('FL-2026-0100', 'FL-2026-0102'),
    });
    await writeFile(join(dir, 'msg-0001.eml'), eml);
    expect(await folder.scan()).toBe(1);
    await p.worker.runUntilIdle();
    const [row] = await p.db.query<{ channel: string; po_number: string; customer_id: string }>(
      `SELECT d.channel, o.po_number, o.customer_id FROM orders o JOIN documents d ON d.id = o.document_id
        WHERE o.po_number = 'FL-2026-0102'`,
    );
    expect(row).toEqual({ channel: 'email', po_number: 'FL-2026-0102', customer_id: 'C042' });
  });

  it('a message with no order is rejected with a reason a person can read', async () => {
    const eml = await compose({
      from: 'compras@ferreterialopez.es',
      subject: 'Hola',
      text: '¿Qué tal el fin de semana?',
    });
    const { documentId, doc } = await process(eml, null);
    expect(doc.status).toBe('rejected');
    const findings = await p.db.query<{ code: string; message: string }>(
      `SELECT code, message FROM findings WHERE document_id = $1`,
      [documentId],
    );
    expect(findings.map((f) => f.code)).toEqual(['not_an_order']);
    expect(findings[0]!.message).toBe(
      'The e-mail "Hola" holds no order: no attached document, and a text without a PO number or a line table.',
    );
  });

  it('reads the PDF order inside a winmail.dat', async () => {
    const style = CUSTOMERS.find((c) => c.id === 'C042')!;
    const g = makeOrder(style, 8, random(8));
    const dat = winmailDat([{ name: 'PEDIDO.PDF', bytes: await textPdf(layout(g)) }]);
    const eml = await compose({
      from: 'compras@ferreterialopez.es',
      subject: 'Pedido',
      text: 'Adjunto pedido.',
      attachments: [{ filename: 'winmail.dat', content: dat, contentType: 'application/ms-tnef' }],
    });
    const { orders } = await process(eml, 'compras@ferreterialopez.es');
    expect(orders).toHaveLength(1);
    expect(orders[0]!.data.poNumber).toBe(g.expected.poNumber);
    expect(orders[0]!.status).toBe('accepted');
  });

  it('a winmail.dat it cannot read keeps the order from passing unseen', async () => {
    const eml = await compose({
      from: 'compras@ferreterialopez.es',
      subject: 'Pedido',
      text: BODY_ORDER,
      attachments: [
        { filename: 'winmail.dat', content: Buffer.from('broken'), contentType: 'application/ms-tnef' },
      ],
    });
    const { orders } = await process(eml, 'compras@ferreterialopez.es');
    expect(orders[0]!.status).toBe('review');
    expect(orders[0]!.findings.find((f) => f.message.includes('winmail.dat'))).toMatchObject({
      code: 'unreadable_document',
      severity: 'warning',
    });
  });

  it.skipIf(!corpusPresent)(
    'every message of the corpus ends with orders or a reason, never a crash',
    async () => {
      const dirs = [join(CORPUS, 'postal-mime'), join(CORPUS, 'mimekit/messages')];
      const files = [
        ...dirs.flatMap((d) => readdirSync(d).map((f) => join(d, f))),
        // Real Outlook messages with a winmail.dat part (one of them koi8-r).
        join(CORPUS, 'mimekit/tnef/rich-text.eml'),
        join(CORPUS, 'mimekit/tnef/ukr.eml'),
      ];
      expect(files.length).toBeGreaterThan(10);
      const format = emailFormat(ocr, []);
      for (const file of files) {
        const bytes = readFileSync(file);
        expect(format.score({ bytes, filename: file, contentType: null }), file).toBeGreaterThan(0.5);
        const outcome = await format.extract({ bytes, filename: file, contentType: null });
        if (outcome.kind === 'rejected') {
          expect(
            outcome.findings.some((f) => f.severity === 'error' && f.message.length > 20),
            file,
          ).toBe(true);
        } else {
          expect(outcome.orders.length, file).toBeGreaterThan(0);
        }
      }
    },
  );
});

describe('message helpers', () => {
  it('recognises messages by their header block', () => {
    expect(looksLikeEmail(Buffer.from('From: a@b.es\r\nSubject: x\r\n\r\nbody'))).toBe(true);
    expect(looksLikeEmail(Buffer.from("UNA:+.? 'UNB+UNOC:3+X+Y"))).toBe(false);
    expect(looksLikeEmail(Buffer.from('Subject: only one\n\nbody'))).toBe(false);
  });

  it('cuts quoted replies and signatures', () => {
    expect(stripReplies('Pedido 1\n> old\nmore\n-- \nsig')).toBe('Pedido 1\nmore');
    expect(stripReplies('Hola\n\nOn Mon, 2 Nov 2026, Ana <a@b.es> wrote:\n> x')).toBe('Hola');
    expect(stripReplies('Hola\n-----Original Message-----\nFrom: x')).toBe('Hola');
    expect(stripReplies('Hola\n\nDe: Ana\nEnviado: lunes')).toBe('Hola');
  });

  it('takes the fax number a fax-to-mail gateway puts in the subject', async () => {
    const eml = await compose({
      from: 'fax@gateway.local',
      subject: 'Fax from +34 912 345 678 (2 pages)',
      text: 'x',
    });
    expect((await parseMessage(eml)).faxNumber).toBe('+34912345678');
  });
});
