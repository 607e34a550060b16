import type { ValidationConfig } from '../config.ts';
import { emptyLine, type OrderLine } from '../domain/order.ts';
import type { CatalogFacts, ProductFacts } from './types.ts';

/** Shared builders for the validation tests. */

export const CONFIG: ValidationConfig = {
  priceTolerance: 0.02,
  quantityAnomalyFactor: 5,
  quantityHistoryMin: 3,
  totalTolerance: 0.005,
};

export function product(sku: string, over: Partial<ProductFacts> = {}): ProductFacts {
  return {
    sku,
    description: `Product ${sku}`,
    unit: 'EA',
    unitPrice: 1,
    currency: 'EUR',
    gtin: null,
    minQty: null,
    packSize: null,
    customerPrice: null,
    history: [],
    ...over,
  };
}

export function line(over: Partial<OrderLine> = {}): OrderLine {
  return { ...emptyLine(1), ...over };
}

export function catalog(products: ProductFacts[], crossRefs: Record<string, string> = {}): CatalogFacts {
  const c: CatalogFacts = {
    products: new Map(),
    gtins: new Map(),
    crossRefs: new Map(Object.entries(crossRefs)),
  };
  for (const p of products) {
    c.products.set(p.sku, p);
    if (p.gtin) c.gtins.set(p.gtin, p.sku);
  }
  return c;
}
