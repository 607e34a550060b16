import type { Queryable } from '../db/db.ts';

/** A catalog entry as the portal's autocomplete shows it, priced for one customer. */
export interface ProductHit {
  sku: string;
  description: string;
  unit: string;
  /** The customer's own price (prices.csv) where it has one, else the list price. */
  unitPrice: number;
  currency: string | null;
}

const MAX_QUERY = 100;

/** `%` and `_` typed by a user are literal characters, not wildcards. */
const likeLiteral = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Products whose SKU starts with `q`, or whose description holds every word of `q`. */
export async function searchProducts(
  q: Queryable,
  customerId: string,
  query: string,
  limit = 20,
): Promise<ProductHit[]> {
  // PostgreSQL text cannot hold NUL (a query with one fails), and no product name has one.
  const text = query.replace(/\0/g, '').trim().slice(0, MAX_QUERY);
  if (text === '') return [];
  const words = text.split(/\s+/).map((w) => `%${likeLiteral(w)}%`);
  const rows = await q.query<{
    sku: string;
    description: string;
    unit: string;
    unit_price: number;
    currency: string | null;
  }>(
    `SELECT p.sku, p.description, p.unit, COALESCE(pr.unit_price, p.unit_price) AS unit_price,
            COALESCE(p.currency, c.currency) AS currency
       FROM products p
       LEFT JOIN prices pr ON pr.sku = p.sku AND pr.customer_id = $1
       LEFT JOIN customers c ON c.id = $1
      WHERE p.sku ILIKE $2 OR p.description ILIKE ALL ($3::text[])
      ORDER BY (p.sku ILIKE $2) DESC, p.sku
      LIMIT $4`,
    [customerId, `${likeLiteral(text)}%`, words, limit],
  );
  return rows.map((r) => ({
    sku: r.sku,
    description: r.description,
    unit: r.unit,
    unitPrice: r.unit_price,
    currency: r.currency,
  }));
}
