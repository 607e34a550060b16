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
