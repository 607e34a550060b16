import { describe, expect, it } from 'vitest';
import type { ExtractedOrder, ExtractOutcome } from '../domain/extraction.ts';
import { extractOrders, groupLines, toTemplate } from './index.ts';
import { spanishOrder } from './samples.ts';
import { at, boxAt, page } from './testing.ts';

function only(outcome: ExtractOutcome): ExtractedOrder {
  if (outcome.kind !== 'orders') throw new Error(`rejected: ${JSON.stringify(outcome.findings)}`);
  return outcome.orders[0]!;
}

const C = { ref: 0, desc: 8, qty: 30, price: 42, amount: 52 };
const row = (...v: string[]) =>
  at(...(Object.values(C).map((c, i) => [c, v[i] ?? '']) as [number, string][]));

describe('OCR noise', () => {
  it('ignores specks, reads "N*" as "Nº" and strips dashes stuck to a number', () => {
    const lines = [
      'Pedido n*: .. FL-1',
      '',
      row('Ref.', 'Descripción', 'Cantidad', 'Precio', 'Importe'),
      row('4712.', 'Tuerca M8 -—', '--300 :', '0,05', '15,00'),
      row('“4713', 'Arandela | M8', '20', '0,10', '2,00'),
    ];
    const x = only(extractOrders([page(lines)]));
    expect(x.order.poNumber).toBe('FL-1');
    expect(
      x.order.lines.map((l) => [l.customerRef, l.description, l.quantity, l.unitPrice, l.amount]),
    ).toEqual([
      ['4712', 'Tuerca M8', 300, 0.05, 15],
      ['4713', 'Arandela M8', 20, 0.1, 2],
    ]);
    // The box is the word as OCR drew it, specks included.
    expect(x.fieldMeta['lines[0].quantity']?.source).toEqual(boxAt(lines, 3, '--300'));
  });

  it('keeps a row whose quantity was not read, with the quantity null and the order doubted', () => {
    const lines = [
      'Pedido nº: 3',
      '',
      row('Ref.', 'Descripción', 'Cantidad', 'Precio', 'Importe'),
      row('4711', 'Tornillo', '', '0,12', '24,00'),
    ];
    const x = only(extractOrders([page(lines)]));
    expect(x.order.lines).toEqual([
      expect.objectContaining({ customerRef: '4711', quantity: null, unitPrice: 0.12, amount: 24 }),
    ]);
    expect(x.confidence).toBe(0.5);
  });

  it('keeps the words of a slightly skewed line together', () => {
    const lines = [at([0, 'CIF: B12345678'], [90, 'Fecha: 20/11/2026']), 'Pedido nº: 5'];
    const p = page(lines);
    // 0.6 degrees: the right end of the first line sits 10 px lower than its left end.
    p.words = p.words.map((w) => ({ ...w, y: w.y + Math.round((w.x - 50) * 0.01) }));
    expect(groupLines([p]).map((l) => l.text)).toEqual(['CIF: B12345678 Fecha: 20/11/2026', 'Pedido nº: 5']);
    expect(only(extractOrders([p])).order.orderDate).toBe('2026-11-20');
  });

  it('reports an uncertain description as info when a code identifies the line', () => {
    const lines = spanishOrder();
    const p = page(lines, { confidence: (t) => (t === 'zincado' ? 0.4 : 1) });
    const x = only(extractOrders([p]));
    expect(x.findings).toEqual([
      expect.objectContaining({ code: 'low_confidence', severity: 'info', field: 'lines[0].description' }),
    ]);
    expect(x.confidence).toBe(0.85);
  });
});

describe('templates that no longer fit', () => {
  it('falls back to the generic table when the template header is not found', () => {
    const { template } = toTemplate(
      { customer: 'C042', match: { taxId: 'B12345678' }, table: { header: ['Referencia', 'Unidades'] } },
      'old.yaml',
    );
    const x = only(extractOrders([page(spanishOrder())], { templates: [template!] }));
    expect(x.order.customer.id).toBe('C042');
    expect(x.order.lines).toHaveLength(3);
  });
});
