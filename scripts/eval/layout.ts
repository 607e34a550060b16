/** Puts a generated order on an A4 page: text items in points, origin top-left. */
import type { CustomerStyle, GeneratedOrder } from './orders.ts';

export interface TextItem {
  text: string;
  x: number;
  y: number;
  size: number;
  bold?: boolean;
  /** `end`: x is the right edge (numbers in columns). */
  anchor?: 'start' | 'end';
}

export const PAGE = { width: 595, height: 842 };

const MONTHS_ES = [
  'enero',
  'febrero',
  'marzo',
  'abril',
  'mayo',
  'junio',
  'julio',
  'agosto',
  'septiembre',
  'octubre',
  'noviembre',
  'diciembre',
];

export function formatNumber(n: number, style: CustomerStyle, decimals = 2): string {
  const d = Math.max(decimals, (String(n).split('.')[1] ?? '').length);
  const [int, frac] = n.toFixed(d).split('.');
  const sep = style.locale === 'es' ? ['.', ','] : [',', '.'];
  return `${int!.replace(/\B(?=(\d{3})+(?!\d))/g, sep[0]!)}${sep[1]}${frac}`;
}

export function formatDate(iso: string, style: CustomerStyle): string {
  const [y, m, d] = iso.split('-');
  if (style.id === 'C107') return `${Number(d)} de ${MONTHS_ES[Number(m) - 1]} de ${y}`;
  if (style.locale === 'en') return iso;
  return `${d}/${m}/${y}`;
}

export function layout(g: GeneratedOrder): TextItem[] {
  const s = g.style;
  const o = g.expected;
  const items: TextItem[] = [
    { text: s.name, x: 50, y: 60, size: 14, bold: true },
    ...s.address.map((line, i) => ({ text: line, x: 50, y: 80 + i * 14, size: 10 })),
    {
      text: `${s.locale === 'es' ? 'CIF' : 'VAT'}: ${s.taxId}`,
      x: 50,
      y: 80 + s.address.length * 14,
      size: 10,
    },
    { text: `Fax: ${s.fax}`, x: 50, y: 94 + s.address.length * 14, size: 10 },
    { text: s.title, x: 340, y: 60, size: 18, bold: true },
  ];
  const header: Array<[string, string]> = [
    [s.labels.po, o.poNumber!],
    [s.labels.date, formatDate(o.orderDate!, s)],
    [s.labels.delivery, formatDate(o.deliveryDate!, s)],
  ];
  header.forEach(([label, value], i) => {
    items.push({ text: label, x: 340, y: 95 + i * 16, size: 10, bold: true });
    items.push({ text: value, x: 450, y: 95 + i * 16, size: 10 });
  });
  const top = 220;
  let x = 50;
  const cols = s.columns.map((c) => {
    const col = { ...c, x, right: x + c.width - 6 };
    x += c.width;
    return col;
  });
  const numeric = (k: string) => k === 'quantity' || k === 'price' || k === 'amount';
  for (const c of cols) {
    items.push(
      numeric(c.key)
        ? { text: c.title, x: c.right, y: top, size: 10, bold: true, anchor: 'end' }
        : { text: c.title, x: c.x, y: top, size: 10, bold: true },
    );
  }
  g.lines.forEach((l, i) => {
    const y = top + 22 + i * 18;
    const cell: Record<string, string> = {
      ref: l.article.ref,
      description: l.article.description,
      quantity: s.locale === 'es' ? String(l.quantity) : l.quantity.toLocaleString('en-US'),
      price: formatNumber(l.article.price, s),
      amount: formatNumber(l.amount, s),
    };
    for (const c of cols) {
      items.push(
        numeric(c.key)
          ? { text: cell[c.key]!, x: c.right, y, size: 10, anchor: 'end' }
          : { text: cell[c.key]!, x: c.x, y, size: 10 },
      );
    }
  });
  const totalY = top + 22 + g.lines.length * 18 + 20;
  const amountCol = cols.find((c) => c.key === 'amount')!;
  items.push({ text: s.labels.total, x: amountCol.x - 90, y: totalY, size: 10, bold: true });
  items.push({
    text: formatNumber(o.total!, s),
    x: amountCol.right,
    y: totalY,
    size: 10,
    bold: true,
    anchor: 'end',
  });
  items.push({
    text:
      s.locale === 'es' ? 'Rogamos confirmen recepción del pedido.' : 'Please confirm receipt of this order.',
    x: 50,
    y: totalY + 50,
    size: 9,
  });
  return items;
}
