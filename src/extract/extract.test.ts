import { describe, expect, it } from 'vitest';
import type { ExtractedOrder, ExtractOutcome } from '../domain/extraction.ts';
import { extractOrders, GENERIC_CAP } from './index.ts';

import { englishOrder, invoiceLetter, spanishOrder, twoPageOrder } from './samples.ts';
import { boxAt, page } from './testing.ts';

function only(outcome: ExtractOutcome): ExtractedOrder {
  if (outcome.kind !== 'orders') throw new Error(`rejected: ${JSON.stringify(outcome.findings)}`);
  expect(outcome.orders).toHaveLength(1);
  return outcome.orders[0]!;
}

const line = (lineNo: number, fields: Record<string, unknown>) => ({
  lineNo,
  sku: null,
  customerRef: null,
  gtin: null,
  description: null,
  quantity: null,
  unit: null,
  unitPrice: null,
  amount: null,
  ...fields,
});

describe('extractOrders: generic extractor', () => {
  it('reads a Spanish order with EU numbers and a wrapped description', () => {
    const lines = spanishOrder();
    const x = only(extractOrders([page(lines)]));
    expect(x.order).toEqual({
      customer: { id: null, name: 'FERRETERIA LOPEZ S.L.', taxId: 'B12345678' },
      poNumber: 'FL-2026-0042',
      orderDate: '2026-11-20',
      deliveryDate: '2026-11-27',
      currency: 'EUR',
      shipTo: null,
      lines: [
        line(1, {
          customerRef: '4711',
          description: 'Tornillo M8x40 zincado',
          quantity: 200,
          unitPrice: 0.12,
          amount: 24,
        }),
        line(2, {
          customerRef: '4712',
          description: 'Tuerca hexagonal M8 DIN acero galvanizado',
          quantity: 1000,
          unitPrice: 0.05,
          amount: 50,
        }),
        line(3, {
          customerRef: '8412345678905',
          gtin: '8412345678905',
          description: 'Arandela plana M8',
          quantity: 500,
          unitPrice: 0.02,
          amount: 10,
        }),
      ],
      total: 84,
      notes: null,
    });
    expect(x.evidence).toMatchObject({
      partyIds: [],
      taxId: 'B12345678',
      name: 'FERRETERIA LOPEZ S.L.',
      email: 'pedidos@ferreterialopez.es',
      fax: '912345679',
    });
    expect(x.findings).toEqual([]);
    // Every witness agrees (PO under its label, dates, each line's arithmetic, lines = total):
    // no template is needed, the cap is lifted and the weakest reading (the currency sign) decides.
    expect(x.confidenceCap).toBe(1);
    expect(x.confidence).toBe(0.9);
    expect(x.fieldMeta['poNumber']).toEqual({ confidence: 1, source: boxAt(lines, 7, 'FL-2026-0042') });
    expect(x.fieldMeta['orderDate']?.source).toEqual(boxAt(lines, 7, '20/11/2026'));
    expect(x.fieldMeta['deliveryDate']?.source).toEqual(boxAt(lines, 8, '27 de noviembre de 2026'));
    expect(x.fieldMeta['total']?.source).toEqual(boxAt(lines, 16, '84,00'));
    expect(x.fieldMeta['customer.taxId']?.source).toEqual(boxAt(lines, 2, 'B12345678'));
    expect(x.fieldMeta['lines[0].quantity']?.source).toEqual(boxAt(lines, 11, '200'));
    expect(x.fieldMeta['lines[2].amount']?.source).toEqual(boxAt(lines, 14, '10,00'));
    const wrapped = x.fieldMeta['lines[1].description']?.source;
    const top = boxAt(lines, 12, 'Tuerca hexagonal M8 DIN');
    expect(wrapped).toEqual({ ...top, w: 'Tuerca hexagonal M8 DIN'.length * 10, h: 30 + 20 });
    expect(x.sourceText).toContain('Pedido nº: FL-2026-0042 Fecha: 20/11/2026');
  });

  it('reads an English order with US numbers and month-first dates', () => {
    const lines = englishOrder();
    const x = only(extractOrders([page(lines)], { hints: { email: 'buyer@acme.example', fax: null } }));
    expect(x.order.poNumber).toBe('4500012345');
    expect(x.order.orderDate).toBe('2026-11-20');
    expect(x.order.deliveryDate).toBe('2026-12-04');
    expect(x.order.currency).toBe('USD');
    expect(x.order.customer).toEqual({ id: null, name: 'ACME SUPPLY INC', taxId: 'GB987654321' });
    expect(x.order.lines).toEqual([
      line(1, {
        customerRef: 'A-100',
        description: 'Widget large',
        quantity: 1200,
        unitPrice: 1.25,
        amount: 1500,
      }),
      line(2, { customerRef: 'A-200', description: 'Gadget', quantity: 3, unitPrice: 10.5, amount: 31.5 }),
    ]);
    expect(x.order.total).toBe(1531.5);
    expect(x.evidence.email).toBe('buyer@acme.example');
    expect(x.fieldMeta['lines[0].amount']?.source).toEqual(boxAt(lines, 8, '$1,500.00'));
    expect(x.findings).toEqual([]);
  });

  it.each([true, false])('follows the table onto page 2 (header repeated: %s)', (repeat) => {
    const [one, two] = twoPageOrder(repeat);
    const x = only(extractOrders([page(one), page(two, { number: 2 })]));
    expect(x.order.poNumber).toBe('7788');
    expect(x.order.orderDate).toBe('2026-12-02');
    expect(x.order.lines.map((l) => [l.customerRef, l.quantity, l.amount])).toEqual([
      ['4711', 200, 24],
      ['4712', 1000, 50],
      ['4713', 500, 10],
      ['5001', 1500, 15],
    ]);
    expect(x.order.total).toBe(99);
    expect(x.fieldMeta['lines[3].quantity']?.source).toEqual(boxAt(two, repeat ? 4 : 3, '1.500', 2));
    expect(x.fieldMeta['total']?.source).toMatchObject({ page: 2 });
  });

  it('rejects a letter that holds no order', () => {
    const outcome = extractOrders([page(invoiceLetter())]);
    expect(outcome.kind).toBe('rejected');
    expect(outcome.findings).toHaveLength(1);
    expect(outcome.findings[0]).toMatchObject({ code: 'not_an_order', severity: 'error', field: null });
    expect(outcome.findings[0]!.message).toMatch(/^no purchase order found: /);
  });

  it('rejects a page with no words as unreadable', () => {
    const outcome = extractOrders([page([])]);
    expect(outcome).toMatchObject({ kind: 'rejected', findings: [{ code: 'unreadable_document' }] });
  });

  it('flags an uncertain OCR reading of a quantity and lowers the order confidence', () => {
    const lines = spanishOrder();
    const noisy = page(lines, { confidence: (text, i) => (i === 11 && text === '200' ? 0.55 : 0.97) });
    const x = only(extractOrders([noisy]));
    expect(x.order.lines[0]!.quantity).toBe(200);
    const meta = x.fieldMeta['lines[0].quantity']!;
    expect(meta.confidence).toBeLessThan(0.8);
    expect(meta.source).toEqual(boxAt(lines, 11, '200'));
    expect(x.findings).toEqual([
      {
        code: 'low_confidence',
        severity: 'warning',
        field: 'lines[0].quantity',
        message: expect.stringContaining('"200"'),
      },
    ]);
    expect(x.confidence).toBe(meta.confidence);
    expect(x.confidence).toBeLessThan(0.8);
  });

  it('raises confidence when the arithmetic agrees', () => {
    const x = only(extractOrders([page(spanishOrder())], {}));
    const noisy = only(extractOrders([page(spanishOrder(), { confidence: () => 0.9 })]));
    expect(x.fieldMeta['lines[0].amount']?.confidence).toBe(1);
    // 0.9 raised twice (q x p = amount, then the sum = total) is above the OCR's own 0.9.
    expect(noisy.fieldMeta['lines[0].amount']?.confidence).toBeGreaterThan(0.9);
    expect(noisy.fieldMeta['poNumber']?.confidence).toBe(0.9);
  });

  it('lowers confidence when amounts do not add up', () => {
    const x = only(extractOrders([page(spanishOrder({ total: '90,00' }))]));
    expect(x.order.total).toBe(90);
    expect(x.fieldMeta['total']!.confidence).toBeLessThan(0.8);
    expect(x.findings.map((f) => f.field)).toEqual(['total']);
    expect(x.confidence).toBeLessThan(0.8);
    // Without a template, an order whose own witnesses disagree stays capped: a person looks.
    expect(x.confidenceCap).toBe(GENERIC_CAP);

    const y = only(extractOrders([page(spanishOrder({ amount1: '25,00', total: '85,00' }))]));
    expect(y.order.lines[0]!.amount).toBe(25);
    expect(y.fieldMeta['lines[0].amount']!.confidence).toBeLessThan(0.8);
    expect(y.findings.map((f) => f.field)).toEqual([
      'lines[0].quantity',
      'lines[0].unitPrice',
      'lines[0].amount',
    ]);
  });

  it('never invents a value: absent fields stay null', () => {
    const lines = ['Pedido nº: 123', '', 'Código  Descripción   Cantidad', '  X1   Cosa           4'];
    const x = only(extractOrders([page(lines)]));
    expect(x.order.poNumber).toBe('123');
    expect(x.order.orderDate).toBeNull();
    expect(x.order.currency).toBeNull();
    expect(x.order.total).toBeNull();
    expect(x.order.customer).toEqual({ id: null, name: null, taxId: null });
    expect(x.order.lines).toEqual([line(1, { customerRef: 'X1', description: 'Cosa', quantity: 4 })]);
  });
});
