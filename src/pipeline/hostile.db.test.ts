import { PDFDocument, PDFHexString, StandardFonts } from 'pdf-lib';
import {
  beginText,
  endText,
  moveText,
  popGraphicsState,
  pushGraphicsState,
  setFontAndSize,
  showText,
} from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import type { Channel } from '../domain/document.ts';
import { FAX_LINES } from '../documents/testing.ts';
import {
  countingOcr,
  encrypted,
  jpegBomb,
  pngBomb,
  textPdf,
  tiffPages,
  withJavaScript,
} from '../testing/hostile.ts';
import { createTestPipeline, type TestPipeline } from '../testing/pipeline.ts';
import { extractDocument } from '../formats/registry.ts';
import { allFormats } from '../formats/registry.ts';
import { submit } from './submit.ts';

/** A text PDF of an order whose text layer also carries NUL and an unpaired surrogate's bytes. */
async function pdfWithNul(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([595, 842]);
  for (const [i, line] of FAX_LINES.entries())
    page.drawText(line, { x: 40, y: 780 - i * 18, size: 10, font });
  const key = page.node.newFontDictionary(font.name, font.ref);
  page.pushOperators(
    pushGraphicsState(),
    beginText(),
    setFontAndSize(key, 10),
    moveText(40, 500),
    showText(PDFHexString.of('4E6F7461 00 00 41')),
    endText(),
    popGraphicsState(),
  );
  return Buffer.from(await doc.save());
}

/** A mail whose subject and attachment name hold NUL and a path, with a PDF that is no order. */
function mailWithNul(): Buffer {
  return Buffer.from(
    [
      'From: Compras <compras@ferreterialopez.es>',
      'To: pedidos@proveedor.es',
      'Subject: =?utf-8?Q?Pedido=00urgente?=',
      'Message-ID: <nul-1@ferreterialopez.es>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="XX"',
      '',
      '--XX',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Adjunto.',
      '--XX',
      'Content-Type: application/pdf',
      "Content-Disposition: attachment; filename*=utf-8''..%2F..%2Fetc%2Fpasswd%00.pdf",
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('%PDF-1.4\nnot really a pdf\n').toString('base64'),
      '--XX--',
      '',
    ].join('\r\n'),
  );
}

interface Case {
  name: string;
  channel: Channel;
  bytes: () => Promise<Buffer> | Buffer;
  reason: RegExp;
}

const CASES: Case[] = [
  {
    name: 'bomb.png',
    channel: 'scan',
    bytes: () => pngBomb(100_000, 100_000),
    reason: /100000 x 100000 pixels, more than the 40 million pixels/,
  },
  {
    name: 'bomb.jpg',
    channel: 'scan',
    bytes: () => jpegBomb(65_500, 65_500),
    reason: /65500 x 65500 pixels/,
  },
  {
    name: 'loop.tif',
    channel: 'fax',
    bytes: () => tiffPages(2, 16, 16, true),
    reason: /could not be decoded/,
  },
  {
    name: 'pages.tif',
    channel: 'fax',
    bytes: () => tiffPages(1200, 16, 16),
    reason: /has 1200 pages, more than the 1000 pages/,
  },
  {
    name: 'locked.pdf',
    channel: 'scan',
    bytes: () => textPdf(FAX_LINES, encrypted),
    reason: /encrypted with a password/,
  },
  {
    name: 'mail-with-nul.eml',
    channel: 'email',
    bytes: mailWithNul,
    reason: /The e-mail "Pedido\uFFFDurgente" holds no order/,
  },
];

describe('document limits from the configuration', () => {
  it('has explicit defaults, and the readers apply what the environment sets', async () => {
    expect(loadConfig({}).documents).toEqual({ maxPages: 50, maxDocumentPages: 1000, maxPixels: 40e6 });
    const limits = loadConfig({
      ORDERCAP_MAX_MEGAPIXELS: '4',
      ORDERCAP_MAX_DOCUMENT_PAGES: '100',
      ORDERCAP_MAX_PAGES: '2',
    }).documents;
    expect(limits).toEqual({ maxPages: 2, maxDocumentPages: 100, maxPixels: 4e6 });
    const formats = allFormats(countingOcr(), [], limits);
    const read = (bytes: Buffer) => extractDocument({ bytes, filename: null, contentType: null }, formats);
    const reasons = async (bytes: Buffer) => (await read(bytes)).outcome.findings.map((f) => f.message);
    expect(await reasons(pngBomb(3000, 3000, 3001 * 3000))).toEqual([
      'The image is 3000 x 3000 pixels, more than the 4 million pixels order-capture reads.',
    ]);
    expect(await reasons(tiffPages(101, 16, 16))).toEqual([
      'The image has 101 pages, more than the 100 pages order-capture accepts in one document; it was not read.',
    ]);
    const pages = await read(tiffPages(5, 16, 16));
    expect(pages.outcome.pages).toHaveLength(2);
    expect(pages.outcome.findings.map((f) => f.message)).toContain('Only the first 2 of 5 pages were read.');
    expect(() => loadConfig({ ORDERCAP_MAX_PAGES: '600', ORDERCAP_MAX_DOCUMENT_PAGES: '100' })).toThrow(
      /maxDocumentPages must not be smaller/,
    );
  });
});

describe('hostile documents through the whole pipeline', () => {
  let p: TestPipeline;
  const ocr = countingOcr();

  beforeAll(async () => {
    const limits = loadConfig({}, {}).documents;
    p = await createTestPipeline({}, null, () => allFormats(ocr, [], limits));
  });
  afterAll(() => p.close());

  const storedText = async (documentId: number) =>
    (
      await p.db.query<{ text: string }>(`SELECT text FROM document_pages WHERE document_id = $1`, [
        documentId,
      ])
    )
      .map((r) => r.text)
      .join('\n');

  it('stores every hostile file and rejects it with a reason a person can read, in one attempt', async () => {
    const before = process.memoryUsage().rss;
    const ids = new Map<number, Case>();
    for (const c of CASES) {
      const bytes = await c.bytes();
      const { documentId } = await submit(p.db, {
        channel: c.channel,
        sourceRef: `hostile:${c.name}`,
        sender: null,
        receivedAt: new Date(),
        filename: c.name,
        contentType: null,
        bytes,
      });
      ids.set(documentId, c);
    }
    await p.settle();
    const rows = await p.db.query<{ id: number; status: string; status_reason: string; size: number }>(
      `SELECT id, status, status_reason, size FROM documents ORDER BY id`,
    );
    expect(rows).toHaveLength(CASES.length);
    for (const row of rows) {
      const c = ids.get(row.id)!;
      expect({ name: c.name, status: row.status }).toEqual({ name: c.name, status: 'rejected' });
      expect(row.status_reason).toMatch(c.reason);
      expect(row.status_reason).not.toMatch(/Processing failed/);
      expect(row.status_reason.length).toBeLessThan(1000);
    }
    // Nothing failed and waits for a retry: each outcome was stored on the first attempt.
    expect(await p.db.query(`SELECT id, attempts, last_error FROM jobs`)).toEqual([]);
    expect(process.memoryUsage().rss - before).toBeLessThan(1e9);
  });

  it('shows an attachment named with a path and NUL by its last component only', async () => {
    const [doc] = await p.db.query<{ id: number }>(
      `SELECT id FROM documents WHERE source_ref = 'hostile:mail-with-nul.eml'`,
    );
    const findings = await p.db.query<{ message: string }>(
      `SELECT message FROM findings WHERE document_id = $1`,
      [doc!.id],
    );
    const text = findings.map((f) => f.message).join('\n');
    expect(text).toContain('Attachment passwd.pdf');
    expect(text).not.toContain('..');
  });

  it('stores a PDF whose text layer holds NUL characters, and its words around them', async () => {
    const { documentId } = await submit(p.db, {
      channel: 'scan',
      sourceRef: 'hostile:nul.pdf',
      sender: null,
      receivedAt: new Date(),
      filename: 'nul\u0000.pdf',
      contentType: null,
      bytes: await pdfWithNul(),
      meta: { subject: 'a\u0000b', ['k\u0000']: ['\uD800'] },
    });
    await p.settle();
    const [doc] = await p.db.query<{ status: string; filename: string; meta: Record<string, unknown> }>(
      `SELECT status, filename, meta FROM documents WHERE id = $1`,
      [documentId],
    );
    expect(doc).toEqual({
      status: expect.stringMatching(/^(processed|rejected)$/),
      filename: 'nul\uFFFD.pdf',
      meta: { subject: 'a\uFFFDb', 'k\uFFFD': ['\uFFFD'] },
    });
    expect(await storedText(documentId)).toMatch(/PO-2026-0042[\s\S]*Nota\uFFFD\uFFFDA/);
    expect(await p.db.query(`SELECT id FROM jobs`)).toEqual([]);
  });

  it('reads the text of a PDF with JavaScript actions without running them', async () => {
    const marker = `__ordercap_pipeline_js_${process.pid}`;
    const { documentId } = await submit(p.db, {
      channel: 'scan',
      sourceRef: 'hostile:js.pdf',
      sender: null,
      receivedAt: new Date(),
      filename: 'js.pdf',
      contentType: null,
      bytes: await textPdf(FAX_LINES, withJavaScript(marker)),
    });
    await p.settle();
    expect(await storedText(documentId)).toContain('PO-2026-0042');
    expect((globalThis as Record<string, unknown>)[marker]).toBeUndefined();
  });
});
