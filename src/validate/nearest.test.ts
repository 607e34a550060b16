import { describe, expect, it } from 'vitest';
import { taxIdSlips } from '../masterdata/normalise.ts';
import { oneDigitSlip, packSlip } from './mend-numbers.ts';
import { editDistance } from '../extract/layout.ts';
import { codeSkeleton, nearestArticle } from './nearest.ts';
import { catalog, line, product } from './testing.ts';

describe('codes read by OCR against the customer articles', () => {
  it('folds confusable glyphs and separators', () => {
    expect(codeSkeleton('TUS 90025')).toBe(codeSkeleton('TUB-90025').replace('8', '5'));
    expect(codeSkeleton('CAB-10025/AZ')).toBe('CA810025A2');
    expect(editDistance(codeSkeleton('CAB-109025/AV'), codeSkeleton('CAB-10025/AV'))).toBe(1);
  });

  const articles = catalog(
    [
      product('CAB-10025/AV', { description: 'Cable H07V-K 2,5 mm2 amarillo-verde', unitPrice: 34.5 }),
      product('CAB-10025/AZ', { description: 'Cable H07V-K 2,5 mm2 azul', unitPrice: 34.5 }),
      product('PRO-11610', { description: 'Magnetotermico 1P+N 10 A', unitPrice: 8.4 }),
      product('PRO-11616', { description: 'Magnetotermico 1P+N 16 A', unitPrice: 8.9 }),
    ],
    { 'SME-3979': 'PRO-11610' },
  );
  const ocr = (field: string, c = 0.5) => ({ [`lines[0].${field}`]: { confidence: c, source: null } });

  it('takes the one near article that the price or the description names', () => {
    const l = line({ customerRef: 'PRO-11618', unitPrice: 8.4, description: 'Disjoncteur' });
    expect(nearestArticle(l, 0, articles, ocr('customerRef'))).toMatchObject({
      code: 'PRO-11610',
      witnesses: ['price'],
    });
    const ref = line({ customerRef: 'SME-3919', unitPrice: null, description: 'Magnetotermico 1P+N 10A' });
    expect(nearestArticle(ref, 0, articles, ocr('customerRef'))?.code).toBe('SME-3979');
  });

  it('refuses a tie, an unnamed article and a typed code', () => {
    // Same price, a description in another language: AV and AZ are equally near and equally named.
    const tie = line({ customerRef: 'CAB-10025/A7', unitPrice: 34.5, description: 'Câble bleu' });
    expect(nearestArticle(tie, 0, articles, ocr('customerRef'))).toBeNull();
    const unnamed = line({ customerRef: 'PRO-11618', unitPrice: 3, description: 'Disjoncteur' });
    expect(nearestArticle(unnamed, 0, articles, ocr('customerRef'))).toBeNull();
    const typed = line({ customerRef: 'PRO-11618', unitPrice: 8.4 });
    expect(nearestArticle(typed, 0, articles, ocr('customerRef', 1))).toBeNull();
  });

  it('a GTIN whose check digit fails: the one article a digit away that the line also names', () => {
    const withGtins = catalog([
      product('BRI-76-370', { description: 'Brida nylon 7,6x370', gtin: '08437001107148', unitPrice: 0.09 }),
      product('BRI-48-200', { description: 'Brida nylon 4,8x200', gtin: '08437001107001', unitPrice: 0.04 }),
    ]);
    const l = line({ gtin: '8437001187148', description: 'Brida nylon 7,6x370 mm', unitPrice: null });
    expect(nearestArticle(l, 0, withGtins, ocr('gtin'))).toMatchObject({
      field: 'gtin',
      code: '08437001107148',
      witnesses: ['description'],
    });
    // Nothing else names it: the check digit alone does not choose.
    const bare = line({ gtin: '8437001187148', description: 'Fascetta', unitPrice: null });
    expect(nearestArticle(bare, 0, withGtins, ocr('gtin'))).toBeNull();
  });

  it('a code read with other spaces or separators is the code itself, no witness needed', () => {
    const refs = catalog([product('PRO-11610')], { '30.468.877': 'PRO-11610' });
    const l = line({ customerRef: '30 468 877', unitPrice: null, description: 'Leitungsschutzschalter' });
    expect(nearestArticle(l, 0, refs, ocr('customerRef'))).toMatchObject({ code: '30.468.877', exact: true });
  });

  it("never takes a customer's own variant code (a glyph more at an end) for the known article", () => {
    const refs = catalog(
      [product('CIN-AM-5025', { description: 'Fita americana 50 mm x 25 m', unitPrice: 3.8657 })],
      {
        'M-7125-83': 'CIN-AM-5025',
      },
    );
    const variant = line({
      customerRef: 'M-7125-83X',
      unitPrice: 3.8657,
      description: 'Fita americana 50 mm x 25 m',
    });
    expect(nearestArticle(variant, 0, refs, ocr('customerRef'))).toBeNull();
    // Nor one misread glyph and a variant's mark together: two edits.
    const both = line({
      customerRef: '9-7125-83X',
      unitPrice: 3.8657,
      description: 'Fita americana 50 mm x 25 m',
    });
    expect(nearestArticle(both, 0, refs, ocr('customerRef'))).toBeNull();
  });

  it('tries each word of a code cell that caught a neighbour', () => {
    const l = line({ customerRef: 'PYO-11610 0,88', unitPrice: 8.4 });
    expect(nearestArticle(l, 0, articles, ocr('customerRef'))?.code).toBe('PRO-11610');
  });
});

describe('numbers one OCR slip apart', () => {
  it('a lost or moved decimal mark, one digit misread, dropped or added', () => {
    expect(oneDigitSlip(2450, 24.5)).toBe(true);
    expect(oneDigitSlip(215, 2.15)).toBe(true);
    expect(oneDigitSlip(2.82, 2.62)).toBe(true);
    expect(oneDigitSlip(6.048, 0.048)).toBe(true);
    expect(oneDigitSlip(5.09, 5)).toBe(true);
    expect(oneDigitSlip(38, 36)).toBe(true);
    expect(oneDigitSlip(12, 14.33)).toBe(false);
    expect(oneDigitSlip(25, 52)).toBe(false);
    expect(oneDigitSlip(7, 7)).toBe(false);
    expect(oneDigitSlip(0.677, 0.6771)).toBe(true);
  });
});

describe('tax ids one OCR slip apart', () => {
  it('a letter inside the digits as the digit it resembles, a first or last digit as a letter', () => {
    expect(taxIdSlips('FRS9423187962')).toContain('FR59423187962');
    expect(taxIdSlips('836704153')).toContain('B36704153');
    expect(taxIdSlips('IE638804TV')).not.toContain('IE6388047V');
    expect(taxIdSlips('B36704153')).not.toContain('B36704153');
  });
});

describe('a quantity that is no multiple of its pack', () => {
  it('is the one multiple a look-alike digit away', () => {
    const p = product('TAC-N8', { packSize: 100, minQty: null });
    expect(packSlip(208, p)).toBe(200);
    expect(packSlip(508, p)).toBe(500);
    expect(packSlip(250, p)).toBeNull();
    expect(packSlip(300, p)).toBeNull();
    expect(packSlip(7, product('X', { packSize: 10, minQty: null }))).toBeNull();
  });
});
