import { describe, expect, it } from 'vitest';
import type { CanonicalOrder } from '../domain/order.ts';
import { emptyLine, emptyOrder } from '../domain/order.ts';
import { at, page } from '../extract/testing.ts';
import { learnLayout } from './learn.ts';
import { readWithLayout } from './read.ts';
import { eu, round2 } from './testing-docs.ts';

type Line = [string, string, number, number];

/**
 * Devset P3's form: a left margin of labelled blocks (the dates written out over two rows under
 * their labels, the delivery address) beside the line table, whose rows share the page's rows.
 */
function form(po: string, dates: [string, string, string, string], margin: string[], ls: Line[], gap = 0) {
  const left = ['FECHA DEL PEDIDO', dates[0], dates[1], 'FECHA DE ENTREGA', dates[2], dates[3], ...margin];
  const table = [
    at([0, 'Descripcion'], [30, 'Ref.'], [44, 'Cant.'], [52, 'Precio'], [62, 'Importe']),
    // `gap` empty table rows after the first line: the margin's rows beside them hold no line.
    ...ls.flatMap(([code, text, qty, price], i) => [
      at([0, text], [30, code], [44, String(qty)], [52, eu(price)], [62, eu(round2(qty * price))]),
      ...(i === 0 ? Array<string>(gap).fill('') : []),
    ]),
    at([40, 'TOTAL'], [62, eu(round2(ls.reduce((s, l) => s + l[2] * l[3], 0)))]),
  ];
  const rows: string[] = ['IB CLIMA PEDIDO', at([0, 'N PEDIDO']), at([0, po])];
  // The table starts level with the delivery date's label, its rows beside the margin's.
  for (let i = 0; i < Math.max(left.length, table.length + 3); i++) {
    const l = left[i] ?? '';
    const t = i >= 3 ? (table[i - 3] ?? '') : '';
    rows.push(`${l.padEnd(24)}${t ? `   ${t}` : ''}`.trimEnd());
  }
  return rows;
}

const orderOf = (po: string, orderDate: string, deliveryDate: string, ls: Line[]): CanonicalOrder => ({
  ...emptyOrder(),
  customer: { id: 'C903', name: null, taxId: null },
  poNumber: po,
  orderDate,
  deliveryDate,
  lines: ls.map(([code, text, qty, price], i) => ({
    ...emptyLine(i + 1),
    sku: code,
    description: text,
    quantity: qty,
    unitPrice: price,
  })),
  total: round2(ls.reduce((s, l) => s + l[2] * l[3], 0)),
});

const taughtLines: Line[] = [
  ['CAB-30315', 'Manguera blanca', 150, 0.91],
  ['TUB-90016', 'Tubo corrugado gris', 2, 12.55],
];

describe('a form with a left margin beside its table (devset P3)', () => {
  const taught = form(
    'IBC-26-00231',
    ['viernes, 6 de', 'noviembre de 2026', 'viernes, 13 de', 'noviembre de 2026'],
    // Between the lines: the delivery date's second row and an address with a number.
    ['C/ Gremi de Teixidors, 35'],
    taughtLines,
    2,
  );
  const learned = learnLayout(
    [page(taught)],
    orderOf('IBC-26-00231', '2026-11-06', '2026-11-13', taughtLines),
  );

  it('learns dates written over two rows under their labels, and reads them there', () => {
    expect(learned.missed).toEqual([]);
    expect(learned.model.header.orderDate).toMatchObject({ label: ['fecha', 'del', 'pedido'], wraps: true });
    expect(learned.model.header.deliveryDate).toMatchObject({ where: 'below', wraps: true });
    const next = form(
      'IBC-26-00234',
      ['martes, 10 de', 'noviembre de 2026', 'martes, 17 de', 'noviembre de 2026'],
      [],
      [['PRO-12240', 'Interruptor 2P', 5, 23.56]],
    );
    const read = readWithLayout([page(next)], learned.model);
    expect([read.order.orderDate, read.order.deliveryDate]).toEqual(['2026-11-10', '2026-11-17']);
  });

  it('never drops an order line that shares its row with left-margin text the taught table skipped', () => {
    // The taught table skipped the margin's rows between its lines (their first words are ignored).
    expect(learned.model.ignore).toEqual(expect.arrayContaining(['noviembre', 'gremi']));
    const ls: Line[] = [
      ['PRO-12240', 'Interruptor 2P', 5, 23.56],
      ['CAB-30315', 'Manguera blanca', 200, 0.91],
      ['CSM-93815', 'Abrazadera isofonica', 150, 0.74],
    ];
    // On this order the date's second row stands level with the second line, the address with the third.
    const next = form(
      'IBC-26-00234',
      ['martes, 10 de', 'noviembre de 2026', 'martes, 17 de', 'noviembre de 2026'],
      ['C/ Gremi de Teixidors, 35'],
      ls,
    );
    expect(next.some((r) => r.startsWith('noviembre') && r.includes('CAB-30315'))).toBe(true);
    expect(next.some((r) => r.startsWith('C/ Gremi') && r.includes('CSM-93815'))).toBe(true);
    const read = readWithLayout([page(next)], learned.model);
    expect(read.order.lines.map((l) => [l.sku, l.quantity])).toEqual(ls.map(([code, , qty]) => [code, qty]));
  });
});
