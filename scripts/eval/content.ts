/**
 * The content of one generated document: a family's customer orders articles of its assortment
 * at its own prices, quantities in whole packs, so a perfectly read order is clean and acceptable.
 * A planted problem changes exactly one thing.
 */
import type { CanonicalOrder } from '../../src/domain/order.ts';
import { describe, gtinCheck, type Product } from './catalog.ts';
import { type FamilySpec, pick, round2, round6 } from './families.ts';

export type Problem = 'unknown-article' | 'price-off' | 'duplicate' | 'not-an-order' | 'unreadable';
export const PROBLEMS: Problem[] = [
  'unknown-article',
  'price-off',
  'duplicate',
  'not-an-order',
  'unreadable',
];

export interface GeneratedLine {
  sku: string;
  custRef: string;
  ean: string;
  description: string;
  quantity: number;
  /** As printed: per unit, or per 100 for a per-100 family; before discount. */
  printedPrice: number;
  discount: number;
  /** Net per unit. */
  net: number;
  amount: number;
  known: boolean;
}

export interface GeneratedOrder {
  family: FamilySpec;
  docType: 'order' | 'invoice' | 'quotation';
  po: string;
  orderDate: string;
  deliveryDate: string | null;
  lines: GeneratedLine[];
  net: number;
  tax: number;
  gross: number;
  expected: CanonicalOrder;
}

function isoPlus(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function makeOrder(
  f: FamilySpec,
  catalog: Product[],
  rnd: () => number,
  problem: Problem | null = null,
): GeneratedOrder {
  const count = f.multiPage ? 16 + Math.floor(rnd() * 9) : 2 + Math.floor(rnd() * 7);
  const chosen = [...f.assortment].sort(() => rnd() - 0.5).slice(0, count);
  const lines: GeneratedLine[] = chosen.map((a) => {
    const p = catalog[a]!;
    const price = f.prices.get(a)!;
    const quantity = p.pack * pick(rnd, [1, 2, 3, 4, 5, 6, 10, 12, 20, 50]);
    return {
      sku: p.sku,
      custRef: f.refs.get(a)!,
      ean: p.gtin,
      description: describe(p, f.lang, f.wrap && rnd() < 0.6),
      quantity,
      printedPrice: price.gross,
      discount: price.discount,
      net: price.net,
      amount: round2(quantity * price.net),
      known: true,
    };
  });
  const at = Math.floor(rnd() * lines.length);
  if (problem === 'unknown-article') {
    const l = lines[at]!;
    const body = `8437999${String(10000 + Math.floor(rnd() * 89999))}`;
    lines[at] = {
      ...l,
      sku: `ZX-${100 + Math.floor(rnd() * 800)}`,
      custRef: `9${l.custRef.slice(1)}X`,
      ean: body + gtinCheck(body),
      known: false,
    };
  }
  if (problem === 'price-off') {
    const l = lines[at]!;
    const printedPrice =
      f.pricing === 'per100' ? round2(l.printedPrice * 1.3) : Math.round(l.printedPrice * 1.3 * 1000) / 1000;
    const net = round6((f.pricing === 'per100' ? printedPrice / 100 : printedPrice) * (1 - l.discount / 100));
    lines[at] = { ...l, printedPrice, net, amount: round2(l.quantity * net) };
  }
  const orderDate = isoPlus('2026-10-01', Math.floor(rnd() * 75));
  const deliveryDate = rnd() < f.tbdRate ? null : isoPlus(orderDate, 3 + Math.floor(rnd() * 18));
  const net = round2(lines.reduce((s, l) => s + l.amount, 0));
  const tax = f.vat ? round2((net * f.vat.rate) / 100) : 0;
  const initials = f.customer.name.replace(/[^A-Z]/g, '').slice(0, 3) || 'CU';
  const po = f.poPattern.replace('{I}', initials).replace(/#+/g, (m) => {
    let s = String(1 + Math.floor(rnd() * 9));
    while (s.length < m.length) s += String(Math.floor(rnd() * 10));
    return s;
  });
  const priced = f.pricing !== 'none';
  const codes = new Set(f.columns.map((c) => c.key));
  const expected: CanonicalOrder = {
    customer: { id: f.customer.id, name: f.customer.name, taxId: f.customer.taxId },
    poNumber: po,
    orderDate,
    deliveryDate,
    currency: f.customer.currency,
    shipTo: null,
    lines: lines.map((l, i) => ({
      lineNo: i + 1,
      sku: l.known ? l.sku : null,
      customerRef: codes.has('custRef') ? l.custRef : null,
      gtin: codes.has('ean') ? l.ean : null,
      description: l.description,
      quantity: l.quantity,
      unit: 'EA',
      unitPrice: priced ? l.net : null,
      amount: priced ? l.amount : null,
    })),
    total: priced ? net : null,
    notes: null,
  };
  const docType = problem === 'not-an-order' ? (rnd() < 0.5 ? 'invoice' : 'quotation') : 'order';
  return {
    family: f,
    docType,
    po,
    orderDate,
    deliveryDate,
    lines,
    net,
    tax,
    gross: round2(net + tax),
    expected,
  };
}
