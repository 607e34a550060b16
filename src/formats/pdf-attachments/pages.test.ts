import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { afOnlyPdf } from '../../testing/af-pdf.ts';
import { countingOcr } from '../../testing/hostile.ts';
import { allFormats } from '../registry.ts';
import { cleanOrder, toOrderX } from '../testing.ts';

/**
 * A PDF whose order is an embedded Order-X file, with one page whose text layer is too thin to
 * read ("Pedido PO-..."): the order comes from the file, and the page is kept for people at
 * review size (2x, 1190 x 1684 for A4), neither rendered at 300 dpi and cleaned nor OCR'd.
 */
describe('the pages of a PDF with an embedded order', () => {
  it('are kept as review-size pictures, never prepared for OCR', async () => {
    const ocr = countingOcr();
    const pdf = allFormats(ocr).find((f) => f.id === 'pdf')!;
    const bytes = await afOnlyPdf(Buffer.from(toOrderX(cleanOrder('PO-PAGES-1'))), 'order-x.xml', 'Pedido');
    const out = await pdf.extract({ bytes, filename: 'factur.pdf', contentType: 'application/pdf' });
    if (out.kind !== 'orders') throw new Error(`not read: ${JSON.stringify(out)}`);
    expect(out.orders[0]!.order.poNumber).toBe('PO-PAGES-1');
    expect(out.pages).toHaveLength(1);
    const page = out.pages![0]!;
    expect(page).toMatchObject({ number: 1, source: 'ocr', words: [], confidence: 0 });
    expect([page.width, page.height]).toEqual([1190, 1684]);
    const meta = await sharp(page.image!).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 1190, 1684]);
    expect(ocr.calls).toBe(0);
  });
});
