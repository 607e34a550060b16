/** Label vocabularies (Spanish and English) and the matcher that finds them at the start of a cell. */
import type { Word } from '../domain/page.ts';
import { editDistance, normalise, tokensOf } from './layout.ts';

export type HeaderField =
  | 'poNumber'
  | 'orderDate'
  | 'deliveryDate'
  | 'customerName'
  | 'taxId'
  | 'total'
  | 'subtotal';
export type ColumnRole =
  | 'customerRef'
  | 'sku'
  | 'gtin'
  | 'description'
  | 'quantity'
  | 'unit'
  | 'unitPrice'
  | 'amount'
  | 'discount';

/** A label as written; a trailing `:` means the colon is required (bare `Pedido` is often a title). */
export interface Label<F extends string> {
  field: F;
  tokens: string[];
  colon: boolean;
}

function labels<F extends string>(table: Record<F, string[]>): Label<F>[] {
  const out: Label<F>[] = [];
  for (const [field, list] of Object.entries(table) as [F, string[]][]) {
    for (const raw of list) {
      out.push({ field, tokens: normalise(raw).split(' '), colon: raw.endsWith(':') });
    }
  }
  return out.sort((a, b) => b.tokens.length - a.tokens.length);
}

export const HEADER_LABELS = labels<HeaderField>({
  poNumber: [
    'Pedido nº',
    'Pedido n.º',
    'Pedido no.',
    'Pedido número',
    'Nº de pedido',
    'Nº pedido',
    'N.º pedido',
    'N.º de pedido',
    'Número de pedido',
    'Num. pedido',
    'Nro. pedido',
    'Nro. de pedido',
    'Orden de compra',
    'Orden de compra nº',
    'Purchase order',
    'Purchase order no.',
    'Purchase order number',
    'PO number',
    'PO no.',
    'PO #',
    'P.O. number',
    'P.O.:',
    'PO:',
    'Order no.',
    'Order number',
    'Pedido:',
  ],
  orderDate: [
    'Fecha',
    'Fecha pedido',
    'Fecha del pedido',
    'Fecha de pedido',
    'Date',
    'Order date',
    'Fecha emisión',
  ],
  deliveryDate: [
    'Fecha de entrega',
    'Fecha entrega',
    'Entrega',
    'Entregar el',
    'Plazo de entrega',
    'Delivery date',
    'Delivery',
    'Required by',
    'Required date',
    'Ship date',
  ],
  customerName: [
    'Cliente',
    'Customer',
    'Comprador',
    'Buyer',
    'Razón social',
    'Empresa:',
    'Bill to',
    'Sold to',
  ],
  taxId: ['CIF', 'NIF', 'C.I.F.', 'N.I.F.', 'VAT', 'VAT no.', 'VAT number', 'NIF/CIF', 'CIF/NIF', 'Tax id'],
  subtotal: ['Subtotal', 'Base imponible', 'Total neto', 'Net total', 'Suma', 'Total bruto'],
  total: [
    'Total',
    'Importe total',
    'Total pedido',
    'Total EUR',
    'Total €',
    'Total importe',
    'Order total',
    'Grand total',
    'Total amount',
    'Total USD',
    'Total GBP',
  ],
});

export const COLUMN_LABELS = labels<ColumnRole>({
  customerRef: [
    'Código',
    'Cód.',
    'Cod.',
    'Ref.',
    'Referencia',
    'Artículo',
    'Art.',
    'Code',
    'Item',
    'Item no.',
    'Item code',
    'Part no.',
    'Part number',
    'Ref. cliente',
    'Our ref.',
  ],
  sku: [
    'SKU',
    'Ref. proveedor',
    'Ref. prov.',
    'Su ref.',
    'Su referencia',
    'Supplier ref.',
    'Vendor ref.',
    'Supplier SKU',
    'Your ref.',
  ],
  gtin: ['EAN', 'EAN13', 'EAN-13', 'GTIN', 'UPC', 'Código de barras', 'Barcode'],
  description: ['Descripción', 'Description', 'Concepto', 'Denominación', 'Producto', 'Product', 'Detalle'],
  quantity: ['Cantidad', 'Cant.', 'Uds.', 'Unidades', 'Qty', 'Qty.', 'Quantity', 'Ctd.', 'Units'],
  unit: ['Unidad', 'Ud.', 'U.M.', 'UM', 'Unit', 'UoM'],
  unitPrice: [
    'Po. unit.',
    'P unitario',
    'Precio',
    'Precio unit.',
    'Precio unitario',
    'P. unit.',
    'P.U.',
    'PVP',
    'Unit price',
    'Price',
    'Precio ud.',
    'Price each',
  ],
  amount: ['Importe', 'Total', 'Amount', 'Line total', 'Importe neto', 'Neto', 'Total línea', 'Subtotal'],
  discount: ['Dto.', 'Dto. %', 'Descuento', 'Disc.', 'Discount', '% Dto.'],
});

/** Words that end a line table when they open a line. */
export const TABLE_END = [
  'total',
  'subtotal',
  'sub total',
  'base imponible',
  'observaciones',
  'notas',
  'notes',
  'importe total',
  'total pedido',
  'suma total',
  'forma de pago',
  'payment terms',
  'grand total',
].map((s) => s.split(' '));

/** A label found at the start of a run of words. */
export interface LabelMatch<F extends string> {
  field: F;
  /** How many words the label (and a trailing lone `:`) takes. */
  count: number;
  exact: boolean;
  tokens: number;
}

function tokenMatches(seen: string, want: string): 'exact' | 'fuzzy' | null {
  if (seen === want) return 'exact';
  if (want.length >= 4 && editDistance(seen, want) <= 1) return 'fuzzy';
  // Short words ("SKU" read "sKuU", "Qty" read "Qtv"): one slip, first letter right.
  if (want.length === 3 && seen[0] === want[0] && editDistance(seen, want) <= 1) return 'fuzzy';
  return null;
}

/** The longest label of `vocab` that the words begin with; exact matches win over OCR-slipped ones. */
export function matchLabel<F extends string>(words: Word[], vocab: Label<F>[]): LabelMatch<F> | null {
  const tokens = tokensOf(words);
  let best: LabelMatch<F> | null = null;
  for (const label of vocab) {
    if (label.tokens.length > tokens.length) continue;
    let exact = true;
    let ok = true;
    label.tokens.forEach((want, i) => {
      const m = tokenMatches(tokens[i]!.token, want);
      if (m === null) ok = false;
      else if (m === 'fuzzy') exact = false;
    });
    if (!ok) continue;
    const last = tokens[label.tokens.length - 1]!.word;
    // A label ends at a word boundary: "Totales" is not "Total", "PO-123" is not the label "PO".
    const nextToken = tokens[label.tokens.length];
    if (nextToken && nextToken.word === last) continue;
    let count = last + 1;
    const colonOnWord = /[:#]$/.test(words[last]!.text);
    const loneColon = /^[:#]$/.test(words[count]?.text ?? '');
    if (label.colon && !colonOnWord && !loneColon) continue;
    if (loneColon) count++;
    const candidate = { field: label.field, count, exact, tokens: label.tokens.length };
    if (
      !best ||
      candidate.tokens > best.tokens ||
      (candidate.tokens === best.tokens && candidate.exact && !best.exact)
    ) {
      best = candidate;
    }
  }
  return best;
}

/** True when the words begin with an end-of-table marker (`Total`, `Base imponible`, ...). */
export function isTableEnd(words: Word[]): boolean {
  const tokens = tokensOf(words).map((t) => t.token);
  return TABLE_END.some((m) => m.every((t, i) => tokens[i] === t));
}
