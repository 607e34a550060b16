import { describe, expect, it } from 'vitest';
import type { CanonicalOrder } from '../domain/order.ts';
import { emptyLine, emptyOrder } from '../domain/order.ts';
import { extractOrders } from '../extract/index.ts';
import { at, page } from '../extract/testing.ts';
import { withLearned } from './apply.ts';
import { learnLayout } from './learn.ts';
import type { KnownLayout } from './model.ts';
import { readWithLayout } from './read.ts';
import { eu, round2 } from './testing-docs.ts';

/** Devset P5's table: the quantity and its unit (`un.`) share one cell; the order names no unit. */
const doc = (po: string, rows: Array<[string, string, number, number]>) => [
  'Canalizacoes Norte SA',
  at([0, 'Encomenda'], [20, po]),
  at([0, 'Artigo'], [14, 'Designacao'], [44, 'Qtd.'], [58, 'Preco'], [68, 'Total']),
  ...rows.map(([code, text, qty, price]) =>
    at([0, code], [14, text], [44, `${qty} un.`], [58, eu(price)], [68, eu(round2(qty * price))]),
  ),
  at([40, 'Total geral'], [68, eu(round2(rows.reduce((s, r) => s + r[2] * r[3], 0)))]),
];

const taught = doc('CN-0101', [
  ['A-1', 'Valvula retencao 3/4', 9, 6.2],
  ['A-2', 'Tubo flexivel inox', 20, 2.15],
]);

/** The confirmed order: no unit on its lines (they are in the articles' catalog unit). */
const order: CanonicalOrder = {
  ...emptyOrder(),
  customer: { id: 'C905', name: null, taxId: null },
  poNumber: 'CN-0101',
  lines: [
    {
      ...emptyLine(1),
      customerRef: 'A-1',
      sku: 'S1',
      description: 'Valvula retencao 3/4',
      quantity: 9,
      unitPrice: 6.2,
    },
    {
      ...emptyLine(2),
      customerRef: 'A-2',
      sku: 'S2',
      description: 'Tubo flexivel inox',
      quantity: 20,
      unitPrice: 2.15,
    },
  ],
  total: 98.8,
};

describe('a unit word the confirmed order stands for', () => {
  it("learns the word printed for a line that names no unit where it is the article's catalog unit", () => {
    const codes = (unit: string) => [
      { refs: [], gtins: [], unit },
      { refs: [], gtins: [], unit },
    ];
    expect(learnLayout([page(taught)], order, codes('EA')).model.table?.units).toEqual([
      { printed: 'un', unit: 'EA' },
    ]);
    // A word that is not the catalog unit (`un.` for articles sold by the kilo) is not learned as it.
    expect(learnLayout([page(taught)], order, codes('KG')).model.table?.units).toBeUndefined();
    expect(learnLayout([page(taught)], order).model.table?.units).toBeUndefined();
  });

  it("is a second witness of the line's unit on the next document of the layout, which OCR read with doubt", async () => {
    const learned = learnLayout([page(taught)], order, [
      { refs: [], gtins: [], unit: 'EA' },
      { refs: [], gtins: [], unit: 'EA' },
    ]);
    const layout: KnownLayout = {
      id: 1,
      customerId: 'C905',
      fingerprint: learned.fingerprint,
      model: learned.model,
      documentId: 6,
    };
    const next = doc('CN-0102', [
      ['A-1', 'Valvula retencao 3/4', 10, 5.25],
      ['A-3', 'Curva PVC 90 mm', 40, 1.65],
    ]);
    // The fax blurred the first line's `un.`.
    const pages = [page(next, { confidence: (text, line) => (text === 'un.' && line === 3 ? 0.62 : 1) })];
    const outcome = await withLearned(extractOrders(pages), pages, [layout]);
    if (outcome.kind !== 'orders') throw new Error('rejected');
    const o = outcome.orders[0]!;
    expect(o.order.lines.map((l) => [l.quantity, l.unit])).toEqual([
      [10, 'EA'],
      [40, 'EA'],
    ]);
    // Raised halfway to 1, as any witness raises a field; master data's check of the unit comes after.
    expect(o.fieldMeta['lines[0].unit']?.confidence).toBe(0.81);
    expect(o.fieldMeta['lines[1].unit']?.confidence).toBe(1);
    expect(
      o.findings.some((f) => f.field === 'lines[0].unit' && f.message.includes('confirmed (0.81)')),
    ).toBe(true);
    // A layout that did not learn the word witnesses nothing: the unit keeps OCR's doubt.
    const untaught = { ...layout, model: learnLayout([page(taught)], order).model };
    const plain = await withLearned(extractOrders(pages), pages, [untaught]);
    if (plain.kind !== 'orders') throw new Error('rejected');
    expect(plain.orders[0]!.fieldMeta['lines[0].unit']?.confidence ?? 0).toBeLessThan(0.7);
  });

  it('reads a quantity OCR glued to its unit (`7un.`), in whichever of the two columns it stands', () => {
    const learned = learnLayout([page(taught)], order, [
      { refs: [], gtins: [], unit: 'EA' },
      { refs: [], gtins: [], unit: 'EA' },
    ]);
    const next = doc('CN-0103', [
      ['A-1', 'Valvula retencao 3/4', 30, 5.25],
      ['A-3', 'Curva PVC 90 mm', 40, 1.65],
    ]).map((r) => r.replace('40 un.', '  7un.'));
    const read = readWithLayout([page(next)], learned.model);
    expect(read.order.lines.map((l) => [l.customerRef, l.quantity, l.unit])).toEqual([
      ['A-1', 30, 'EA'],
      ['A-3', 7, 'EA'],
    ]);
    // Printed where the quantities stand, it gives the unit too.
    const left = next.map((r) => r.replace('  7un.', '7un.'));
    expect(readWithLayout([page(left)], learned.model).order.lines.map((l) => [l.quantity, l.unit])).toEqual([
      [30, 'EA'],
      [7, 'EA'],
    ]);
  });
});
