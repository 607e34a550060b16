import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { textSvg } from '../../documents/testing.ts';
import type { ExtractedOrder, ExtractOutcome } from '../../domain/extraction.ts';
import { emptyEvidence } from '../../domain/extraction.ts';
import { finding } from '../../domain/findings.ts';
import { emptyOrder } from '../../domain/order.ts';
import type { Page } from '../../domain/page.ts';
import { createOcrEngine } from '../../ocr/index.ts';
import { dateFrom, poNumberFrom, secondLook } from './second-look.ts';

/** A page image holding one line, and the box of its PO number as OCR found it on the page. */
async function pageWith(
  text: string,
): Promise<{ page: Page; box: { x: number; y: number; w: number; h: number } }> {
  const image = await sharp(textSvg([text], 1200, 200, 40))
    .greyscale()
    .png()
    .toBuffer();
  const page: Page = {
    number: 1,
    width: 1200,
    height: 200,
    words: [],
    source: 'ocr',
    image,
    confidence: 0.7,
  };
  // textSvg puts the line's baseline at y = 2 * size: the code starts after "PO number: ".
  const x = 80 + 11 * 24;
  return { page, box: { x, y: 50, w: 9 * 24, h: 40 } };
}

function outcomeFor(po: string, box: { x: number; y: number; w: number; h: number }, confidence: number) {
  const order = emptyOrder();
  order.poNumber = po;
  const extracted: ExtractedOrder = {
    order,
    evidence: emptyEvidence(),
    fieldMeta: { poNumber: { confidence, source: { kind: 'box', page: 1, ...box } } },
    findings: [
      finding(
        'low_confidence',
        'warning',
        'poNumber',
        `poNumber read as "${po}" with confidence ${confidence}`,
      ),
    ],
    confidence,
    confidenceCap: 1,
    sourceText: null,
    reference: null,
  };
  const outcome: ExtractOutcome = { kind: 'orders', orders: [extracted], findings: [] };
  return { outcome, extracted };
}

describe('second look at an unsure PO number', () => {
  const ocr = createOcrEngine({ workers: 1 });
  afterAll(() => ocr.close());

  it('reads the crop again: agreement raises the confidence and clears the warning', async () => {
    const { page, box } = await pageWith('PO number: HWI-1017');
    const { outcome, extracted } = outcomeFor('HWI-1017', box, 0.7);
    await secondLook(outcome, [page], ocr, () => 'HWI-\\d{4}');
    expect(extracted.fieldMeta.poNumber!.confidence).toBeGreaterThan(0.9);
    expect(extracted.findings[0]!.severity).toBe('info');
    expect(extracted.findings[0]!.message).toContain('a second reading agreed');
  });

  it('a first reading OCR doubted deeply is as sure as the crop read it, when both agree', async () => {
    // 0.16 raised twice is only 0.79; a crop read surely vouches for more.
    const { page, box } = await pageWith('PO number: HWI-1017');
    const { outcome, extracted } = outcomeFor('HWI-1017', box, 0.16);
    await secondLook(outcome, [page], ocr, () => 'HWI-\\d{4}');
    expect(extracted.fieldMeta.poNumber!.confidence).toBeGreaterThan(0.85);
    expect(extracted.findings[0]!.message).toContain('a second reading agreed');
  });

  it('a second reading that disagrees lowers the confidence and is shown to the person', async () => {
    const { page, box } = await pageWith('PO number: HWI-1017');
    const { outcome, extracted } = outcomeFor('HWI-1011', box, 0.7);
    await secondLook(outcome, [page], ocr, () => 'HWI-\\d{4}');
    expect(extracted.fieldMeta.poNumber!.confidence).toBeLessThan(0.7);
    expect(extracted.findings[0]!.severity).toBe('warning');
    expect(extracted.findings[0]!.message).toContain('a second reading gave "HWI-1017"');
  });

  it('leaves sure readings and text-layer pages alone', async () => {
    const { page, box } = await pageWith('PO number: HWI-1017');
    const sure = outcomeFor('HWI-1011', box, 0.95);
    await secondLook(sure.outcome, [page], ocr, () => null);
    expect(sure.extracted.fieldMeta.poNumber!.confidence).toBe(0.95);
    const layer = outcomeFor('HWI-1011', box, 0.5);
    await secondLook(layer.outcome, [{ ...page, source: 'text-layer' }], ocr, () => null);
    expect(layer.extracted.fieldMeta.poNumber!.confidence).toBe(0.5);
  });

  it('takes the first word with a digit of the crop, held to the format', () => {
    expect(poNumberFrom(': HWI-1017.', null)).toEqual({ value: 'HWI-1017', repaired: false });
    expect(poNumberFrom('HWI1-1017', 'HWI-\\d{4}')).toEqual({ value: 'HWI-1017', repaired: true });
    expect(poNumberFrom('number', null)).toBeNull();
  });
});

describe('second look at an unsure date', () => {
  const ocr = createOcrEngine({ workers: 1 });
  afterAll(() => ocr.close());

  function dated(value: string, box: { x: number; y: number; w: number; h: number }, confidence: number) {
    const { outcome, extracted } = outcomeFor('HWI-1017', box, 1);
    extracted.order.orderDate = value;
    extracted.fieldMeta.orderDate = { confidence, source: { kind: 'box', page: 1, ...box } };
    return { outcome, extracted };
  }

  it('raises a date the crop reads again, in either day/month order', async () => {
    const { page, box } = await pageWith('PO number: 03/11/2026');
    const { outcome, extracted } = dated('2026-11-03', box, 0.8);
    await secondLook(outcome, [page], ocr, () => null);
    expect(extracted.fieldMeta.orderDate!.confidence).toBeGreaterThan(0.9);
  });

  it('lowers a date the crop reads otherwise and keeps the other reading', async () => {
    const { page, box } = await pageWith('PO number: 08/11/2026');
    const { outcome, extracted } = dated('2026-11-03', box, 0.8);
    await secondLook(outcome, [page], ocr, () => null);
    expect(extracted.fieldMeta.orderDate!.confidence).toBeLessThan(0.8);
    expect(extracted.fieldMeta.orderDate!.secondReading?.before).toBe(0.8);
  });

  it('finds every date a crop holds, written with numbers or words', () => {
    expect(dateFrom('Fecha: 03/11/2026')?.value).toEqual(['2026-11-03', '2026-03-11']);
    expect(dateFrom('3 de noviembre de 2026')?.value).toEqual(['2026-11-03']);
    expect(dateFrom('Fecha')).toBeNull();
  });
});
