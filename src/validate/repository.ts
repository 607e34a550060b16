import type { Queryable } from '../db/db.ts';
import { emailDomain } from '../masterdata/normalise.ts';
import type { CustomerKeys } from './customer.ts';
import type { CatalogFacts, CustomerFacts, OrderFacts, ProductFacts } from './types.ts';

/**
 * The SQL behind validation: each function loads one kind of fact for a whole order in one
 * statement (`= ANY($n)` over all its keys), so validating an order costs three or four queries.
 */

const CUSTOMER_COLUMNS = `id, name, tax_id, emails, fax_numbers, edi_ids, currency, credit_limit`;

interface CustomerRow {
  id: string;
  name: string;
  tax_id: string | null;
  emails: string[];
  fax_numbers: string[];
  edi_ids: string[];
  currency: string | null;
  credit_limit: number | null;
}

/** Customers matching any of the keys except the name (each branch is an index lookup). */
export async function findCustomers(q: Queryable, k: CustomerKeys): Promise<CustomerFacts[]> {
  const ids = compact([k.channelId, k.sentById, k.claimedId]);
  const ediIds = compact([...k.partyIds, k.senderEdiId]);
  const emails = compact([k.senderEmail, k.docEmail].flatMap((e) => (e ? [e, emailDomain(e)] : [])));
  const faxes = compact([k.senderFax, k.docFax, ...(k.docFaxes ?? [])]);
  if (ids.length + ediIds.length + emails.length + faxes.length + k.taxIds.length === 0) return [];
  const rows = await q.query<CustomerRow>(
    `SELECT ${CUSTOMER_COLUMNS} FROM customers
      WHERE id = ANY($1::text[]) OR edi_ids && $2::text[] OR emails && $3::text[]
         OR fax_numbers && $4::text[] OR tax_id = ANY($5::text[])
      LIMIT 100`,
    [ids, ediIds, emails, faxes, k.taxIds],
  );
  return rows.map(toCustomer);
}

/** Customers whose name equals `name`, ignoring case: the last resort, only when nothing else matched. */
/** Most customers compared with a fax number read with a slip. */
const FAX_SLIP_LIMIT = 50000;

/** Customers with a fax number on file (for a number OCR read with one digit wrong). */
export async function findCustomersWithFax(q: Queryable): Promise<CustomerFacts[]> {
  const rows = await q.query<CustomerRow>(
    `SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE cardinality(fax_numbers) > 0 ORDER BY id LIMIT $1::int`,
    [FAX_SLIP_LIMIT],
  );
  return rows.map(toCustomer);
}

export async function findCustomersByName(q: Queryable, name: string): Promise<CustomerFacts[]> {
  const rows = await q.query<CustomerRow>(
    `SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE lower(name) = lower($1::text) LIMIT 10`,
    [name],
  );
  return rows.map(toCustomer);
}

function toCustomer(r: CustomerRow): CustomerFacts {
  return {
    id: r.id,
    name: r.name,
    taxId: r.tax_id,
    emails: r.emails,
    faxNumbers: r.fax_numbers,
    ediIds: r.edi_ids,
    currency: r.currency,
    creditLimit: r.credit_limit,
  };
}

/** What the order's lines may name: SKUs as written, valid 14-digit GTINs, customer references. */
export interface CatalogKeys {
  skus: string[];
  gtins: string[];
  refs: string[];
}

/** A cross-reference row (`kind` 'ref') or a product row (`kind` 'product'). */
interface CatalogRow {
  kind: 'ref' | 'product';
  ref: string | null;
  sku: string;
  description: string;
  unit: string;
  unit_price: number;
  currency: string | null;
  gtin: string | null;
  min_qty: number | null;
  pack_size: number | null;
  customer_price: number | null;
  history: number[] | null;
}

/**
 * Products the lines name (by SKU, GTIN or this customer's cross-references) with the customer's
 * price and past quantities, plus the cross-references themselves (one may point to a SKU that
 * products.csv lacks). Kept to plain subqueries: planning, not execution, dominates its cost.
 */
export async function loadCatalog(
  q: Queryable,
  customerId: string | null,
  keys: CatalogKeys,
): Promise<CatalogFacts> {
  const catalog: CatalogFacts = { products: new Map(), gtins: new Map(), crossRefs: new Map() };
  if (keys.skus.length + keys.gtins.length + keys.refs.length === 0) return catalog;
  const rows = await q.query<CatalogRow>(
    `SELECT 'ref' AS kind, x.customer_ref AS ref, x.sku, NULL AS description, NULL AS unit,
            NULL::numeric AS unit_price, NULL AS currency, NULL AS gtin, NULL::numeric AS min_qty,
            NULL::numeric AS pack_size, NULL::numeric AS customer_price, NULL::float8[] AS history
       FROM cross_refs x WHERE x.customer_id = $3::text AND x.customer_ref = ANY($4::text[])
     UNION ALL
     SELECT 'product', NULL, p.sku, p.description, p.unit, p.unit_price, p.currency, p.gtin, p.min_qty,
            p.pack_size,
            (SELECT cp.unit_price FROM prices cp WHERE cp.customer_id = $3::text AND cp.sku = p.sku),
            (SELECT array_agg(h.quantity::float8) FROM order_history h
              WHERE h.customer_id = $3::text AND h.sku = p.sku)
       FROM products p
      WHERE p.sku = ANY($1::text[]) OR p.gtin = ANY($2::text[])
         OR p.sku IN (SELECT x.sku FROM cross_refs x WHERE x.customer_id = $3::text AND x.customer_ref = ANY($4::text[]))`,
    [keys.skus, keys.gtins, customerId, keys.refs],
  );
  for (const r of rows) {
    if (r.kind === 'ref') catalog.crossRefs.set(r.ref!, r.sku);
    else addProduct(catalog, r);
  }
  return catalog;
}

/** At most this many of a customer's articles are compared with a code that names nothing. */
export const CUSTOMER_ARTICLES_LIMIT = 5000;

/**
 * The articles this customer buys: those on its price list, in its order history or behind one of
 * its cross-references, with the cross-references themselves (src/validate/nearest.ts compares an
 * OCR'd code that names nothing with them).
 */
export async function loadCustomerArticles(q: Queryable, customerId: string): Promise<CatalogFacts> {
  const catalog: CatalogFacts = { products: new Map(), gtins: new Map(), crossRefs: new Map() };
  const rows = await q.query<CatalogRow>(
    `WITH own AS (
       SELECT sku FROM prices WHERE customer_id = $1::text
       UNION SELECT sku FROM order_history WHERE customer_id = $1::text
       UNION SELECT sku FROM cross_refs WHERE customer_id = $1::text)
     SELECT 'ref' AS kind, x.customer_ref AS ref, x.sku, NULL AS description, NULL AS unit,
            NULL::numeric AS unit_price, NULL AS currency, NULL AS gtin, NULL::numeric AS min_qty,
            NULL::numeric AS pack_size, NULL::numeric AS customer_price, NULL::float8[] AS history
       FROM cross_refs x WHERE x.customer_id = $1::text
     UNION ALL
     (SELECT 'product', NULL, p.sku, p.description, p.unit, p.unit_price, p.currency, p.gtin, p.min_qty,
            p.pack_size,
            (SELECT cp.unit_price FROM prices cp WHERE cp.customer_id = $1::text AND cp.sku = p.sku),
            (SELECT array_agg(h.quantity::float8) FROM order_history h
              WHERE h.customer_id = $1::text AND h.sku = p.sku)
       FROM products p WHERE p.sku IN (SELECT sku FROM own) ORDER BY p.sku LIMIT $2::int)`,
    [customerId, CUSTOMER_ARTICLES_LIMIT],
  );
  for (const r of rows) {
    if (r.kind === 'ref') catalog.crossRefs.set(r.ref!, r.sku);
    else addProduct(catalog, r);
  }
  return catalog;
}

function addProduct(catalog: CatalogFacts, r: CatalogRow): void {
  const p: ProductFacts = {
    sku: r.sku,
    description: r.description,
    unit: r.unit,
    unitPrice: r.unit_price,
    currency: r.currency,
    gtin: r.gtin,
    minQty: r.min_qty,
    packSize: r.pack_size,
    customerPrice: r.customer_price,
    history: r.history ?? [],
  };
  catalog.products.set(p.sku, p);
  if (p.gtin) catalog.gtins.set(p.gtin, p.sku);
}

interface OrderFactsRow {
  duplicate: { id: number; status: string; receivedAt: string } | null;
  history_date: string | null;
  open: { amount: number | null; count: number } | null;
}

/**
 * Earlier orders with this customer and PO number, and the customer's open amount (only when
 * `withCredit`: the sum is skipped for customers without a credit limit). The open amount reads
 * `orders.order_value` (migration 002, kept at insert) and falls back to the total or the lines
 * for rows without it; the status list matches the partial index orders_customer_open_idx.
 */
export async function loadOrderFacts(
  q: Queryable,
  p: { customerId: string; poNumber: string | null; documentId: number; withCredit: boolean },
): Promise<OrderFacts> {
  const [row] = await q.query<OrderFactsRow>(
    `SELECT
       (SELECT json_build_object('id', o.id, 'status', o.status,
                 'receivedAt', to_char(d.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'))
          FROM orders o JOIN documents d ON d.id = o.document_id
         WHERE o.customer_id = $1::text AND o.po_number = $2::text AND o.status <> 'rejected'
           AND o.document_id <> $3::bigint
         ORDER BY d.received_at, o.id LIMIT 1) AS duplicate,
       (SELECT min(h.order_date) FROM order_history h
         WHERE h.customer_id = $1::text AND h.po_number = $2::text) AS history_date,
       (SELECT json_build_object('count', count(*), 'amount', sum(coalesce(o.order_value, o.total,
                 (SELECT sum(l.quantity * l.unit_price) FROM order_lines l WHERE l.order_id = o.id), 0)))
          FROM orders o
         WHERE $4::boolean AND o.customer_id = $1::text AND o.status IN ('accepted', 'review', 'delivered')
           AND o.created_at > now() - interval '30 days' AND o.document_id <> $3::bigint) AS open`,
    [p.customerId, p.poNumber, p.documentId, p.withCredit],
  );
  const dup = row?.duplicate ?? null;
  return {
    duplicate: dup ? { orderId: dup.id, receivedAt: dup.receivedAt, status: dup.status } : null,
    historyDate: row?.history_date ?? null,
    openAmount: row?.open?.amount ?? 0,
    openCount: row?.open?.count ?? 0,
  };
}

function compact(values: Array<string | null | undefined>): string[] {
  return [...new Set(values.filter((v): v is string => typeof v === 'string' && v !== ''))];
}

interface PoFactRow {
  kind: 'order' | 'history';
  customer_id: string;
  po_number: string;
  id: number | null;
  status: string | null;
  received_at: string;
}

/**
 * Earlier orders (other documents, not rejected) and order_history rows for any of these PO
 * numbers, whoever the customer: the caller matches the customer. One statement per document.
 */
export async function loadPoFacts(
  q: Queryable,
  poNumbers: string[],
  documentId: number,
): Promise<PoFactRow[]> {
  if (poNumbers.length === 0) return [];
  return q.query<PoFactRow>(
    `SELECT 'order' AS kind, o.customer_id, o.po_number, o.id, o.status,
            to_char(d.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS received_at
       FROM orders o JOIN documents d ON d.id = o.document_id
      WHERE o.po_number = ANY($1::text[]) AND o.status <> 'rejected' AND o.document_id <> $2::bigint
        AND o.customer_id IS NOT NULL
     UNION ALL
     SELECT 'history', h.customer_id, h.po_number, NULL, NULL, min(h.order_date)::text
       FROM order_history h WHERE h.po_number = ANY($1::text[])
      GROUP BY h.customer_id, h.po_number
     ORDER BY 6, 4`,
    [poNumbers, documentId],
  );
}

/** The customer's open amount: accepted, review or delivered orders of the last 30 days, other documents. */
export async function loadOpenAmount(
  q: Queryable,
  customerId: string,
  documentId: number,
): Promise<{ amount: number; count: number }> {
  const [row] = await q.query<{ amount: number | null; count: number }>(
    `SELECT count(*)::int8 AS count, sum(coalesce(o.order_value, o.total,
              (SELECT sum(l.quantity * l.unit_price) FROM order_lines l WHERE l.order_id = o.id), 0)) AS amount
       FROM orders o
      WHERE o.customer_id = $1::text AND o.status IN ('accepted', 'review', 'delivered')
        AND o.created_at > now() - interval '30 days' AND o.document_id <> $2::bigint`,
    [customerId, documentId],
  );
  return { amount: row?.amount ?? 0, count: row?.count ?? 0 };
}

/**
 * The customer's latest PO numbers (order history and orders already received from other
 * documents, not rejected): the shape a new one should have.
 */
export async function loadEarlierPoNumbers(
  q: Queryable,
  customerId: string,
  documentId: number,
): Promise<string[]> {
  const rows = await q.query<{ po_number: string }>(
    `SELECT po_number FROM (
       SELECT h.po_number, max(h.order_date)::timestamptz AS at FROM order_history h
        WHERE h.customer_id = $1::text GROUP BY h.po_number
       UNION ALL
       SELECT o.po_number, max(o.created_at) FROM orders o
        WHERE o.customer_id = $1::text AND o.po_number IS NOT NULL AND o.status <> 'rejected'
          AND o.document_id <> $2::bigint
        GROUP BY o.po_number
     ) t ORDER BY at DESC LIMIT 40`,
    [customerId, documentId],
  );
  return rows.map((r) => r.po_number);
}
