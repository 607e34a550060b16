import { describe, expect, it } from 'vitest';
import { findLabels } from './header.ts';
import { groupLines } from './layout.ts';
import { validGtin } from './rows.ts';
import { at, page } from './testing.ts';
import { HEADER_LABELS, isTableEnd, matchLabel } from './vocab.ts';

const words = (text: string) => page([text]).words;

describe('matchLabel', () => {
  it.each([
    ['Pedido nº: PO-1', 'poNumber', 2, true],
    ['N.º pedido 4500', 'poNumber', 2, true],
    ['Número de pedido : 77', 'poNumber', 4, true],
    ['Nº de pedido 77', 'poNumber', 3, true],
    ['Orden de compra 77', 'poNumber', 3, true],
    ['PO number: 77', 'poNumber', 2, true],
    ['Order no. 77', 'poNumber', 2, true],
    ['Pedido: 77', 'poNumber', 1, true],
    ['Fecha de entrega: 1/1/26', 'deliveryDate', 3, true],
    ['Fecha: 1/1/26', 'orderDate', 1, true],
    ['Required by: 1/1/26', 'deliveryDate', 2, true],
    ['Importe total 12,00', 'total', 2, true],
    ['Total EUR: 12,00', 'total', 2, true],
    ['Base imponible: 10', 'subtotal', 2, true],
    ['Fecha de entrga: 1/1/26', 'deliveryDate', 3, false],
    // One letter off is an OCR slip or a plural: taken, at the fuzzy factor.
    ['Pedldo nº: 3', 'poNumber', 2, false],
    ['Fechas 1/1/26', 'orderDate', 1, false],
  ])('%s -> %s', (text, field, count, exact) => {
    expect(matchLabel(words(text), HEADER_LABELS)).toMatchObject({ field, count, exact });
  });

  it.each(['Pedido 77', 'PEDIDO DE COMPRA', 'PO-2026-0042', 'Totalizador 12', 'Referencia 12'])(
    'finds no label in "%s"',
    (text) => {
      expect(matchLabel(words(text), HEADER_LABELS)).toBeNull();
    },
  );

  it('knows what ends a table', () => {
    expect(isTableEnd(words('Base imponible: 84,00'))).toBe(true);
    expect(isTableEnd(words('Observaciones: por la mañana'))).toBe(true);
    expect(isTableEnd(words('Tornillo total'))).toBe(false);
  });
});

describe('findLabels', () => {
  it('takes the value from the same cell, the next cell, or the cell below', () => {
    const lines = groupLines([
      page([
        at([0, 'Pedido nº: 1'], [20, 'Fecha:'], [30, '2/2/26']),
        at([0, 'Entrega'], [30, 'Cliente']),
        at([0, '3/3/26'], [30, 'ACME SL']),
      ]),
    ]);
    const hits = findLabels(lines, HEADER_LABELS).map((h) => [h.field, h.value.map((w) => w.text).join(' ')]);
    expect(hits).toEqual([
      ['poNumber', '1'],
      ['orderDate', '2/2/26'],
      ['deliveryDate', '3/3/26'],
      ['customerName', 'ACME SL'],
    ]);
  });
});

describe('validGtin', () => {
  it.each([
    ['8412345678905', true],
    ['08412345678905', true],
    ['96385074', true],
    ['036000291452', true],
    ['8412345678904', false],
    ['841234567890', false],
    ['84123456789051', false],
    ['abc', false],
  ])('%s -> %s', (g, ok) => {
    expect(validGtin(g)).toBe(ok);
  });
});
