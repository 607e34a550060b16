/**
 * The master data the evaluation loads: the families' customers (tax id, fax, e-mail domain,
 * currency), the catalog (SKU, GTIN, pack), each customer's own codes (cross-references) and
 * prices, as the supplier would hold them for known customers. CSVs as CONTRACTS.md section 2.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, type Product } from './catalog.ts';
import type { FamilySpec } from './families.ts';

const csv = (v: string | number) => {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
const table = (header: string[], rows: Array<Array<string | number>>) =>
  `${[header, ...rows].map((r) => r.map(csv).join(',')).join('\n')}\n`;

export async function writeMasterData(
  dir: string,
  families: FamilySpec[],
  catalog: Product[],
): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'customers.csv'),
    table(
      ['id', 'name', 'tax_id', 'emails', 'fax_numbers', 'currency'],
      families.map((f) => [
        f.customer.id,
        f.customer.name,
        f.customer.taxId,
        `${f.customer.email};@${f.customer.domain}`,
        f.customer.fax,
        f.customer.currency,
      ]),
    ),
  );
  await writeFile(
    join(dir, 'products.csv'),
    table(
      ['sku', 'description', 'unit', 'unit_price', 'currency', 'gtin', 'min_qty', 'pack_size'],
      catalog.map((p) => [p.sku, describe(p, 'es', false), p.unit, p.listPrice, 'EUR', p.gtin, '', p.pack]),
    ),
  );
  const refs: Array<Array<string | number>> = [];
  const prices: Array<Array<string | number>> = [];
  for (const f of families) {
    for (const a of f.assortment) {
      refs.push([f.customer.id, f.refs.get(a)!, catalog[a]!.sku]);
      prices.push([f.customer.id, catalog[a]!.sku, f.prices.get(a)!.net]);
    }
  }
  await writeFile(join(dir, 'cross_refs.csv'), table(['customer_id', 'customer_ref', 'sku'], refs));
  await writeFile(join(dir, 'prices.csv'), table(['customer_id', 'sku', 'unit_price'], prices));
}
