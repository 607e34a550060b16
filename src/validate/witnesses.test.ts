import { describe, expect, it } from 'vitest';
import type { FieldMeta } from '../domain/extraction.ts';
import { type CanonicalOrder, emptyOrder } from '../domain/order.ts';
import { line } from './testing.ts';
import type { CustomerFacts, ProductFacts } from './types.ts';
import { historyShape, poNumberByShape, witnessFields, witnessPoNumber } from './witnesses.ts';

const box = { kind: 'box' as const, page: 1, x: 0, y: 0, w: 10, h: 10 };
const meta = (confidence: number, extra: Partial<FieldMeta> = {}): FieldMeta => ({
  confidence,
  source: box,
  ...extra,
});

describe('historyShape', () => {
  it('keeps letters all earlier numbers share and turns digits into runs of the lengths seen', () => {
    const shape = historyShape(['IBC-26-00101', 'IBC-26-00150', 'IBC-25-00999'])!;
    expect(shape.source).toBe('^(?:IBC-\\d{2,2}-\\d{5,5})$');
    expect(shape.test('IBC-27-00001')).toBe(true);
    expect(shape.test('18C-26-00232')).toBe(false);
  });

  it('says nothing from fewer than three numbers, or numbers of different shapes', () => {
    expect(historyShape(['IBC-26-00101', 'IBC-26-00150'])).toBeNull();
    expect(historyShape(['IBC-26-00101', '4500012', 'IBC-26-00150'])).toBeNull();
    expect(historyShape(['A/1', 'A-2', 'A/3'])).toBeNull();
  });

  it("keeps an ERP number range's leading digits, not a short running number's", () => {
    const sap = historyShape(['4500373741', '4500412210', '4500498807'])!;
    expect(sap.source).toBe('^(?:4500\\d{6,6})$');
    expect(sap.test('4500500352')).toBe(true);
    expect(sap.test('3491543788')).toBe(false);
    expect(historyShape(['00101', '00150', '00199'])!.source).toBe('^(?:\\d{5,5})$');
  });

  it('lets letter runs that vary be any letters', () => {
    expect(historyShape(['NE2026/0412', 'NX2026/0413', 'NE2026/0414'])!.test('NQ2026/0001')).toBe(true);
  });
});

describe('witnessPoNumber', () => {
  const earlier = ['IBC-26-00101', 'IBC-26-00150', 'IBC-26-00199'];
  const order = (po: string): CanonicalOrder => ({ ...emptyOrder(), poNumber: po });

  it("raises a number of the customer's shape", () => {
    const o = order('IBC-26-00232');
    const m = { poNumber: meta(0.8) };
    const because = new Map<string, string>();
    expect(witnessPoNumber(o, m, earlier, because)).toEqual([]);
    expect(m.poNumber.confidence).toBe(0.9);
    expect(because.get('poNumber')).toContain('earlier PO numbers');
  });

  it('mends slips in the constant letters and keeps the digits read', () => {
    const o = order('18C-26-00232');
    const m = { poNumber: meta(0.8) };
    const [f] = witnessPoNumber(o, m, earlier, new Map());
    expect(o.poNumber).toBe('IBC-26-00232');
    expect(m.poNumber.confidence).toBe(0.9);
    expect(f?.severity).toBe('info');
    expect(f?.message).toContain('"18C-26-00232"');
  });

  it('counts a second look that read the mended number as a second reading', () => {
    const o = order('I1BC-26-00235');
    const m = { poNumber: meta(0.315, { secondReading: { value: 'IBC-26-00235', before: 0.42 } }) };
    witnessPoNumber(o, m, earlier, new Map());
    expect(o.poNumber).toBe('IBC-26-00235');
    expect(m.poNumber.confidence).toBeGreaterThanOrEqual(0.9);
  });

  it('holds a number whose digits had to be mended under review', () => {
    const o = order('IBC-26-O0232');
    const m = { poNumber: meta(0.85) };
    const [f] = witnessPoNumber(o, m, earlier, new Map());
    expect(o.poNumber).toBe('IBC-26-00232');
    expect(m.poNumber.confidence).toBeLessThan(0.8);
    expect(f?.severity).toBe('warning');
  });

  it('leaves a number that fits no shape as read', () => {
    const o = order('ZZ-99');
    const m = { poNumber: meta(0.5) };
    expect(witnessPoNumber(o, m, earlier, new Map())).toEqual([]);
    expect(o.poNumber).toBe('ZZ-99');
    expect(m.poNumber.confidence).toBe(0.5);
  });
});

describe('witnessFields', () => {
  const product: ProductFacts = {
    sku: 'A-1',
    description: 'Cable',
    unit: 'M',
    unitPrice: 1.5,
    currency: 'EUR',
    gtin: null,
    minQty: null,
    packSize: null,
    customerPrice: null,
    history: [],
  };
  const customer = { id: 'C1', currency: 'EUR' } as CustomerFacts;

  it('raises quantity, price and amount that multiply out, a total the lines add up to, unit and currency', () => {
    const order: CanonicalOrder = {
      ...emptyOrder(),
      currency: 'EUR',
      total: 30,
      lines: [line({ lineNo: 1, sku: 'A-1', quantity: 20, unit: 'M', unitPrice: 1.5, amount: 30 })],
    };
    const m: Record<string, FieldMeta> = {
      total: meta(0.8),
      currency: meta(0.5),
      'lines[0].quantity': meta(0.8),
      'lines[0].unitPrice': meta(0.8),
      'lines[0].amount': meta(0.8),
      'lines[0].unit': meta(0.6),
    };
    const because = witnessFields(order, [product], customer, m);
    // At the article's price the identity settles the line (0.95), the total closes (raised again).
    expect(m.total!.confidence).toBe(0.95);
    expect(m['lines[0].quantity']!.confidence).toBe(0.975);
    expect(m['lines[0].amount']!.confidence).toBe(0.975);
    expect(m['lines[0].unit']!.confidence).toBe(0.8);
    expect(m.currency!.confidence).toBe(0.95);
    expect(because.get('total')).toBe('the lines add up to it');
    expect(because.get('lines[0].quantity')).toBe(
      "quantity x price = amount, at the article's price; the lines add up to the total",
    );
  });

  it('does not settle a price that lost its last digit, though the arithmetic agrees loosely', () => {
    const p4 = { ...product, unitPrice: 0.6771 };
    const order: CanonicalOrder = {
      ...emptyOrder(),
      currency: 'EUR',
      lines: [line({ lineNo: 1, sku: 'A-1', quantity: 500, unit: 'M', unitPrice: 0.677, amount: 338.55 })],
    };
    const m: Record<string, FieldMeta> = { 'lines[0].unitPrice': meta(0.8) };
    witnessFields(order, [p4], customer, m);
    expect(m['lines[0].unitPrice']!.confidence).toBe(0.9);
  });

  it("off the article's price, or for a mended number, each witness only halves the doubt", () => {
    const order: CanonicalOrder = {
      ...emptyOrder(),
      currency: 'EUR',
      total: 32,
      lines: [line({ lineNo: 1, sku: 'A-1', quantity: 20, unit: 'M', unitPrice: 1.6, amount: 32 })],
    };
    const m: Record<string, FieldMeta> = {
      total: meta(0.8),
      'lines[0].quantity': meta(0.8),
      'lines[0].unitPrice': meta(0.8),
      'lines[0].amount': meta(0.8),
    };
    witnessFields(order, [product], customer, m);
    expect(m['lines[0].unitPrice']!.confidence).toBe(0.9);
    expect(m['lines[0].quantity']!.confidence).toBe(0.95);
    expect(m.total!.confidence).toBe(0.95);

    const atPrice = { ...order, total: 30, lines: [{ ...order.lines[0]!, unitPrice: 1.5, amount: 30 }] };
    const n: Record<string, FieldMeta> = {
      total: meta(0.8),
      'lines[0].quantity': meta(0.7),
      'lines[0].unitPrice': meta(0.8),
      'lines[0].amount': meta(0.8),
    };
    witnessFields(atPrice, [product], customer, n, new Set(['lines[0].quantity']));
    // The mended quantity: arithmetic and total, 0.7 -> 0.85 -> 0.925. The total adds the amount
    // as printed, which no mending touched: it is settled.
    expect(n['lines[0].quantity']!.confidence).toBe(0.925);
    expect(n.total!.confidence).toBe(0.95);

    // A mended amount is in the sum: the total agrees with it by construction, and is not settled.
    const o: Record<string, FieldMeta> = { ...n, total: meta(0.8), 'lines[0].amount': meta(0.7) };
    witnessFields(atPrice, [product], customer, o, new Set(['lines[0].amount']));
    expect(o.total!.confidence).toBe(0.9);
    // Without a printed amount, the quantity and price are what is added.
    const bare = { ...atPrice, lines: [{ ...atPrice.lines[0]!, amount: null }] };
    const q: Record<string, FieldMeta> = { ...n, total: meta(0.8) };
    witnessFields(bare, [product], customer, q, new Set(['lines[0].unitPrice']));
    expect(q.total!.confidence).toBe(0.9);
  });

  it('raises nothing that disagrees', () => {
    const order: CanonicalOrder = {
      ...emptyOrder(),
      currency: 'USD',
      total: 31,
      lines: [line({ lineNo: 1, sku: 'A-1', quantity: 28, unit: 'CJ', unitPrice: 1.5, amount: 30 })],
    };
    const m: Record<string, FieldMeta> = {
      total: meta(0.8),
      currency: meta(0.5),
      'lines[0].quantity': meta(0.8),
      'lines[0].unit': meta(0.6),
    };
    expect(witnessFields(order, [product], customer, m).size).toBe(0);
    expect(m.total!.confidence).toBe(0.8);
    expect(m['lines[0].quantity']!.confidence).toBe(0.8);
    expect(m.currency!.confidence).toBe(0.5);
  });
});

describe('poNumberByShape', () => {
  const earlier = ['RB26/0101', 'RB26/0150', 'RB26/0199'];
  const cand = (...values: string[]) => values.map((value) => ({ value, meta: meta(0.7) }));

  it("takes the one unlabelled code of the customer's PO shape", () => {
    const o = emptyOrder();
    const m: Record<string, FieldMeta> = {};
    const [f] = poNumberByShape(o, m, cand('B36704153', 'RB26/0319', 'MUL-40161'), earlier);
    expect(o.poNumber).toBe('RB26/0319');
    expect(m.poNumber!.confidence).toBe(0.7);
    expect(f?.severity).toBe('warning');
  });

  it('takes none when two codes fit, when the shape is only digits, or when a PO was read', () => {
    const two = emptyOrder();
    expect(poNumberByShape(two, {}, cand('RB26/0319', 'RB26/0320'), earlier)).toEqual([]);
    expect(two.poNumber).toBeNull();
    const digits = emptyOrder();
    expect(poNumberByShape(digits, {}, cand('4500123'), ['4500001', '4500002', '4500003'])).toEqual([]);
    expect(digits.poNumber).toBeNull();
    const read = { ...emptyOrder(), poNumber: 'X-1' };
    expect(poNumberByShape(read, {}, cand('RB26/0319'), earlier)).toEqual([]);
    expect(read.poNumber).toBe('X-1');
  });
});
