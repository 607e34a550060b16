import { describe, expect, it } from 'vitest';
import type { FieldMeta } from '../domain/extraction.ts';
import { catalogKeys, resolveLine } from './lines.ts';
import { catalog, line, product } from './testing.ts';

const tor = product('TOR-M8-40', { description: 'Tornillo M8x40 zincado', gtin: '08412345678905' });
const tue = product('TUE-M8', { description: 'Tuerca M8 zincada', gtin: '08412345678912' });
const cat = catalog([tor, tue], { '4711': 'TOR-M8-40', '9999': 'GONE-1' });
const box = (y: number): FieldMeta => ({
  confidence: 0.8,
  source: { kind: 'box', page: 1, x: 0, y, w: 1, h: 1 },
});
const ctx = { index: 0, catalog: cat, customerKnown: true, fieldMeta: {} };

describe('catalogKeys', () => {
  it('collects SKUs (as written and upper-cased), GTINs in 14 digits and references', () => {
    expect(catalogKeys([line({ sku: 'tor-m8-40', customerRef: '4711', gtin: '8412345678905' })])).toEqual({
      // A reference is also tried as the supplier's SKU: "Ref." columns often hold ours.
      skus: ['tor-m8-40', 'TOR-M8-40', '4711'],
      gtins: ['08412345678905'],
      refs: ['tor-m8-40', '4711'],
    });
  });
});

describe('resolveLine', () => {
  it('resolves two codes read as one (a customer code column and the EAN beside it) when they name one article', () => {
    const r = resolveLine(line({ customerRef: '4711 8412345678905' }), ctx);
    expect(r.line.sku).toBe('TOR-M8-40');
    const keys = catalogKeys([line({ customerRef: '4711 8412345678905' })]);
    expect(keys.refs).toContain('4711');
    expect(keys.gtins).toContain('08412345678905');
    // Parts that name two different articles name none.
    expect(resolveLine(line({ customerRef: '4711 8412345678912' }), ctx).line.sku).toBeNull();
  });

  it('keeps a known SKU and fills description and unit from the catalog', () => {
    const r = resolveLine(line({ sku: 'TOR-M8-40', quantity: 200 }), ctx);
    expect(r.line).toMatchObject({ sku: 'TOR-M8-40', description: 'Tornillo M8x40 zincado', unit: 'EA' });
    expect(r.findings).toEqual([]);
    expect(r.meta['lines[0].description']).toEqual({ confidence: 1, source: null });
  });

  it('finds the SKU by a GTIN of any length', () => {
    for (const gtin of ['8412345678905', '08412345678905']) {
      const r = resolveLine(line({ gtin, description: 'TORN M8' }), ctx);
      expect(r.line).toMatchObject({ sku: 'TOR-M8-40', gtin: '08412345678905', description: 'TORN M8' });
    }
  });

  it("finds the SKU by the customer's reference, also when written in the SKU slot", () => {
    expect(resolveLine(line({ customerRef: '4711' }), ctx).line.sku).toBe('TOR-M8-40');
    const meta = { 'lines[0].sku': box(5) };
    const r = resolveLine(line({ sku: '4711' }), { ...ctx, fieldMeta: meta });
    expect(r.line).toMatchObject({ sku: 'TOR-M8-40', customerRef: '4711' });
    expect(r.meta['lines[0].customerRef']).toEqual(box(5));
  });

  it('reports an unknown article and keeps what the customer wrote in customerRef', () => {
    const r = resolveLine(line({ sku: 'XYZ-1', gtin: '4006381333931' }), {
      ...ctx,
      fieldMeta: { 'lines[0].sku': box(3) },
    });
    expect(r.line).toMatchObject({ sku: null, customerRef: 'XYZ-1', gtin: '04006381333931' });
    expect(r.findings).toMatchObject([
      {
        code: 'unknown_sku',
        severity: 'error',
        field: 'lines[0].sku',
        message: 'Line 1: no product matches article XYZ-1, GTIN 04006381333931',
      },
    ]);
    expect(r.meta).toEqual({ 'lines[0].customerRef': box(3), 'lines[0].sku': undefined });
  });

  it('names a cross-reference to a SKU missing from the catalog, and a line with nothing to go by', () => {
    expect(resolveLine(line({ customerRef: '9999' }), ctx).findings[0]?.message).toBe(
      'Line 1: no product matches customer reference 9999; the cross-reference points to SKU GONE-1, which is not in the catalog',
    );
    expect(resolveLine(line({ description: 'tornillos varios' }), ctx).findings[0]?.message).toBe(
      'Line 1 gives no article number, customer reference or GTIN (description "tornillos varios")',
    );
    expect(
      resolveLine(line({ customerRef: '4711' }), {
        ...ctx,
        catalog: catalog([tor, tue]),
        customerKnown: false,
      }).findings[0]?.message,
    ).toBe(
      'Line 1: no product matches customer reference 4711; cross-references not checked, customer unknown',
    );
  });

  it('warns about a GTIN with a wrong check digit and does not use it', () => {
    const r = resolveLine(line({ customerRef: '4711', gtin: '8412345678906' }), ctx);
    expect(r.line.sku).toBe('TOR-M8-40');
    expect(r.findings).toMatchObject([
      {
        code: 'low_confidence',
        severity: 'warning',
        field: 'lines[0].gtin',
        message:
          'Line 1: GTIN 8412345678906 has a wrong check digit (8412345678905 would be valid); it was not used to find the article',
      },
    ]);
  });

  it('warns when the SKU and the GTIN name different products', () => {
    const r = resolveLine(line({ sku: 'TOR-M8-40', gtin: '8412345678912' }), ctx);
    expect(r.findings.map((f) => [f.code, f.field])).toEqual([['low_confidence', 'lines[0].sku']]);
  });

  it('takes a GTIN written in the SKU slot', () => {
    expect(resolveLine(line({ sku: '8412345678912' }), ctx).line).toMatchObject({
      sku: 'TUE-M8',
      gtin: '08412345678912',
    });
  });
});
