/**
 * Invented purchase orders for the evaluation set: three customers of the demo master data,
 * each with its own layout, wording, number and date format. Quantities respect pack sizes and
 * prices are the customer's own, so a perfectly read order is a clean, acceptable order.
 */
import type { CanonicalOrder } from '../../src/domain/order.ts';

export interface Article {
  sku: string;
  /** What this customer writes in its reference column. */
  ref: string;
  description: string;
  unit: string;
  price: number;
  pack: number;
}

export interface CustomerStyle {
  id: string;
  name: string;
  taxId: string;
  fax: string;
  address: string[];
  currency: string;
  locale: 'es' | 'en';
  title: string;
  labels: { po: string; date: string; delivery: string; total: string };
  columns: Array<{
    key: 'ref' | 'description' | 'quantity' | 'price' | 'amount';
    title: string;
    width: number;
  }>;
  poPrefix: string;
  articles: Article[];
}

export const CUSTOMERS: CustomerStyle[] = [
  {
    id: 'C042',
    name: 'Ferreteria Lopez SL',
    taxId: 'ESB12345678',
    fax: '+34912345678',
    address: ['C/ Mayor 1', '28001 Madrid'],
    currency: 'EUR',
    locale: 'es',
    title: 'PEDIDO',
    labels: { po: 'Pedido nº:', date: 'Fecha:', delivery: 'Fecha de entrega:', total: 'Total pedido:' },
    columns: [
      { key: 'ref', title: 'Ref.', width: 70 },
      { key: 'description', title: 'Descripción', width: 210 },
      { key: 'quantity', title: 'Cantidad', width: 70 },
      { key: 'price', title: 'Precio', width: 70 },
      { key: 'amount', title: 'Importe', width: 80 },
    ],
    poPrefix: 'FL-2026-',
    articles: [
      {
        sku: 'TOR-M8-40',
        ref: '4711',
        description: 'Tornillo M8x40 zincado',
        unit: 'EA',
        price: 0.12,
        pack: 100,
      },
      { sku: 'TUE-M8', ref: '4712', description: 'Tuerca M8 zincada', unit: 'EA', price: 0.045, pack: 100 },
      { sku: 'ARA-M8', ref: '4713', description: 'Arandela M8', unit: 'EA', price: 0.018, pack: 100 },
      { sku: 'TAC-N8', ref: '4720', description: 'Taco de nylon 8 mm', unit: 'EA', price: 0.04, pack: 100 },
    ],
  },
  {
    id: 'C107',
    name: 'Suministros Industriales Garcia SA',
    taxId: 'ESA50123456',
    fax: '+34976123456',
    address: ['Pol. Ind. Malpica, calle E 12', '50016 Zaragoza'],
    currency: 'EUR',
    locale: 'es',
    title: 'ORDEN DE COMPRA',
    labels: { po: 'Nº de pedido', date: 'Fecha pedido', delivery: 'Entrega', total: 'Importe total' },
    columns: [
      { key: 'ref', title: 'Código', width: 90 },
      { key: 'description', title: 'Artículo', width: 200 },
      { key: 'quantity', title: 'Uds.', width: 60 },
      { key: 'price', title: 'P. unit.', width: 70 },
      { key: 'amount', title: 'Total', width: 80 },
    ],
    poPrefix: 'SIG-PO-',
    articles: [
      {
        sku: 'TOR-M8-50',
        ref: 'SIG-000123',
        description: 'Tornillo M8x50',
        unit: 'EA',
        price: 0.125,
        pack: 100,
      },
      { sku: 'TUE-M8', ref: 'SIG-000124', description: 'Tuerca M8', unit: 'EA', price: 0.05, pack: 100 },
      {
        sku: 'TOR-M8-40',
        ref: 'SIG-000125',
        description: 'Tornillo M8x40',
        unit: 'EA',
        price: 0.105,
        pack: 100,
      },
    ],
  },
  {
    id: 'C170',
    name: 'Hardware Imports Ltd',
    taxId: 'GB123456789',
    fax: '+441612345678',
    address: ['Unit 4, Trafford Park', 'Manchester M17 1AB'],
    currency: 'GBP',
    locale: 'en',
    title: 'PURCHASE ORDER',
    labels: { po: 'PO number:', date: 'Order date:', delivery: 'Delivery date:', total: 'Total GBP' },
    columns: [
      { key: 'ref', title: 'SKU', width: 90 },
      { key: 'description', title: 'Description', width: 200 },
      { key: 'quantity', title: 'Qty', width: 60 },
      { key: 'price', title: 'Unit price', width: 70 },
      { key: 'amount', title: 'Amount', width: 80 },
    ],
    poPrefix: 'HWI-',
    articles: [
      {
        sku: 'TOR-M8-40',
        ref: 'TOR-M8-40',
        description: 'Zinc bolt M8x40',
        unit: 'EA',
        price: 0.1,
        pack: 100,
      },
      {
        sku: 'BRO-HSS-8',
        ref: 'BRO-HSS-8',
        description: 'HSS drill bit 8 mm',
        unit: 'EA',
        price: 2.05,
        pack: 10,
      },
      {
        sku: 'MAR-CAR-500',
        ref: 'MAR-CAR-500',
        description: 'Claw hammer 500 g',
        unit: 'EA',
        price: 8.4,
        pack: 1,
      },
    ],
  },
];

/** A deterministic pseudo-random sequence, so the set is the same on every run. */
export function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export interface GeneratedOrder {
  style: CustomerStyle;
  expected: CanonicalOrder;
  lines: Array<{ article: Article; quantity: number; amount: number }>;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

export function makeOrder(style: CustomerStyle, n: number, rnd: () => number): GeneratedOrder {
  const count = 1 + Math.floor(rnd() * style.articles.length);
  const chosen = [...style.articles].sort(() => rnd() - 0.5).slice(0, count);
  const lines = chosen.map((article) => {
    const quantity = article.pack * (2 + Math.floor(rnd() * 3));
    return { article, quantity, amount: round2(quantity * article.price) };
  });
  const day = 2 + Math.floor(rnd() * 20);
  const orderDate = `2026-11-${String(day).padStart(2, '0')}`;
  const deliveryDate = `2026-12-${String(day + 5).padStart(2, '0')}`;
  const total = round2(lines.reduce((s, l) => s + l.amount, 0));
  return {
    style,
    lines,
    expected: {
      customer: { id: style.id, name: style.name, taxId: style.taxId },
      poNumber: `${style.poPrefix}${String(1000 + n)}`,
      orderDate,
      deliveryDate,
      currency: style.currency,
      shipTo: null,
      lines: lines.map((l, i) => ({
        lineNo: i + 1,
        sku: l.article.sku,
        customerRef: l.article.ref === l.article.sku ? null : l.article.ref,
        gtin: null,
        description: l.article.description,
        quantity: l.quantity,
        unit: l.article.unit,
        unitPrice: l.article.price,
        amount: l.amount,
      })),
      total,
      notes: null,
    },
  };
}
