import { PDFDocument, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  countingOcr,
  encrypted,
  jpegBomb,
  pngBomb,
  textPdf,
  tiffPages,
  withJavaScript,
} from '../testing/hostile.ts';
import { readDocument } from './index.ts';
import { FAX_LINES } from './testing.ts';
import { tiffResolution } from './tiff-ifd.ts';

/** Resident memory grows by less than this while a bomb is refused (the bombs claim gigabytes). */
const GENEROUS = 400e6;

async function measured<T>(run: () => Promise<T>): Promise<{ result: T; grown: number }> {
  const before = process.memoryUsage().rss;
  const result = await run();
  return { result, grown: process.memoryUsage().rss - before };
}

describe('hostile images', () => {
  it('refuses a PNG claiming 100000 x 100000 pixels (10 GB decoded) from its header', async () => {
    const ocr = countingOcr();
    const bomb = pngBomb(100_000, 100_000);
    expect(bomb.length).toBeLessThan(2000);
    const { result, grown } = await measured(() => readDocument(bomb, 'image', { ocr }));
    expect(result).toEqual({
      kind: 'unreadable',
      reason: 'The image is 100000 x 100000 pixels, more than the 40 million pixels order-capture reads.',
    });
    expect(ocr.calls).toBe(0);
    expect(grown).toBeLessThan(GENEROUS);
  });

  it('reads a small PNG whose data inflates to 200 MB only as far as its header allows', async () => {
    const ocr = countingOcr();
    const bomb = pngBomb(1000, 1000, 200e6);
    expect(bomb.length).toBeLessThan(300_000);
    const { result, grown } = await measured(() => readDocument(bomb, 'image', { ocr }));
    if (result.kind !== 'pages') throw new Error(result.reason);
    expect(result.pages.map((p) => p.width * p.height)).toEqual([expect.any(Number)]);
    expect(result.pages[0]!.width * result.pages[0]!.height).toBeLessThanOrEqual(40e6);
    expect(grown).toBeLessThan(GENEROUS);
  });

  it('applies a configured pixel limit: 3000 x 3000 is refused under a 4-megapixel limit', async () => {
    const png = pngBomb(3000, 3000, 3001 * 3000);
    const read = await readDocument(png, 'image', { ocr: countingOcr(), maxPixels: 4e6 });
    expect(read).toEqual({
      kind: 'unreadable',
      reason: 'The image is 3000 x 3000 pixels, more than the 4 million pixels order-capture reads.',
    });
  });

  it('refuses a JPEG whose frame header claims 65500 x 65500 pixels', async () => {
    const ocr = countingOcr();
    const { result, grown } = await measured(async () =>
      readDocument(await jpegBomb(65_500, 65_500), 'image', { ocr }),
    );
    expect(result).toEqual({ kind: 'unreadable', reason: expect.stringMatching(/65500 x 65500 pixels/) });
    expect(ocr.calls).toBe(0);
    expect(grown).toBeLessThan(GENEROUS);
  });

  it('refuses a TIFF whose IFD chain loops back on itself, with a reason', async () => {
    for (const pages of [1, 3]) {
      const ocr = countingOcr();
      const read = await readDocument(tiffPages(pages, 16, 16, true), 'tiff', { ocr });
      expect(read).toEqual({
        kind: 'unreadable',
        reason: expect.stringMatching(/could not be decoded.*loop/i),
      });
    }
    // Our own IFD walk (resolution tags) ends too, whatever page is asked for.
    expect(tiffResolution(tiffPages(3, 16, 16, true), 1_000_000)).toBeNull();
  });

  it('refuses a TIFF of 2000 pages without decoding a page, and reads the first pages when allowed', async () => {
    const tiff = tiffPages(2000, 16, 16);
    expect(tiff.length).toBeLessThan(1_000_000);
    const ocr = countingOcr();
    const read = await readDocument(tiff, 'tiff', { ocr });
    expect(read).toEqual({
      kind: 'unreadable',
      reason:
        'The image has 2000 pages, more than the 1000 pages order-capture accepts in one document; it was not read.',
    });
    expect(ocr.calls).toBe(0);

    const allowed = await readDocument(tiff, 'tiff', { ocr, maxDocumentPages: 10_000, maxPages: 3 });
    if (allowed.kind !== 'pages') throw new Error(allowed.reason);
    expect([allowed.pages.length, allowed.totalPages, ocr.calls]).toEqual([3, 2000, 3]);
  });

  it('keeps the reason short when the decoder repeats a warning for each of hundreds of pages', async () => {
    // Each page's strip holds less than its 300 x 300 pixels: libvips warns once per page.
    const read = await readDocument(tiffPages(400, 300, 300), 'tiff', { ocr: countingOcr(), maxPages: 1 });
    if (read.kind !== 'unreadable') throw new Error('a TIFF with short strips was read');
    expect(read.reason).toMatch(
      /^The image could not be decoded \(.+\)\.$|^Page 1 of the image could not be decoded/,
    );
    expect(read.reason.length).toBeLessThan(400);
  });
});

describe('hostile PDFs', () => {
  it('reads the text of a PDF with JavaScript actions and never runs the script', async () => {
    const marker = `__ordercap_pdf_js_${process.pid}`;
    const pdf = await textPdf(FAX_LINES, withJavaScript(marker));
    expect(pdf.toString('latin1')).toContain('/S /JavaScript');
    const read = await readDocument(pdf, 'pdf', { ocr: countingOcr() });
    if (read.kind !== 'pages') throw new Error(read.reason);
    expect(read.pages[0]!.source).toBe('text-layer');
    expect(read.pages[0]!.words.map((w) => w.text)).toContain('PO-2026-0042');
    expect((globalThis as Record<string, unknown>)[marker]).toBeUndefined();
  });

  it('refuses an encrypted PDF, saying to ask for an unprotected copy', async () => {
    const read = await readDocument(await textPdf(FAX_LINES, encrypted), 'pdf', { ocr: countingOcr() });
    expect(read).toEqual({
      kind: 'unreadable',
      reason: expect.stringMatching(/encrypted.*unprotected copy/),
    });
  });

  it('refuses a PDF of more pages than the configured limit without reading a page', async () => {
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    for (let i = 0; i < 120; i++) doc.addPage([200, 200]).drawText(`p ${i}`, { x: 10, y: 100, font });
    const ocr = countingOcr();
    const read = await readDocument(Buffer.from(await doc.save()), 'pdf', { ocr, maxDocumentPages: 100 });
    expect(read).toEqual({
      kind: 'unreadable',
      reason:
        'The PDF has 120 pages, more than the 100 pages order-capture accepts in one document; it was not read.',
    });
    expect(ocr.calls).toBe(0);
  });

  it('renders pages with absurd media boxes within the pixel limit, or refuses them with a reason', async () => {
    const boxes: Array<[number, number]> = [
      [1_000_000, 1_000_000],
      [1, 1_000_000],
      [0, 0],
      [-100, 842],
    ];
    for (const box of boxes) {
      const pdf = await textPdf(['Pedido'], () => {}, box);
      const read = await readDocument(pdf, 'pdf', { ocr: countingOcr(), maxPixels: 4e6 });
      if (read.kind === 'unreadable') {
        expect(read.reason).toMatch(/^The PDF could not be read \(.+\)\.$/);
        continue;
      }
      for (const page of read.pages) {
        const meta = await sharp(page.image!).metadata();
        expect(meta.width! * meta.height!).toBeLessThanOrEqual(4e6);
      }
    }
  });
});
