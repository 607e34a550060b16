import { describe, expect, it } from 'vitest';
import { canonicalPath, validateOrderInput } from './schema.ts';

const valid = () => ({
  customer: { id: 'C042', name: 'Ferreteria Lopez SL', taxId: 'B12345678' },
  poNumber: 'PO-2026-0042',
  orderDate: '2026-11-20',
  deliveryDate: '2026-11-27',
  currency: 'EUR',
  shipTo: { name: 'Almacen Norte', street: 'C/ Mayor 1', postalCode: '28001', city: 'Madrid', country: 'ES' },
  lines: [
    {
      lineNo: 1,
      sku: 'TOR-M8-40',
      customerRef: '4711',
      gtin: '08412345678905',
      description: 'Tornillo M8x40 zincado',
      quantity: 200,
      unit: 'EA',
      unitPrice: 0.12,
      amount: 24.0,
    },
  ],
  total: 24.0,
  notes: null,
});

function errorsOf(value: unknown) {
  const r = validateOrderInput(value);
  if (r.ok) throw new Error('expected errors');
  return r.errors;
}

describe('validateOrderInput', () => {
  it('accepts the contract example unchanged', () => {
    const r = validateOrderInput(valid());
    expect(r).toEqual({ ok: true, order: valid() });
  });

  it('fills absent optional fields with null and numbers lines', () => {
    const r = validateOrderInput({
      poNumber: 'P1',
      lines: [
        { sku: 'A', quantity: 1 },
        { gtin: '12345678', quantity: 2.5 },
      ],
    });
    expect(r.ok && r.order).toEqual({
      customer: { id: null, name: null, taxId: null },
      poNumber: 'P1',
      orderDate: null,
      deliveryDate: null,
      currency: null,
      shipTo: null,
      lines: [
        {
          lineNo: 1,
          sku: 'A',
          customerRef: null,
          gtin: null,
          description: null,
          quantity: 1,
          unit: null,
          unitPrice: null,
          amount: null,
        },
        {
          lineNo: 2,
          sku: null,
          customerRef: null,
          gtin: '12345678',
          description: null,
          quantity: 2.5,
          unit: null,
          unitPrice: null,
          amount: null,
        },
      ],
      total: null,
      notes: null,
    });
  });

  it('names the field of a bad quantity in canonical path form', () => {
    const o = valid();
    o.lines[0]!.quantity = 0;
    expect(errorsOf(o)).toEqual([{ field: 'lines[0].quantity', message: 'must be a number greater than 0' }]);
  });

  it('refuses numbers written as strings', () => {
    const o = { ...valid(), total: '24,00', lines: [{ sku: 'A', quantity: '5' }] };
    expect(errorsOf(o)).toEqual([
      { field: 'lines[0].quantity', message: 'must be a number' },
      { field: 'total', message: 'must be a number or null' },
    ]);
  });

  it('names unknown properties', () => {
    const o = { ...valid(), delivery_date: '2026-01-01', lines: [{ sku: 'A', quantity: 1, price: 3 }] };
    expect(errorsOf(o)).toEqual([
      { field: 'delivery_date', message: 'is not a known field' },
      { field: 'lines[0].price', message: 'is not a known field' },
    ]);
  });

  it('requires poNumber and a non-empty list of lines', () => {
    expect(errorsOf({ lines: [] })).toEqual([
      { field: 'poNumber', message: 'is required' },
      { field: 'lines', message: 'must have at least one line' },
    ]);
    expect(errorsOf({ poNumber: '  ', lines: [{ sku: 'A', quantity: 1 }] })).toEqual([
      { field: 'poNumber', message: 'must not be empty' },
    ]);
  });

  it('requires an article identifier and a quantity on each line', () => {
    expect(
      errorsOf({ poNumber: 'P', lines: [{ description: 'tornillos', quantity: 3 }, { sku: 'X' }] }),
    ).toEqual([
      { field: 'lines[0]', message: 'needs at least one of sku, customerRef or gtin' },
      { field: 'lines[1].quantity', message: 'is required' },
    ]);
  });

  it('accepts only real calendar dates', () => {
    expect(errorsOf({ ...valid(), orderDate: '2026-02-30', deliveryDate: '27/11/2026' })).toEqual([
      { field: 'orderDate', message: 'must be a real calendar date written YYYY-MM-DD' },
      { field: 'deliveryDate', message: 'must be a real calendar date written YYYY-MM-DD' },
    ]);
    expect(validateOrderInput({ ...valid(), orderDate: '2028-02-29' }).ok).toBe(true);
  });

  it('limits text lengths and the number of lines', () => {
    const lines = Array.from({ length: 1001 }, () => ({ sku: 'A', quantity: 1 }));
    expect(errorsOf({ ...valid(), notes: 'x'.repeat(2001), lines })).toEqual([
      { field: 'lines', message: 'must have at most 1000 lines' },
      { field: 'notes', message: 'must be at most 2000 characters' },
    ]);
    expect(errorsOf({ ...valid(), poNumber: 'x'.repeat(201) })).toEqual([
      { field: 'poNumber', message: 'must be at most 200 characters' },
    ]);
  });

  it('refuses repeated line numbers', () => {
    const lines = [
      { lineNo: 1, sku: 'A', quantity: 1 },
      { lineNo: 1, sku: 'B', quantity: 1 },
    ];
    expect(errorsOf({ poNumber: 'P', lines })).toEqual([
      { field: 'lines[1].lineNo', message: 'repeats line number 1' },
    ]);
  });

  it('refuses wrong types of whole parts', () => {
    expect(errorsOf([1, 2])).toEqual([{ field: 'order', message: 'must be an object' }]);
    expect(errorsOf({ ...valid(), shipTo: 'Madrid', customer: { id: 42 } })).toEqual([
      { field: 'customer.id', message: 'must be a text or null' },
      { field: 'shipTo', message: 'must be an object or null' },
    ]);
  });

  it('converts JSON pointers to canonical paths', () => {
    expect(canonicalPath('/lines/2/quantity')).toBe('lines[2].quantity');
    expect(canonicalPath('')).toBe('');
    expect(canonicalPath('/shipTo/city')).toBe('shipTo.city');
  });
});
