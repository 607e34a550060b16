import type { Queryable } from '../db/db.ts';
import type { CustomerKeys } from './customer.ts';
import { catalogKeys } from './lines.ts';
import { type CatalogKeys, findCustomers, loadCatalog, loadOpenAmount, loadPoFacts } from './repository.ts';
import type { MasterDataGeneration } from './shared-cache.ts';
import type { CatalogFacts, CustomerFacts, OrderFacts } from './types.ts';
import type { OrderLine } from '../domain/order.ts';

/**
 * Master data looked up once per document instead of once per order. An EDIFACT interchange
 * often holds dozens of orders from one buyer naming overlapping articles: the customer is found
 * once, and the catalog facts for every article of the whole document are loaded once per
 * customer. Lives for one document only; what it asks of master data goes through `shared`, the
 * generation of master data the document started under (src/validate/shared-cache.ts), when given.
 */
export class MasterDataCache {
  private readonly customers = new Map<string, Promise<CustomerFacts[]>>();
  private readonly catalogs = new Map<string, Promise<CatalogFacts>>();
  private readonly openAmounts = new Map<string, Promise<{ amount: number; count: number }>>();
  private poFacts: ReturnType<typeof loadPoFacts> | null = null;
  private readonly documentKeys: CatalogKeys;

  /**
   * `orders`: every order of the document, so one catalog load covers all their lines and one
   * query finds earlier orders with any of their PO numbers.
   */
  constructor(
    private readonly documentId: number,
    orders: Array<{ poNumber: string | null; lines: OrderLine[] }>,
    private readonly shared?: MasterDataGeneration,
  ) {
    this.documentKeys = catalogKeys(orders.flatMap((o) => o.lines));
    this.poNumbers = [...new Set(orders.map((o) => o.poNumber?.trim()).filter((p): p is string => !!p))];
  }

  private readonly poNumbers: string[];

  /** Same answer as `loadOrderFacts`, from two statements per document instead of one per order. */
  async orderFacts(
    q: Queryable,
    p: { customerId: string; poNumber: string | null; withCredit: boolean },
  ): Promise<OrderFacts> {
    this.poFacts ??= loadPoFacts(q, this.poNumbers, this.documentId);
    let open = this.openAmounts.get(p.customerId);
    if (!open && p.withCredit) {
      open = loadOpenAmount(q, p.customerId, this.documentId);
      this.openAmounts.set(p.customerId, open);
    }
    const [rows, amount] = await Promise.all([this.poFacts, open ?? { amount: 0, count: 0 }]);
    const mine = rows.filter((r) => r.customer_id === p.customerId && r.po_number === p.poNumber);
    const dup = mine.find((r) => r.kind === 'order');
    return {
      duplicate: dup ? { orderId: dup.id!, receivedAt: dup.received_at, status: dup.status! } : null,
      historyDate: mine.find((r) => r.kind === 'history')?.received_at ?? null,
      openAmount: amount.amount,
      openCount: amount.count,
    };
  }

  findCustomers(q: Queryable, keys: CustomerKeys): Promise<CustomerFacts[]> {
    const key = JSON.stringify(keys);
    let hit = this.customers.get(key);
    if (!hit) {
      hit = this.shared ? this.shared.findCustomers(q, keys) : findCustomers(q, keys);
      this.customers.set(key, hit);
    }
    return hit;
  }

  loadCatalog(q: Queryable, customerId: string | null, keys: CatalogKeys): Promise<CatalogFacts> {
    const key = customerId ?? '';
    let hit = this.catalogs.get(key);
    if (!hit) {
      const all = union(this.documentKeys, keys);
      hit = this.shared ? this.shared.loadCatalog(q, customerId, all) : loadCatalog(q, customerId, all);
      this.catalogs.set(key, hit);
    }
    return hit;
  }
}

function union(a: CatalogKeys, b: CatalogKeys): CatalogKeys {
  const merge = (x: string[], y: string[]) => [...new Set([...x, ...y])];
  return { skus: merge(a.skus, b.skus), gtins: merge(a.gtins, b.gtins), refs: merge(a.refs, b.refs) };
}
