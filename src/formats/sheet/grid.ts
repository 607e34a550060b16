/**
 * An order sheet as a grid of cells (CSV or one XLSX worksheet): the header row is found among
 * the first rows by the column names it holds (Spanish and English, any order), header fields
 * (PO number, dates, customer) are read from label/value cells above the table, and the rows
 * below it become lines, grouped into one order per PO number when the table has a PO column.
 */
import type { FieldSource } from '../../domain/extraction.ts';
import { finding } from '../../domain/findings.ts';
import { Draft } from '../common/draft.ts';
import { gtinOf, isoDate, isoOfDate, localeNumber, unitCode } from '../common/values.ts';

export type Cell = string | number | boolean | Date | null;

export type Column =
  | 'lineNo'
  | 'sku'
  | 'customerRef'
  | 'gtin'
  | 'description'
  | 'quantity'
  | 'unit'
  | 'unitPrice'
  | 'amount'
  | 'poNumber'
  | 'orderDate'
  | 'deliveryDate'
  | 'customerName'
  | 'customerId'
  | 'taxId'
  | 'street'
  | 'city'
  | 'postalCode'
  | 'country'
  | 'currency';

/** Column and header-field names, normalised (lower case, no accents, words separated by one space). */
const NAMES: Record<Column, string[]> = {
  lineNo: [
    'line',
    'line no',
    'line number',
    'pos',
    'position',
    'posicion',
    'linea',
    'item no',
    'no',
    'n',
    '#',
  ],
  sku: [
    'sku',
    'supplier sku',
    'article',
    'articulo',
    'art',
    'ref proveedor',
    'supplier ref',
    'supplier part',
    'vendor part',
    'vendor item',
    'product code',
    'item code',
    'codigo',
    'code',
    'part number',
    'referencia',
    'ref',
  ],
  customerRef: [
    'customer ref',
    'your ref',
    'buyer part',
    'buyer item',
    'customer part',
    'customer item',
    'ref cliente',
    'su ref',
    'nuestra ref',
    'our ref',
    'our part',
  ],
  gtin: ['gtin', 'ean', 'ean13', 'upc', 'upc number', 'barcode', 'codigo de barras', 'codigo ean'],
  description: [
    'description',
    'descripcion',
    'product',
    'producto',
    'item description',
    'item',
    'name',
    'denominacion',
    'concepto',
  ],
  quantity: ['qty', 'quantity', 'cantidad', 'cant', 'uds', 'unidades', 'qty ordered', 'order qty', 'ordered'],
  unit: ['uom', 'unit', 'unidad', 'um', 'u m', 'unit of measure'],
  unitPrice: [
    'price',
    'unit price',
    'precio',
    'precio unitario',
    'precio unidad',
    'net price',
    'precio neto',
    'pvp',
    // Abbreviated as sheets write them: "Precio/ud", "P. unit.", "Price/ea", "Unit cost".
    'precio ud',
    'precio u',
    'precio unit',
    'p unit',
    'p unitario',
    'price ea',
    'price each',
    'price per unit',
    'unit cost',
    'cost each',
  ],
  amount: [
    'amount',
    'line total',
    'importe',
    'subtotal',
    'net amount',
    'total linea',
    'extended price',
    'line amount',
    'total',
  ],
  poNumber: [
    'po',
    'po number',
    'po no',
    'purchase order',
    'order number',
    'order no',
    'pedido',
    'n pedido',
    'no pedido',
    'numero de pedido',
    'numero pedido',
    'su pedido',
  ],
  orderDate: ['po date', 'order date', 'date', 'fecha', 'fecha pedido', 'fecha del pedido'],
  deliveryDate: [
    'delivery date',
    'required date',
    'need by',
    'requested delivery',
    'fecha entrega',
    'fecha de entrega',
    'entrega',
    'ship date',
  ],
  customerName: [
    'customer',
    'customer name',
    'cliente',
    'nombre cliente',
    'buyer',
    'company',
    'empresa',
    'razon social',
  ],
  customerId: [
    'customer number',
    'customer no',
    'customer id',
    'customer code',
    'codigo cliente',
    'n cliente',
    'no cliente',
    'account',
    'account number',
  ],
  taxId: ['tax id', 'vat', 'vat number', 'vat id', 'cif', 'nif', 'cif nif'],
  street: ['address', 'street', 'direccion', 'calle'],
  city: ['city', 'ciudad', 'poblacion', 'localidad', 'town'],
  postalCode: ['postal code', 'zip', 'zip code', 'postcode', 'codigo postal', 'cp'],
  country: ['country', 'pais'],
  currency: ['currency', 'moneda', 'divisa'],
};
const LINE_COLUMNS: Column[] = ['sku', 'customerRef', 'gtin', 'description'];
const HEADER_FIELDS: Column[] = [
  'poNumber',
  'orderDate',
  'deliveryDate',
  'customerName',
  'customerId',
  'taxId',
  'currency',
];
/** The header row is looked for in the first rows only. */
const HEADER_ROWS = 40;

export function normalise(label: string): string {
  return label
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[º°ª.]/g, ' ')
    .replace(/[^a-z0-9#]+/g, ' ')
    .trim();
}

const BY_NAME = new Map<string, Column>();
for (const [col, names] of Object.entries(NAMES) as Array<[Column, string[]]>) {
  for (const n of names) if (!BY_NAME.has(n)) BY_NAME.set(n, col);
}

export function columnOf(cell: Cell): Column | null {
  if (typeof cell !== 'string') return null;
  return BY_NAME.get(normalise(cell.replace(/:\s*$/, ''))) ?? null;
}

export function cellRef(row: number, col: number): string {
  let name = '';
  for (let c = col + 1; c > 0; c = Math.floor((c - 1) / 26))
    name = String.fromCharCode(65 + ((c - 1) % 26)) + name;
  return `${name}${row + 1}`;
}

export interface Sheet {
  /** Worksheet name (XLSX); null for CSV. */
  name: string | null;
  rows: Cell[][];
}

function cellText(cell: Cell): string | null {
  if (cell === null || cell === undefined) return null;
  if (cell instanceof Date) return isoOfDate(cell) ?? null;
  const s = String(cell).trim();
  return s === '' ? null : s;
}

/** The header row: the first-rows row naming a quantity and an article column, most names first. */
export function findHeader(rows: Cell[][]): { row: number; columns: Map<number, Column> } | null {
  let best: { row: number; columns: Map<number, Column> } | null = null;
  for (let r = 0; r < Math.min(rows.length, HEADER_ROWS); r++) {
    const columns = new Map<number, Column>();
    const taken = new Set<Column>();
    rows[r]!.forEach((cell, c) => {
      const col = columnOf(cell);
      if (col && !taken.has(col)) {
        columns.set(c, col);
        taken.add(col);
      }
    });
    if (!taken.has('quantity') || !LINE_COLUMNS.some((c) => taken.has(c))) continue;
    if (!best || columns.size > best.columns.size) best = { row: r, columns };
  }
  return best;
}

export interface SheetOrder {
  draft: Draft;
  reference: string | null;
}

/** Reads the orders of one sheet; null when it has no order table. */
export function readSheet(sheet: Sheet): SheetOrder[] | null {
  const header = findHeader(sheet.rows);
  if (!header) return null;
  const src = (row: number, col: number): FieldSource => ({
    kind: 'cell',
    sheet: sheet.name,
    ref: cellRef(row, col),
    text: cellText(sheet.rows[row]?.[col] ?? null) ?? '',
  });
  const above = headerFields(sheet.rows.slice(0, header.row));
  const byPo = new Map<string, Draft>();
  const order = (po: string | null): Draft => {
    const key = po ?? '';
    let d = byPo.get(key);
    if (!d) {
      d = new Draft();
      for (const [field, at] of above) applyHeader(d, field, at.value, src(at.row, at.col));
      byPo.set(key, d);
    }
    return d;
  };
  const colOf = new Map([...header.columns].map(([c, col]) => [col, c]));
  for (let r = header.row + 1; r < sheet.rows.length; r++) {
    const row = sheet.rows[r]!;
    const get = (col: Column) => {
      const c = colOf.get(col);
      return c === undefined ? null : cellText(row[c] ?? null);
    };
    if (row.every((c) => cellText(c) === null)) continue;
    const first = row.map(cellText).find((v) => v !== null) ?? '';
    if (
      /^(total|suma|importe total|total pedido|grand total|subtotal)\b/i.test(normalise(first)) &&
      get('quantity') === null
    ) {
      const d = order(get('poNumber'));
      const value = [...row]
        .reverse()
        .map(cellText)
        .find((v) => v !== null && typeof localeNumber(v) === 'number');
      const at = value ? row.map(cellText).lastIndexOf(value) : -1;
      if (value && d.order.total === null) {
        d.order.total = localeNumber(value) as number;
        d.source('total', src(r, at));
      }
      continue;
    }
    if (LINE_COLUMNS.every((c) => get(c) === null)) continue;
    const d = order(get('poNumber'));
    for (const col of HEADER_FIELDS) {
      const c = colOf.get(col);
      if (c !== undefined && get(col) !== null) applyHeader(d, col, row[c] ?? null, src(r, c));
    }
    addressCells(d, get, (col) => src(r, colOf.get(col)!));
    line(d, get, row, colOf, (c) => src(r, c), r);
  }
  return [...byPo.entries()].map(([po, draft]) => ({ draft, reference: po || null }));
}

function headerFields(rows: Cell[][]): Map<Column, { value: Cell; row: number; col: number }> {
  const out = new Map<Column, { value: Cell; row: number; col: number }>();
  rows.forEach((row, r) => {
    row.forEach((cell, c) => {
      if (typeof cell !== 'string') return;
      // "PO: 4500012345" in one cell, or the label in one cell and the value in the next filled one.
      const inline = /^([^:]{1,40}):\s*(\S.*)$/.exec(cell.trim());
      if (inline) {
        const col = columnOf(inline[1]!);
        if (col && HEADER_FIELDS.includes(col) && !out.has(col))
          out.set(col, { value: inline[2]!, row: r, col: c });
        return;
      }
      const col = columnOf(cell);
      if (!col || !HEADER_FIELDS.includes(col) || out.has(col)) return;
      const next = row.slice(c + 1).findIndex((v) => cellText(v) !== null);
      if (next === -1) return;
      // The next filled cell is the value unless it is another field's label ("PO" | "Date");
      // a value that happens to spell a column name ("N", "Code") is still a value.
      const value = row[c + 1 + next]!;
      const label = columnOf(value);
      if (label === null || !HEADER_FIELDS.includes(label))
        out.set(col, { value, row: r, col: c + 1 + next });
    });
  });
  return out;
}

function dateOf(value: Cell): string | null | undefined {
  if (value instanceof Date) return isoOfDate(value);
  return isoDate(cellText(value));
}

function applyHeader(d: Draft, field: Column, value: Cell, source: FieldSource): void {
  const text = cellText(value);
  if (text === null) return;
  const o = d.order;
  switch (field) {
    case 'poNumber':
      d.set('poNumber', typeof value === 'number' ? String(value) : text, source);
      break;
    case 'orderDate':
    case 'deliveryDate': {
      const iso = dateOf(value);
      if (iso) d.set(field, iso, source);
      else if (o[field] === null)
        d.warn(field, `cell ${source.kind === 'cell' ? source.ref : ''}: "${text}" is not a date`);
      break;
    }
    case 'currency':
      if (/^[A-Za-z]{3}$/.test(text)) d.set('currency', text.toUpperCase(), source);
      break;
    case 'customerName':
      if (o.customer.name === null) {
        o.customer.name = text;
        d.evidence.name = text;
        d.source('customer.name', source);
      }
      break;
    case 'customerId':
      if (o.customer.id === null) {
        // A claim checked against master data, like the web form's customer id.
        o.customer.id = text;
        d.evidence.partyIds.push(text);
        d.source('customer.id', source);
      }
      break;
    case 'taxId':
      if (o.customer.taxId === null) {
        o.customer.taxId = text;
        d.evidence.taxId = text;
        d.source('customer.taxId', source);
      }
      break;
  }
}

function addressCells(d: Draft, get: (c: Column) => string | null, source: (c: Column) => FieldSource): void {
  if (d.order.shipTo !== null) return;
  const address = {
    name: null,
    street: get('street'),
    postalCode: get('postalCode'),
    city: get('city'),
    country: get('country'),
  };
  if (!address.street && !address.city && !address.postalCode) return;
  d.order.shipTo = address;
  d.source('shipTo', source(address.street ? 'street' : address.city ? 'city' : 'postalCode'));
}

function line(
  d: Draft,
  get: (c: Column) => string | null,
  row: Cell[],
  colOf: Map<Column, number>,
  source: (c: number) => FieldSource,
  r: number,
): void {
  const { line: l, index } = d.addLine(get('lineNo'));
  const p = `lines[${index}]`;
  const num = (col: 'quantity' | 'unitPrice' | 'amount') => {
    const c = colOf.get(col);
    if (c === undefined) return null;
    const cell = row[c] ?? null;
    if (typeof cell === 'number') {
      d.source(`${p}.${col}`, source(c));
      return Number.isFinite(cell) ? cell : null;
    }
    const n = localeNumber(cellText(cell));
    if (n === undefined) {
      d.warn(`${p}.${col}`, `cell ${cellRef(r, c)}: "${cellText(cell)}" is not a number`);
      return null;
    }
    if (n !== null) d.source(`${p}.${col}`, source(c));
    return n;
  };
  l.quantity = num('quantity');
  l.unitPrice = num('unitPrice');
  l.amount = num('amount');
  if (l.quantity === null)
    d.findings.push(
      finding('missing_field', 'warning', `${p}.quantity`, `row ${r + 1}: the line has no quantity.`),
    );
  const text = (col: 'sku' | 'customerRef' | 'description' | 'unit') => {
    const v = get(col);
    if (v === null) return;
    l[col] = col === 'unit' ? unitCode(v) : v;
    d.source(`${p}.${col}`, source(colOf.get(col)!));
  };
  text('sku');
  text('customerRef');
  text('description');
  text('unit');
  const gtinRaw = get('gtin');
  const gtin = gtinOf(gtinRaw);
  if (gtin) {
    l.gtin = gtin;
    d.source(`${p}.gtin`, source(colOf.get('gtin')!));
  } else if (gtinRaw)
    d.warn(`${p}.gtin`, `cell ${cellRef(r, colOf.get('gtin')!)}: "${gtinRaw}" is not a GTIN`);
}
