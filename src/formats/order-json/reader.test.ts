import { describe, expect, it } from 'vitest';
import { customerIdOf, looksLikeOrderJson, readOrderJson } from './read.ts';

const order = {
  customer: { id: 'C042', name: 'Ferreteria Lopez SL', taxId: 'B12345678' },
  poNumber: 'PO-1',
  deliveryDate: '2026-11-27',
  lines: [{ sku: 'TOR-M8-40', quantity: 200, unitPrice: 0.12 }],
};
const buf = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));

describe('web-form JSON reader', () => {
  it('sniffs order JSON by content', () => {
    expect(looksLikeOrderJson(buf(order))).toBe(true);
    expect(looksLikeOrderJson(buf(`\uFEFF  \n${JSON.stringify({ poNumber: 'x' })}`))).toBe(true);
    expect(looksLikeOrderJson(buf({ name: 'package.json' }))).toBe(false);
    expect(looksLikeOrderJson(buf('[{"poNumber":1}]'))).toBe(false);
    expect(looksLikeOrderJson(buf('{"poNumber": '))).toBe(false);
    expect(looksLikeOrderJson(buf("UNA:+.? 'UNB+UNOC:3"))).toBe(false);
  });

  it('reads a valid order with full provenance and without trusting customer.id', () => {
    const out = readOrderJson(buf(order));
    expect(out.kind).toBe('orders');
    if (out.kind !== 'orders') return;
    const [o] = out.orders;
    expect(o!.order.customer).toEqual({ id: null, name: 'Ferreteria Lopez SL', taxId: 'B12345678' });
    expect(o!.order.poNumber).toBe('PO-1');
    expect(o!.order.lines[0]).toMatchObject({
      lineNo: 1,
      sku: 'TOR-M8-40',
      quantity: 200,
      unitPrice: 0.12,
      amount: null,
    });
    expect(o!.confidence).toBe(1);
    expect(o!.findings).toEqual([]);
    expect(o!.rejected).toBeUndefined();
    expect(o!.reference).toBe('PO-1');
    expect(o!.evidence).toEqual({
      partyIds: [],
      taxId: 'B12345678',
      name: 'Ferreteria Lopez SL',
      email: null,
      fax: null,
    });
    expect(o!.fieldMeta['lines[0].quantity']).toEqual({
      confidence: 1,
      source: { kind: 'json', path: 'lines[0].quantity' },
    });
    expect(Object.keys(o!.fieldMeta).sort()).toEqual(
      [
        'customer.name',
        'customer.taxId',
        'deliveryDate',
        'lines[0].quantity',
        'lines[0].sku',
        'lines[0].unitPrice',
        'poNumber',
      ].sort(),
    );
    expect(o!.sourceText).toBe(JSON.stringify(order, null, 2));
  });

  it('rejects invalid JSON as unreadable', () => {
    const out = readOrderJson(buf('{"poNumber": "x",'));
    expect(out.kind).toBe('rejected');
    expect(out.findings).toMatchObject([{ code: 'unreadable_document', severity: 'error', field: null }]);
  });

  it('rejects JSON that is no order', () => {
    expect(readOrderJson(buf({ hello: 'world' })).findings).toMatchObject([{ code: 'not_an_order' }]);
    expect(readOrderJson(buf([1, 2])).kind).toBe('rejected');
  });

  it('salvages a broken order for review, naming each dropped field', () => {
    const broken = {
      poNumber: '',
      deliveryDate: '2026-02-30',
      extra: true,
      lines: [
        { sku: 'A', quantity: -1 },
        { sku: 'B', quantity: 2 },
      ],
    };
    const out = readOrderJson(buf(broken));
    if (out.kind !== 'orders') throw new Error('expected an order');
    const [o] = out.orders;
    expect(o!.rejected).toBeUndefined();
    expect(o!.order).toMatchObject({ poNumber: null, deliveryDate: null });
    expect(o!.order.lines.map((l) => l.quantity)).toEqual([null, 2]);
    expect(o!.findings.map((f) => [f.code, f.severity, f.field])).toEqual([
      ['missing_field', 'warning', 'extra'],
      ['missing_field', 'error', 'poNumber'],
      ['missing_field', 'warning', 'deliveryDate'],
      ['missing_field', 'error', 'lines[0].quantity'],
    ]);
    expect(o!.sourceText).toContain('"extra": true');
  });

  it('marks an order without any usable line as rejected', () => {
    const out = readOrderJson(buf({ poNumber: 'P', lines: [] }));
    if (out.kind !== 'orders') throw new Error('expected an order');
    expect(out.orders[0]!.rejected).toBe(true);
    expect(out.orders[0]!.findings).toMatchObject([
      { code: 'missing_field', severity: 'error', field: 'lines' },
    ]);
  });

  it('gives the customer id the JSON names', () => {
    expect(customerIdOf(buf(order))).toBe('C042');
    expect(customerIdOf(buf({ poNumber: 'x' }))).toBeNull();
    expect(customerIdOf(buf({ customer: { id: 42 } }))).toBeNull();
    expect(customerIdOf(buf('not json'))).toBeNull();
  });
});
