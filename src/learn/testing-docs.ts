/** Documents of a layout the generic reader's vocabulary does not know, for the learner's unit tests. */
import type { CanonicalOrder, OrderLine } from '../domain/order.ts';
import { emptyLine, emptyOrder } from '../domain/order.ts';
import { at, page } from '../extract/testing.ts';
import { learnLayout } from './learn.ts';
import type { KnownLayout } from './model.ts';

export interface Doc {
  po: string;
  date: string;
  delivery: string;
  lines: Array<{ qty: number; code: string; text: string; price: number }>;
}

export const eu = (n: number) => n.toFixed(2).replace('.', ',');
export const round2 = (n: number) => Math.round(n * 100) / 100;

/** A layout the generic reader's vocabulary does not know: quantity first, odd labels, total below. */
export function lines(d: Doc, customer = 'Talleres Quintana S.L.'): string[] {
  const total = round2(d.lines.reduce((s, l) => s + l.qty * l.price, 0));
  return [
    customer,
    'CIF B99887766  Poligono Sur 4, Lugo',
    at([0, 'Vuestro encargo'], [20, d.po]),
    at([0, 'Emitido'], [20, d.date]),
    at([0, 'Servir el'], [20, d.delivery]),
    '',
    at([0, 'Cant.'], [8, 'Articulo'], [22, 'Concepto'], [52, 'Neto'], [62, 'Suma']),
    ...d.lines.map((l) =>
      at([0, String(l.qty)], [8, l.code], [22, l.text], [52, eu(l.price)], [62, eu(round2(l.qty * l.price))]),
    ),
    at([40, 'Suma final'], [62, eu(total)]),
    'Atentamente, el departamento de compras',
  ];
}

export const iso = (d: string) => d.split('.').reverse().join('-');

export function orderOf(d: Doc, customerId = 'C900'): CanonicalOrder {
  const ls: OrderLine[] = d.lines.map((l, i) => ({
    ...emptyLine(i + 1),
    sku: `SKU-${l.code}`,
    customerRef: l.code,
    description: l.text,
    quantity: l.qty,
    unitPrice: l.price,
    amount: round2(l.qty * l.price),
  }));
  return {
    ...emptyOrder(),
    customer: { id: customerId, name: null, taxId: null },
    poNumber: d.po,
    orderDate: iso(d.date),
    deliveryDate: iso(d.delivery),
    lines: ls,
    total: round2(ls.reduce((s, l) => s + l.amount!, 0)),
  };
}

export const first: Doc = {
  po: 'TQ/26/0412',
  date: '03.11.2026',
  delivery: '10.11.2026',
  lines: [
    { qty: 12, code: 'A-1001', text: 'Codo cobre 22 mm', price: 1.35 },
    { qty: 4, code: 'A-2040', text: 'Valvula esfera 1/2', price: 7.8 },
  ],
};
export const second: Doc = {
  po: 'TQ/26/0519',
  date: '17.11.2026',
  delivery: '24.11.2026',
  lines: [
    { qty: 30, code: 'A-3300', text: 'Manguito 15 mm', price: 0.62 },
    { qty: 2, code: 'A-2040', text: 'Valvula esfera 1/2', price: 7.8 },
    { qty: 6, code: 'A-1001', text: 'Codo cobre 22 mm', price: 1.35 },
  ],
};

export function known(d: Doc): KnownLayout {
  const learned = learnLayout([page(lines(d))], orderOf(d));
  return { id: 1, customerId: 'C900', fingerprint: learned.fingerprint, model: learned.model, documentId: 7 };
}
