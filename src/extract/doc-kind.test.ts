/**
 * Documents that quote an order but are not one (invoices, quotations, delivery notes, order
 * confirmations) are recognised by their title; orders that print such words elsewhere are not.
 */
import { describe, expect, it } from 'vitest';
import { titleNumber } from './doc-kind.ts';
import { extractOrders } from './index.ts';
import { groupLines } from './layout.ts';
import { at, page } from './testing.ts';

const table = [
  at([0, 'Code'], [12, 'Description'], [44, 'Qty'], [52, 'Price'], [62, 'Amount']),
  at([0, 'AB-100'], [12, 'Cable 3x1.5'], [45, '10'], [52, '12.00'], [62, '120.00']),
  at([44, 'Total'], [62, '120.00']),
];

function outcome(lines: string[]) {
  return extractOrders([page(lines)]);
}

describe('documents titled as something else than an order', () => {
  it.each([
    ['INVOICE', 'invoice'],
    ['Factura nº 2026/0153', 'invoice'],
    ['RECHNUNG Nr. 4711', 'invoice'],
    ['Presupuesto', 'quotation'],
    ['Lieferschein', 'delivery note'],
    ['Order Confirmation', 'order confirmation'],
    ['Nota di credito 12', 'credit note'],
  ])(
    'rejects a document titled "%s" as not an order (%s), though it quotes an order number',
    (title, kind) => {
      const o = outcome(['Acme Supplies Ltd', title, at([0, 'Order No.'], [20, '4500123']), '', ...table]);
      expect(o.kind).toBe('rejected');
      expect(o.findings[0]?.code).toBe('not_an_order');
      expect(o.findings[0]?.message).toContain(kind);
    },
  );

  it.each([
    ['PURCHASE ORDER', 'Invoice address'],
    ['Pedido', 'Factura a: Calle Mayor 1'],
    ['Bestellung Nr. 88', 'Rechnungsanschrift'],
    ['Orden de compra nº 77', 'FACTURA'],
  ])('reads an order titled "%s" that also prints "%s"', (title, other) => {
    const o = outcome(['Customer SL', title, other, at([0, 'Order No.'], [20, '4500123']), '', ...table]);
    expect(o.kind).toBe('orders');
  });

  it('takes "Quote: 55" on an order as the label of the quotation it follows, not a title', () => {
    const o = outcome(['Customer SL', 'Quote: 55', at([0, 'PO number'], [20, 'PO-9']), '', ...table]);
    expect(o.kind).toBe('orders');
  });

  it('does not take a word inside a block for a title', () => {
    const o = outcome([
      at([0, 'Customer SL'], [40, 'Invoice'], [50, 'to head office']),
      at([0, 'PO number'], [20, 'PO-9']),
      '',
      ...table,
    ]);
    expect(o.kind).toBe('orders');
  });
});

describe('the number printed with an order title', () => {
  const po = (lines: string[]) => {
    const o = outcome(lines);
    if (o.kind !== 'orders') throw new Error(`expected an order, got ${o.kind}`);
    return o.orders[0]!.order.poNumber;
  };

  it('reads the number under a title after a number sign whose º OCR lost', () => {
    expect(po(['Canalizações SA', 'ENCOMENDA A FORNECEDOR', 'N. ENC-11875', '', ...table])).toBe('ENC-11875');
  });

  it('reads the number beside the title', () => {
    expect(po(['Acme Inc', 'PURCHASE ORDER # 4500123', '', ...table])).toBe('4500123');
  });

  it('takes no code under a title without a number sign, nor under a word that shares its line', () => {
    expect(po(['Acme Inc', 'ENCOMENDA A FORNECEDOR', 'AB-100 is what we need', '', ...table])).toBeNull();
    // (A label's value under it is the header reader's business; the title rule stays out of it.)
    expect(titleNumber(groupLines([page([at([0, 'Order'], [30, 'Ship to']), '# AB-100'])]))).toBeNull();
  });
});
