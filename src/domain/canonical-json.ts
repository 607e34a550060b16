import type { CanonicalOrder } from './order.ts';

const ORDER_KEYS = [
  'customer',
  'poNumber',
  'orderDate',
  'deliveryDate',
  'currency',
  'shipTo',
  'lines',
  'total',
  'notes',
];
const CUSTOMER_KEYS = ['id', 'name', 'taxId'];
const ADDRESS_KEYS = ['name', 'street', 'postalCode', 'city', 'country'];
const LINE_KEYS = [
  'lineNo',
  'sku',
  'customerRef',
  'gtin',
  'description',
  'quantity',
  'unit',
  'unitPrice',
  'amount',
];

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Known keys first, in contract order; any other key after them, untouched (contract extensions). */
function ordered(obj: Obj, keys: string[]): Obj {
  const out: Obj = {};
  for (const k of keys) if (k in obj) out[k] = obj[k];
  for (const [k, v] of Object.entries(obj)) if (!(k in out)) out[k] = v;
  return out;
}

/**
 * The canonical order as JSON text, keys in the order CONTRACTS.md shows them. Orders come back
 * from jsonb with their keys re-sorted; the ERP and the people reading export files get the
 * contract's layout. Nothing is added or removed.
 */
export function canonicalOrderJson(order: CanonicalOrder, pretty = false): string {
  const o = inContractOrder(order);
  return pretty ? JSON.stringify(o, null, 2) : JSON.stringify(o);
}

/** The same order object with its keys in contract order (for every JSON the outside reads). */
export function inContractOrder(order: CanonicalOrder): CanonicalOrder {
  const o = ordered(order as unknown as Obj, ORDER_KEYS);
  if (isObject(o.customer)) o.customer = ordered(o.customer, CUSTOMER_KEYS);
  if (isObject(o.shipTo)) o.shipTo = ordered(o.shipTo, ADDRESS_KEYS);
  if (Array.isArray(o.lines)) o.lines = o.lines.map((l) => (isObject(l) ? ordered(l, LINE_KEYS) : l));
  return o as unknown as CanonicalOrder;
}
