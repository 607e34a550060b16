import { describe, expect, it } from 'vitest';
import { checkPrice, checkQuantity, checkUnit, historyAnomaly, median } from './line-checks.ts';
import { CONFIG, line, product } from './testing.ts';

const tor = product('TOR-M8-40', { unitPrice: 0.12, packSize: 100, history: [300, 200, 500, 400, 300, 250] });
const ctx = { currency: 'EUR', customerCurrency: 'EUR', tolerance: 0.02 };

describe('checkPrice', () => {
  it("compares with the customer's price, else the list price", () => {
    const own = { ...tor, customerPrice: 0.12, unitPrice: 0.2 };
    expect(checkPrice(line({ sku: 'TOR-M8-40', unitPrice: 0.15 }), 2, own, ctx)).toMatchObject([
      {
        code: 'price_mismatch',
        severity: 'warning',
        field: 'lines[2].unitPrice',
        message:
          "Line 1 (TOR-M8-40): unit price 0.15 differs from the customer's price 0.12 by 25% (tolerance 2%)",
      },
    ]);
    expect(checkPrice(line({ sku: 'TOR-M8-40', unitPrice: 0.11 }), 0, tor, ctx)[0]?.message).toBe(
      'Line 1 (TOR-M8-40): unit price 0.11 differs from the list price 0.12 by 8.3% (tolerance 2%)',
    );
  });

  it('accepts prices within tolerance and a missing price', () => {
    expect(checkPrice(line({ unitPrice: 0.1224 }), 0, tor, ctx)).toEqual([]);
    expect(checkPrice(line({ unitPrice: null }), 0, tor, ctx)).toEqual([]);
  });

  it('does not compare prices in different currencies', () => {
    expect(checkPrice(line({ unitPrice: 0.12 }), 0, tor, { ...ctx, currency: 'GBP' })[0]?.message).toBe(
      'Line 1: unit price 0.12 GBP cannot be compared with the list price 0.12 EUR',
    );
  });
});

describe('checkQuantity', () => {
  const q = (quantity: number, p = tor, unit: string | null = null) =>
    checkQuantity(line({ sku: 'TOR-M8-40', quantity, unit }), 0, p, CONFIG).map(
      (f) => `${f.severity}: ${f.message}`,
    );

  it('passes a usual quantity', () => {
    expect(q(300)).toEqual([]);
  });

  it('refuses zero, negative and fractional pieces', () => {
    expect(q(0)).toEqual(['error: Line 1 (TOR-M8-40): quantity 0 must be greater than 0']);
    expect(q(2.5)).toEqual(['error: Line 1 (TOR-M8-40): quantity 2.5 is not a whole number of EA']);
    expect(checkQuantity(line({ quantity: 2.5, unit: 'KG' }), 0, null, CONFIG)).toEqual([]);
  });

  it('checks min_qty and pack_size', () => {
    expect(q(150)).toEqual([
      'warning: Line 1 (TOR-M8-40): quantity 150 is not a multiple of the pack size 100',
    ]);
    expect(q(10, { ...tor, minQty: 25, packSize: null })).toEqual([
      'warning: Line 1 (TOR-M8-40): quantity 10 is below the minimum order quantity 25',
    ]);
  });

  it("compares with the customer's median quantity", () => {
    expect(q(2000)).toEqual([
      "warning: Line 1 (TOR-M8-40): quantity 2000 is more than 5 times this customer's median of 300 over 6 past orders",
    ]);
    expect(q(1500)).toEqual([]);
    expect(q(20, { ...tor, packSize: null })).toEqual([
      "warning: Line 1 (TOR-M8-40): quantity 20 is less than 1/5 of this customer's median of 300 over 6 past orders",
    ]);
  });

  it('skips the catalog checks when the units differ', () => {
    expect(q(150, tor, 'BOX')).toEqual([]);
    expect(checkUnit(line({ sku: 'TOR-M8-40', unit: 'BOX' }), 0, tor)[0]?.message).toBe(
      'Line 1 (TOR-M8-40): unit BOX differs from the catalog unit EA; quantity and price were not checked',
    );
    expect(checkUnit(line({ unit: 'PCE' }), 0, tor)).toEqual([]);
  });
});

describe('history', () => {
  it('uses the median, so one exceptional order does not move the bar', () => {
    expect(median([300, 200, 100000])).toBe(300);
    expect(median([1, 2, 3, 4])).toBe(2.5);
    expect(historyAnomaly(2000, [300, 300, 100000], CONFIG)).toMatch(/median of 300/);
  });

  it('needs quantityHistoryMin past orders', () => {
    expect(historyAnomaly(100000, [300, 300], CONFIG)).toBeNull();
  });
});
