import { PDFDocument, StandardFonts } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { countingOcr, jpegBomb, pngBomb, zipBomb } from '../../testing/hostile.ts';
import { readEmail } from './format.ts';
import { attachmentName, parseMessage } from './message.ts';
import { winmailDat } from './testing.ts';

const HEAD = ['From: Compras <compras@ferreterialopez.es>', 'To: pedidos@proveedor.es', 'MIME-Version: 1.0'];

/** A message of one text part inside `depth` nested multipart/mixed containers. */
function nestedMultipart(depth: number): Buffer {
  let body = 'Content-Type: text/plain\r\n\r\nPedido adjunto\r\n';
  for (let i = depth; i > 0; i--) {
    body = `Content-Type: multipart/mixed; boundary="b${i}"\r\n\r\n--b${i}\r\n${body}\r\n--b${i}--\r\n`;
  }
  return Buffer.from(`${HEAD.join('\r\n')}\r\nSubject: nested\r\n${body}`);
}

/** `depth` forwarded messages, each the only content of the one around it. */
function nestedForwards(depth: number): Buffer {
  let m = 'From: a@b.es\r\nSubject: inner\r\n\r\nhola\r\n';
  for (let i = 0; i < depth; i++) {
    m = `From: a@b.es\r\nSubject: fwd ${i}\r\nMIME-Version: 1.0\r\nContent-Type: message/rfc822\r\n\r\n${m}`;
  }
  return Buffer.from(m);
}

/** A message carrying `files` as base64 attachments with the given (raw, unescaped) names. */
function withAttachments(files: Array<{ name: string; type: string; bytes: Buffer }>): Buffer {
  const parts = files.map((f) =>
    [
      '--XX',
      `Content-Type: ${f.type}`,
      `Content-Disposition: attachment; filename="${f.name}"`,
      'Content-Transfer-Encoding: base64',
      '',
      f.bytes.toString('base64').replace(/.{76}/g, '$&\r\n'),
    ].join('\r\n'),
  );
  return Buffer.from(
    [
      ...HEAD,
      'Subject: Pedido',
      'Content-Type: multipart/mixed; boundary="XX"',
      '',
      '--XX',
      'Content-Type: text/plain',
      '',
      'Adjunto el pedido.',
      ...parts,
      '--XX--',
      '',
    ].join('\r\n'),
  );
}

describe('hostile e-mail', () => {
  it('reads a message nested 200 multipart levels deep', async () => {
    const msg = await parseMessage(nestedMultipart(200));
    expect(msg.body).toBe('Pedido adjunto');
  });

  it('rejects a message nested 5000 multipart levels deep with a reason, without crashing', async () => {
    const before = process.memoryUsage().rss;
    const outcome = await readEmail(nestedMultipart(5000), null, { ocr: countingOcr(), templates: [] });
    expect(outcome).toMatchObject({
      kind: 'rejected',
      findings: [
        {
          code: 'unreadable_document',
          message: expect.stringMatching(/^The e-mail message could not be read \(.+\)\.$/),
        },
      ],
    });
    expect(process.memoryUsage().rss - before).toBeLessThan(500e6);
  });

  it('follows forwarded messages three deep and reports the rest, 500 levels or not', async () => {
    const msg = await parseMessage(nestedForwards(500));
    expect(msg.skipped).toEqual([{ name: 'attachment-1', reason: 'a forwarded message nested too deep' }]);
  });

  it('rejects a message of 100,000 header lines with a reason', async () => {
    const headers = Array.from({ length: 100_000 }, (_, i) => `X-Junk-${i}: ${i}`).join('\r\n');
    const raw = Buffer.from(`${HEAD.join('\r\n')}\r\nSubject: many\r\n${headers}\r\n\r\nPedido\r\n`);
    const outcome = await readEmail(raw, null, { ocr: countingOcr(), templates: [] });
    expect(outcome).toMatchObject({
      kind: 'rejected',
      findings: [
        { code: 'unreadable_document', message: expect.stringMatching(/could not be read \(.*header/i) },
      ],
    });
  });

  it('reads a message of 10,000 header lines', async () => {
    const headers = Array.from({ length: 10_000 }, (_, i) => `X-Junk-${i}: ${i}`).join('\r\n');
    const msg = await parseMessage(
      Buffer.from(`${HEAD.join('\r\n')}\r\nSubject: many\r\n${headers}\r\n\r\nhola\r\n`),
    );
    expect(msg.subject).toBe('many');
  });

  it('reports a zip attachment as an archive it did not unpack', async () => {
    const zip = zipBomb();
    const msg = await parseMessage(
      withAttachments([{ name: 'pedido.zip', type: 'application/zip', bytes: zip }]),
    );
    expect(msg.documents).toEqual([]);
    expect(msg.skipped).toEqual([
      { name: 'pedido.zip', reason: 'a ZIP archive; archives are not unpacked, send the order itself' },
    ]);
    const outcome = await readEmail(
      withAttachments([{ name: 'pedido.zip', type: 'application/octet-stream', bytes: zip }]),
      null,
      { ocr: countingOcr(), templates: [] },
    );
    expect(outcome.kind).toBe('rejected');
    expect(outcome.findings.map((f) => f.message).join('\n')).toMatch(/holds no order: no attached document/);
  });

  it('hands pixel bombs to the reader, which refuses them by their size', async () => {
    const ocr = countingOcr();
    const raw = withAttachments([
      // As big as a scanned page's file (smaller ones are taken for logos), gigapixels decoded.
      { name: 'scan.png', type: 'image/png', bytes: pngBomb(100_000, 100_000, 20e6) },
      { name: 'scan.jpg', type: 'image/jpeg', bytes: await jpegBomb(65_500, 65_500, 20_000) },
    ]);
    const msg = await parseMessage(raw);
    expect(msg.documents.map((d) => d.name)).toEqual(['scan.png', 'scan.jpg']);
    const outcome = await readEmail(raw, null, { ocr, templates: [] });
    expect(outcome.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          code: 'unreadable_document',
          message: expect.stringMatching(/^Attachment scan\.png: The image is 100000 x 100000 pixels/),
        }),
        expect.objectContaining({
          code: 'unreadable_document',
          message: expect.stringMatching(/^Attachment scan\.jpg: The image is 65500 x 65500 pixels/),
        }),
      ]),
    );
    expect(ocr.calls).toBe(0);
  });

  it('reads at most maxPages pages of the whole message, however many attachments it has', async () => {
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    for (let i = 0; i < 2; i++) {
      const page = doc.addPage([595, 842]);
      for (let l = 0; l < 8; l++)
        page.drawText(`Condiciones generales linea ${l} pagina ${i}`, { x: 40, y: 780 - l * 20, font });
    }
    const pdf = Buffer.from(await doc.save());
    const names = ['a.pdf', 'b.pdf', 'c.pdf', 'd.pdf'];
    const raw = withAttachments(names.map((name) => ({ name, type: 'application/pdf', bytes: pdf })));
    const ocr = countingOcr();
    const outcome = await readEmail(raw, null, { ocr, templates: [], limits: { maxPages: 3 } });
    expect(outcome.pages).toHaveLength(3);
    const messages = outcome.findings.map((f) => f.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        'Attachment b.pdf: only the first 1 of 2 pages were read.',
        "Attachment c.pdf was not read: the message's first 3 pages were read already.",
        "Attachment d.pdf was not read: the message's first 3 pages were read already.",
      ]),
    );
  });

  it('names attachments by their last path component, without control characters', async () => {
    const pdf = Buffer.from('%PDF-1.4\n% not really\n');
    const raw = withAttachments([
      { name: '../../etc/passwd', type: 'application/pdf', bytes: pdf },
      { name: '/abs/path/order.pdf', type: 'application/pdf', bytes: pdf },
      { name: 'C:\\\\Windows\\\\win.ini', type: 'application/pdf', bytes: pdf },
      { name: 'x'.repeat(5000), type: 'application/pdf', bytes: pdf },
      { name: '..', type: 'application/pdf', bytes: pdf },
    ]);
    const names = (await parseMessage(raw)).documents.map((d) => d.name);
    expect(names.slice(0, 3)).toEqual(['passwd', 'order.pdf', 'win.ini']);
    expect(names[3]).toHaveLength(200);
    expect(names[4]).toBe('attachment-5.pdf');
    expect(attachmentName('a\u0000b\u0007c.pdf')).toBe('abc.pdf');
    expect(attachmentName('\uD800')).toBeNull();
  });

  it('names files inside a winmail.dat by their last path component', async () => {
    const pdf = Buffer.from('%PDF-1.4\n% not really\n');
    const tnef = winmailDat([
      { name: '../../../tmp/evil.pdf', bytes: pdf },
      { name: 'C:\\temp\\..\\x\u0001.pdf', bytes: pdf },
    ]);
    const msg = await parseMessage(
      withAttachments([{ name: 'winmail.dat', type: 'application/ms-tnef', bytes: tnef }]),
    );
    expect(msg.documents.map((d) => d.name)).toEqual(['winmail.dat/evil.pdf', 'winmail.dat/x.pdf']);
  });
});
