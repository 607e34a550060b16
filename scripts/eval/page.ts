/**
 * Puts a generated order on A4 pages as its family's ERP would: letterhead with logo, title and
 * header block where the family puts it, the supplier's (our) address block, the table with the
 * family's columns, carried-forward rows between pages, totals or a VAT block, footer, stamp.
 * Coordinates in points, origin top-left.
 */
import type { FamilySpec } from './families.ts';
import { formatDate, formatMoney, formatNumber, formatQuantity } from './format.ts';
import type { GeneratedOrder } from './content.ts';
import { type ColumnKey, WORDS } from './words.ts';

interface Base {
  page: number;
}
export type Item =
  | (Base & {
      t: 'text';
      text: string;
      x: number;
      y: number;
      size: number;
      bold?: boolean;
      anchor?: 'end';
      rotate?: number;
      grey?: number;
    })
  | (Base & {
      t: 'rect';
      x: number;
      y: number;
      w: number;
      h: number;
      fill?: number;
      stroke?: boolean;
      rotate?: number;
    })
  | (Base & { t: 'line'; x1: number; y1: number; x2: number; y2: number })
  | (Base & { t: 'ellipse'; cx: number; cy: number; rx: number; ry: number; fill?: number });

export interface Laid {
  pages: number;
  items: Item[];
  font: FamilySpec['font'];
}

export const PAGE = { width: 595, height: 842 };
/** The supplier: us. Printed in the vendor block, never a customer. */
export const SUPPLIER = {
  name: 'Tornillería Industrial del Norte SA',
  taxId: 'A48999990',
  street: 'Polígono Asua, parcela 21',
  city: '48150 Sondika (Bizkaia)',
};

const NUMERIC: ColumnKey[] = ['quantity', 'unitPrice', 'per100', 'discount', 'amount'];

export function charWidth(font: FamilySpec['font'], size: number): number {
  return size * (font === 'courier' ? 0.6 : font === 'times' ? 0.5 : 0.56);
}

function wrap(text: string, width: number, cw: number): string[] {
  const max = Math.max(8, Math.floor(width / cw));
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && (line + ' ' + word).length > max) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out;
}

export function cellText(g: GeneratedOrder, i: number, key: ColumnKey): string {
  const f = g.family;
  const l = g.lines[i]!;
  switch (key) {
    case 'pos':
      return String((i + 1) * (f.index % 2 === 0 ? 1 : 10));
    case 'sku':
      return l.sku;
    case 'custRef':
      return l.custRef;
    case 'ean':
      return l.ean;
    case 'description':
      return l.description;
    case 'quantity':
      return formatQuantity(l.quantity, f);
    case 'unit':
      return f.unitWord;
    case 'unitPrice':
    case 'per100':
      return formatNumber(l.printedPrice, f.numberFormat);
    case 'discount':
      return formatNumber(l.discount, f.numberFormat, f.index % 3 === 0 ? 0 : 2);
    case 'amount':
      return formatNumber(l.amount, f.numberFormat);
  }
}

export function layout(g: GeneratedOrder): Laid {
  const f = g.family;
  const w = WORDS[f.lang];
  const s = f.size;
  const items: Item[] = [];
  const text = (
    page: number,
    t: string,
    x: number,
    y: number,
    o: Partial<Extract<Item, { t: 'text' }>> = {},
  ) => {
    // A line that would run off the page is printed smaller, as it would have been designed.
    let size = o.size ?? s;
    while (
      !o.anchor &&
      !o.rotate &&
      size > 6 &&
      x + t.length * charWidth(f.font, size) * (o.bold ? 1.08 : 1) > 575
    )
      size -= 0.5;
    items.push({ t: 'text', page, text: t, x, y, ...o, size });
  };
  const title =
    g.docType === 'invoice' ? w.invoice[0]! : g.docType === 'quotation' ? w.quotation[0]! : f.title;
  const poLabel =
    g.docType === 'invoice' ? w.invoice[1]! : g.docType === 'quotation' ? w.quotation[1]! : f.labels.po;
  const delivery = g.deliveryDate ? formatDate(g.deliveryDate, f) : w.tbd;
  const fields: Array<[string, string]> = [
    [poLabel, g.po],
    [f.labels.date, formatDate(g.orderDate, f)],
    [f.labels.delivery, delivery],
  ];

  // Letterhead: the customer (the ERP's owner), with its logo.
  const headLeft = f.headerPos !== 'left';
  const lx = headLeft ? 40 : 330;
  const logoW = f.logo === 'none' ? 0 : 46;
  if (f.logo === 'circle')
    items.push({ t: 'ellipse', page: 0, cx: lx + 20, cy: 58, rx: 20, ry: 20, fill: 0.3 });
  if (f.logo === 'diamond')
    items.push({ t: 'rect', page: 0, x: lx + 6, y: 44, w: 28, h: 28, fill: 0.2, rotate: 45 });
  if (f.logo === 'bars')
    for (let k = 0; k < 4; k++)
      items.push({ t: 'rect', page: 0, x: lx + k * 10, y: 40 + k * 5, w: 7, h: 36 - k * 5, fill: 0.25 });
  const c = f.customer;
  text(0, c.name, lx + logoW, 52, { size: s + 3, bold: true });
  c.address.forEach((a, k) => {
    text(0, a, lx + logoW, 68 + k * (s + 3));
  });
  let y = 68 + c.address.length * (s + 3);
  text(0, `${f.labels.tax}: ${c.taxPrinted}`, lx + logoW, y);
  text(0, `Fax: ${c.faxPrinted}   ${c.email}`, lx + logoW, y + s + 3, { size: s - 1 });

  // Title and header block.
  const tx = headLeft ? 330 : 40;
  text(0, title, tx, f.headerPos === 'left' ? 140 : 60, { size: s + 7, bold: true });
  const vendor = (x: number, vy: number) => {
    text(0, f.labels.vendor, x, vy, { bold: true, size: s - 1 });
    text(0, SUPPLIER.name, x, vy + s + 3);
    text(0, `${SUPPLIER.street}, ${SUPPLIER.city}`, x, vy + 2 * (s + 3), { size: s - 1 });
    text(0, `${f.labels.tax}: ${SUPPLIER.taxId}`, x, vy + 3 * (s + 3), { size: s - 1 });
  };
  if (f.headerPos === 'right' || f.headerPos === 'left') {
    const fx = f.headerPos === 'right' ? 330 : 40;
    const fy = f.headerPos === 'right' ? 88 : 165;
    fields.forEach(([label, value], k) => {
      text(0, `${label}:`, fx, fy + k * (s + 6), { bold: true });
      text(0, value, fx + 120, fy + k * (s + 6));
    });
    vendor(f.headerPos === 'right' ? 40 : 330, f.headerPos === 'right' ? 145 : 165);
  } else {
    vendor(330, 88);
    if (f.headerPos === 'box') {
      fields.forEach(([label, value], k) => {
        items.push({ t: 'rect', page: 0, x: 40 + k * 170, y: 160, w: 160, h: 34, stroke: true });
        text(0, label, 46 + k * 170, 172, { size: s - 1.5 });
        text(0, value, 46 + k * 170, 188, { bold: true });
      });
    } else if (f.headerPos === 'under') {
      fields.forEach(([label, value], k) => {
        text(0, label, 40 + k * 170, 168, { bold: true });
        text(0, value, 40 + k * 170, 168 + s + 5);
      });
    } else {
      text(0, w.sentence.replace('{po}', g.po).replace('{date}', formatDate(g.orderDate, f)), 40, 172, {
        bold: true,
      });
      text(0, `${f.labels.delivery}: ${delivery}`, 40, 172 + s + 6);
    }
  }

  // The table, page by page.
  const { cols, size: ts } = columnsAt(f);
  const cw = charWidth(f.font, ts);
  const priced = f.pricing !== 'none';
  const amountCol = cols.find((k) => k.key === 'amount');
  let page = 0;
  let carried = 0;
  const header = (p: number, hy: number) => {
    if (f.ruled === 'grid')
      items.push({
        t: 'rect',
        page: p,
        x: 38,
        y: hy - s - 3,
        w: cols.at(-1)!.right - 34,
        h: s + 8,
        fill: 0.85,
      });
    for (const k of cols)
      text(p, k.title, NUMERIC.includes(k.key) ? k.right : k.x, hy, {
        bold: true,
        size: ts,
        anchor: NUMERIC.includes(k.key) ? 'end' : undefined,
      });
    if (f.ruled !== 'none')
      items.push({ t: 'line', page: p, x1: 38, y1: hy + 5, x2: cols.at(-1)!.right + 4, y2: hy + 5 });
    return hy + s + 12;
  };
  y = header(0, 232);
  // A description too long for its column wraps (a wrapping family) or is cut, as ERPs print it.
  const descWidth = cols.find((k) => k.key === 'description')!.width - 8;
  const rowsOf = (i: number) => {
    const d = g.lines[i]!.description;
    if (f.wrap) return wrap(d, descWidth, cw);
    return [d.slice(0, Math.max(8, Math.floor(descWidth / cw))).trimEnd()];
  };
  g.lines.forEach((l, i) => {
    if (i > 0 && i % f.rowsPerPage === 0) {
      if (priced && amountCol) {
        text(page, f.carry[0], amountCol.x - 130, y + 4, { bold: true });
        text(page, formatNumber(carried, f.numberFormat), amountCol.right, y + 4, {
          bold: true,
          anchor: 'end',
        });
      }
      page++;
      text(page, c.name, 40, 50, { bold: true });
      text(page, `${poLabel} ${g.po}`, 330, 50);
      y = header(page, 90);
      if (priced && amountCol) {
        text(page, f.carry[1], amountCol.x - 130, y, { bold: true });
        text(page, formatNumber(carried, f.numberFormat), amountCol.right, y, { bold: true, anchor: 'end' });
        y += s + 8;
      }
    }
    const desc = rowsOf(i);
    for (const k of cols) {
      if (k.key === 'description')
        desc.forEach((d, j) => {
          text(page, d, k.x, y + j * (s + 2), { size: ts });
        });
      else if (NUMERIC.includes(k.key))
        text(page, cellText(g, i, k.key), k.right, y, { anchor: 'end', size: ts });
      else text(page, cellText(g, i, k.key), k.x, y, { size: ts });
    }
    carried += l.amount;
    y += (desc.length - 1) * (s + 2) + s + 8;
    if (f.ruled === 'grid')
      items.push({ t: 'line', page, x1: 38, y1: y - s - 3, x2: cols.at(-1)!.right + 4, y2: y - s - 3 });
  });
  if (f.ruled !== 'none')
    items.push({ t: 'line', page, x1: 38, y1: y - s, x2: cols.at(-1)!.right + 4, y2: y - s });

  // Totals, the footer, the stamp.
  y += 10;
  if (priced && amountCol) {
    const rows: Array<[string, number]> = f.vat
      ? [
          [f.vat.labels[0], g.net],
          [f.vat.labels[1], g.tax],
          [f.vat.labels[2], g.gross],
        ]
      : [[f.labels.total, g.net]];
    for (const [label, value] of rows) {
      text(page, label, amountCol.x - 130, y, { bold: true });
      text(page, formatMoney(value, f), amountCol.right, y, { bold: true, anchor: 'end' });
      y += s + 7;
    }
  }
  text(page, w.footer[f.index % 2]!, 40, y + 24, { size: s - 1 });
  if (f.stamp) {
    const sy = Math.min(y + 40, 760);
    items.push({ t: 'rect', page, x: 360, y: sy - 22, w: 130, h: 40, stroke: true, rotate: -12 });
    text(page, f.stamp, 372, sy, { size: 15, bold: true, rotate: -12, grey: 0.35 });
    text(page, formatDate(g.orderDate, f, 'dmy-dot'), 380, sy + 14, { size: 9, rotate: -12, grey: 0.35 });
  }
  for (let p = 0; p <= page; p++) text(p, `${w.page} ${p + 1}/${page + 1}`, 500, 815, { size: s - 1 });
  return { pages: page + 1, items, font: f.font };
}

/** The longest value a column of the family can hold, in characters (codes, formatted numbers). */
function longest(f: FamilySpec, key: ColumnKey): number {
  const money = formatNumber(12345.67, f.numberFormat).length;
  switch (key) {
    case 'pos':
      return 3;
    case 'sku':
      return 12;
    case 'custRef':
      return Math.max(...[...f.refs.values()].map((r) => r.length));
    case 'ean':
      return 13;
    case 'quantity':
      return formatNumber(12000, f.numberFormat, f.qtyDecimals).length;
    case 'unit':
      return f.unitWord.length;
    case 'unitPrice':
    case 'per100':
      return formatNumber(1234.567, f.numberFormat).length;
    case 'discount':
      return 5;
    case 'amount':
      return money;
    case 'description':
      return 0;
  }
}

/**
 * Columns wide enough for their title and their longest value in the family's font, as the
 * ERP's report designer made them; the description takes what is left of the line.
 */
function columnsAt(f: FamilySpec): {
  size: number;
  cols: Array<{ key: ColumnKey; title: string; x: number; width: number; right: number }>;
} {
  // A table too wide for the page is printed in a smaller size, as a report designer would.
  for (let size = f.size; ; size -= 0.5) {
    const cw = charWidth(f.font, size);
    const widths = f.columns.map((c) =>
      c.key === 'description'
        ? 0
        : Math.max(
            Math.round((c.width * size) / 10),
            Math.ceil(c.title.length * cw * 1.12 + 8),
            Math.ceil(longest(f, c.key) * cw + 10),
          ),
    );
    const others = widths.reduce((a, b) => a + b, 0);
    if (others + 110 > 520 && size > 6.5) continue;
    const d = f.columns.findIndex((c) => c.key === 'description');
    widths[d] = Math.max(110, Math.min(f.columns[d]!.width, 520 - others));
    let x = 40;
    const cols = f.columns.map((c, i) => {
      const col = { key: c.key, title: c.title, x, width: widths[i]!, right: x + widths[i]! - 6 };
      x += widths[i]!;
      return col;
    });
    return { size, cols };
  }
}
