import { describe, expect, it } from 'vitest';
import { extractOrders } from './index.ts';
import { normalise } from './layout.ts';
import { at, page } from './testing.ts';

/** What a fax does to a header, as seen in the evaluation set's OCR output. */
describe('OCR noise around the PO number', () => {
  it('reads the OCR variants of "Nº" as "no"', () => {
    for (const label of [
      'Pedido nº',
      'Pedido N.º',
      'Pedido n?2:',
      'Pedido N*',
      'Pedido n2',
      'Ns de pedido',
    ]) {
      expect(normalise(label)).toMatch(/\bno\b/);
    }
    expect(normalise('Nombre')).toBe('nombre');
  });

  const order = (poLine: string) =>
    extractOrders([
      page([
        at([0, 'Ferreteria Lopez SL'], [40, 'PEDIDO']),
        poLine,
        at([40, 'Fecha:'], [58, '20/11/2026']),
        '',
        at([0, 'Ref.'], [10, 'Descripción'], [40, 'Cantidad'], [52, 'Precio'], [62, 'Importe']),
        at([0, '4711'], [10, 'Tornillo M8x40'], [40, '200'], [52, '0,12'], [62, '24,00']),
        at([40, 'Total pedido:'], [62, '24,00']),
      ]),
    ]);

  it('skips a speck read as a word of its own before the number', () => {
    const out = order(at([40, 'Pedido n?2:'], [52, '.'], [54, 'FL-2026-1003']));
    expect(out.kind === 'orders' && out.orders[0]!.order.poNumber).toBe('FL-2026-1003');
  });

  it('strips specks glued to either end of the number', () => {
    const out = order(at([40, 'Pedido nº:'], [52, '-FL-2026-1003-']));
    expect(out.kind === 'orders' && out.orders[0]!.order.poNumber).toBe('FL-2026-1003');
  });
});

describe('a price whose decimal mark OCR dropped', () => {
  it('is repaired from quantity and amount, and left for a person to confirm', () => {
    const out = extractOrders([
      page([
        at([0, 'Hardware Imports Ltd'], [40, 'PURCHASE ORDER']),
        at([40, 'PO number:'], [52, 'HWI-1016']),
        '',
        at([0, 'SKU'], [14, 'Description'], [40, 'Qty'], [50, 'Unit price'], [62, 'Amount']),
        at([0, 'MAR-CAR-500'], [14, 'Claw hammer'], [40, '2'], [50, '840'], [62, '16.80']),
      ]),
    ]);
    if (out.kind !== 'orders') throw new Error('no order');
    const [o] = out.orders;
    expect(o!.order.lines[0]).toMatchObject({ quantity: 2, unitPrice: 8.4, amount: 16.8 });
    expect(o!.fieldMeta['lines[0].unitPrice']!.confidence).toBeLessThan(0.8);
    expect(o!.findings.some((f) => f.code === 'low_confidence' && f.field === 'lines[0].unitPrice')).toBe(
      true,
    );
  });
});
