import { PDFDocument, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import type { Page } from '../domain/page.ts';
import { createOcrEngine, type OcrEngine } from '../ocr/index.ts';
import { encrypted } from '../testing/hostile.ts';
import { readDocument, sniffDocumentKind } from './index.ts';
import { textSvg } from './testing.ts';

const A4: [number, number] = [595, 842];

async function textPdf(pageCount = 1): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 0; i < pageCount; i++) {
    const page = doc.addPage(A4);
    page.drawText('Pedido nº PO-2026-0042', { x: 50, y: 780, size: 14, font });
    page.drawText('Fecha: 20/11/2026', { x: 50, y: 760, size: 10, font });
    const rows = [
      ['Ref', 'Cantidad', 'Precio'],
      ['A-1001', '100', '0,12'],
      ['B-0077', '25', '9,00'],
    ];
    for (const [r, row] of rows.entries()) {
      for (const [c, cell] of row.entries()) {
        page.drawText(cell, { x: 50 + c * 150, y: 700 - r * 20, size: 10, font });
      }
    }
  }
  return Buffer.from(await doc.save());
}

/** A PDF whose only page is a picture of text, as a scanner makes it. */
async function scannedPdf(): Promise<Buffer> {
  const png = await sharp(textSvg(['PEDIDO 4711', 'CANTIDAD 25'], 1200, 500, 64))
    .png()
    .toBuffer();
  const doc = await PDFDocument.create();
  const page = doc.addPage([288, 120]);
  page.drawImage(await doc.embedPng(png), { x: 0, y: 0, width: 288, height: 120 });
  return Buffer.from(await doc.save());
}

/** An OCR engine that must not be called: text-layer PDFs are read without OCR. */
const noOcr: OcrEngine = {
  recognize: async () => {
    throw new Error('OCR was called for a text-layer page');
  },
  close: async () => {},
};

const word = (page: Page, text: string) => page.words.find((w) => w.text === text);

describe('reading PDFs', () => {
  const ocr = createOcrEngine({ workers: 1 });
  afterAll(() => ocr.close());

  it('reads a text PDF from its text layer, with boxes where the words were drawn', async () => {
    const bytes = await textPdf();
    expect(sniffDocumentKind(bytes)).toBe('pdf');
    const read = await readDocument(bytes, 'pdf', { ocr: noOcr });
    if (read.kind !== 'pages') throw new Error(read.reason);
    expect(read.totalPages).toBe(1);
    const [page] = read.pages;
    expect(page!.source).toBe('text-layer');
    expect(page!.confidence).toBe(1);
    // 2x render scale: 595 x 842 pt -> 1190 x 1684 px.
    expect([page!.width, page!.height]).toEqual([1190, 1684]);
    expect(page!.words.map((w) => w.text).slice(0, 5)).toEqual([
      'Pedido',
      'nº',
      'PO-2026-0042',
      'Fecha:',
      '20/11/2026',
    ]);

    const po = word(page!, 'PO-2026-0042')!;
    const baselinePx = (842 - 780) * 2;
    expect(po.y).toBeLessThan(baselinePx);
    expect(po.y + po.h).toBeGreaterThan(baselinePx);
    expect(po.x).toBeGreaterThan(100);
    expect(po.x + po.w).toBeLessThan((50 + 200) * 2);

    // Table cells keep their columns: x of "100" is the x the cell was drawn at.
    const qty = word(page!, '100')!;
    expect(qty.x).toBeCloseTo((50 + 150) * 2, 0);
    expect(qty.y + qty.h).toBeGreaterThan((842 - 680) * 2);

    expect(page!.image).not.toBeNull();
    const meta = await sharp(page!.image!).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 1190, 1684]);
  });

  it('reads the first maxPages pages and says how many there were', async () => {
    const read = await readDocument(await textPdf(3), 'pdf', { ocr: noOcr, maxPages: 2 });
    if (read.kind !== 'pages') throw new Error(read.reason);
    expect(read.pages.map((p) => p.number)).toEqual([1, 2]);
    expect(read.totalPages).toBe(3);
  });

  it('limits a 1000-page PDF to maxPages without touching the rest', async () => {
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    for (let i = 0; i < 1000; i++) {
      doc.addPage(A4).drawText(`Pagina ${i + 1} de 1000 del pedido`, { x: 50, y: 780, size: 12, font });
    }
    const started = Date.now();
    const read = await readDocument(Buffer.from(await doc.save()), 'pdf', { ocr: noOcr, maxPages: 2 });
    if (read.kind !== 'pages') throw new Error(read.reason);
    expect([read.pages.length, read.totalPages]).toEqual([2, 1000]);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('renders a page with an absurd media box within the pixel limit', async () => {
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    doc
      .addPage([14_400, 14_400])
      .drawText('Pedido PO-1 de un plano enorme', { x: 50, y: 14_000, size: 200, font });
    const read = await readDocument(Buffer.from(await doc.save()), 'pdf', { ocr: noOcr, maxPixels: 4e6 });
    if (read.kind !== 'pages') throw new Error(read.reason);
    const page = read.pages[0]!;
    const meta = await sharp(page.image!).metadata();
    expect(meta.width! * meta.height!).toBeLessThanOrEqual(4e6);
    // Boxes stay in the (smaller) image's pixels.
    expect([page.width, page.height]).toEqual([meta.width, meta.height]);
    expect(word(page, 'Pedido')!.x).toBeCloseTo((50 / 14_400) * page.width, 0);
    expect(word(page, 'PO-1')).toBeDefined();
  });

  it('OCRs a page without a text layer', async () => {
    const read = await readDocument(await scannedPdf(), 'pdf', { ocr });
    if (read.kind !== 'pages') throw new Error(read.reason);
    const [page] = read.pages;
    expect(page!.source).toBe('ocr');
    expect(page!.words.map((w) => w.text)).toEqual(
      expect.arrayContaining(['PEDIDO', '4711', 'CANTIDAD', '25']),
    );
    expect(page!.confidence).toBeGreaterThan(0.6);
    // Rendered at 300 dpi: 288 pt -> 1200 px.
    expect(page!.width).toBe(1200);
    const w4711 = word(page!, '4711')!;
    expect(w4711.x).toBeGreaterThan(300);
    expect(w4711.y).toBeLessThan(250);
  });

  it('refuses an encrypted PDF with a reason', async () => {
    const doc = await PDFDocument.create();
    doc.addPage(A4);
    encrypted(doc);
    const read = await readDocument(Buffer.from(await doc.save({ useObjectStreams: false })), 'pdf', {
      ocr: noOcr,
    });
    expect(read).toEqual({ kind: 'unreadable', reason: expect.stringMatching(/encrypted/) });
  });

  it('refuses corrupt, truncated and empty PDFs with a reason', async () => {
    const good = await textPdf();
    for (const bytes of [
      Buffer.from('%PDF-1.7\n this is not a pdf at all'),
      good.subarray(0, 200),
      Buffer.alloc(0),
    ]) {
      const read = await readDocument(bytes, 'pdf', { ocr: noOcr });
      expect(read.kind).toBe('unreadable');
      if (read.kind === 'unreadable') expect(read.reason).toMatch(/^The /);
    }
  });
});
