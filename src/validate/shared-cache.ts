import type { Db, Queryable } from '../db/db.ts';
import type { CustomerKeys } from './customer.ts';
import { type CatalogKeys, findCustomers, loadCatalog } from './repository.ts';
import type { CatalogFacts, CustomerFacts, ProductFacts } from './types.ts';

/**
 * Master data kept between documents, so a burst of orders (an interchange after another, a run
 * of web orders) does not look up the same customer and articles again for each one.
 *
 * Correctness rests on the label of migration 019: a document reads it first (`readMasterDataVersion`)
 * and uses only what was loaded after that same label was read. Any write to master data, by any
 * process, changes the label in the writer's transaction, so a reader that sees the old label
 * started before the new data was visible, and one that sees the new label gets a new, empty
 * generation. Without a label (a new or emptied database) nothing is kept beyond the document.
 */
export class SharedMasterData {
  private current: MasterDataGeneration | null = null;

  /** What may be used for a document that read `version` (null: a generation of its own). */
  at(version: number | null): MasterDataGeneration {
    if (version === null) return new MasterDataGeneration();
    // Unequal, not older: labels never repeat, and a document holding an older generation keeps it.
    if (this.current?.version !== version) this.current = new MasterDataGeneration(version);
    return this.current;
  }
}

const byDb = new WeakMap<Db, SharedMasterData>();

/** The one cache per database connection (pool or embedded database) in this process. */
export function sharedMasterData(db: Db): SharedMasterData {
  let shared = byDb.get(db);
  if (!shared) {
    shared = new SharedMasterData();
    byDb.set(db, shared);
  }
  return shared;
}

/** The current master-data label; null when there is none (nothing may then be kept). */
export async function readMasterDataVersion(q: Queryable): Promise<number | null> {
  const [row] = await q.query<{ version: number }>(`SELECT version FROM masterdata_version`);
  return row?.version ?? null;
}

/** Customers' scheduling flags (SLA hours, priority), from the same rows as their facts. */
export interface CustomerFlags {
  slaHours: number | null;
  priority: boolean;
}

/**
 * Entries kept per generation before it starts over: master data of a few thousand customers and
 * articles, not every key a hostile sender could make up.
 */
const MAX_ENTRIES = 20_000;

/** Master data as it was under one label. Entries are frozen: documents share them. */
export class MasterDataGeneration {
  private readonly customers = new Map<string, Promise<CustomerFacts[]>>();
  private readonly catalogs = new Map<string, CustomerCatalog>();
  private readonly flags = new Map<string, CustomerFlags>();
  private entries = 0;

  constructor(readonly version: number | null = null) {}

  findCustomers(q: Queryable, keys: CustomerKeys): Promise<CustomerFacts[]> {
    const key = JSON.stringify(keys);
    let hit = this.customers.get(key);
    if (!hit) {
      this.count(1);
      hit = findCustomers(q, keys).then((rows) => rows.map(frozenCustomer));
      this.customers.set(key, hit);
      // A failed lookup (connection lost) is not an answer to keep.
      hit.catch(() => this.customers.delete(key));
    }
    return hit;
  }

  /** Same answer as `loadCatalog`; only the keys this generation has not seen are looked up. */
  async loadCatalog(q: Queryable, customerId: string | null, keys: CatalogKeys): Promise<CatalogFacts> {
    const id = customerId ?? '';
    let catalog = this.catalogs.get(id);
    if (!catalog) {
      catalog = new CustomerCatalog();
      this.catalogs.set(id, catalog);
    }
    const missing = catalog.missing(keys);
    if (missing.skus.length + missing.gtins.length + missing.refs.length > 0) {
      this.count(missing.skus.length + missing.gtins.length + missing.refs.length);
      catalog.learn(missing, await loadCatalog(q, customerId, missing));
    }
    return catalog.facts(keys);
  }

  /** SLA hours and priority flag of each customer that exists, in one statement for those not yet known. */
  async customerFlags(q: Queryable, ids: string[]): Promise<Map<string, CustomerFlags>> {
    const unknown = ids.filter((id) => !this.flags.has(id));
    if (unknown.length > 0) {
      const rows = await q.query<{ id: string; sla_hours: number | null; priority: boolean }>(
        `SELECT id, sla_hours::float8 AS sla_hours, priority FROM customers WHERE id = ANY($1::text[])`,
        [unknown],
      );
      this.count(rows.length);
      for (const r of rows)
        this.flags.set(r.id, Object.freeze({ slaHours: r.sla_hours, priority: r.priority }));
    }
    const out = new Map<string, CustomerFlags>();
    for (const id of ids) {
      const f = this.flags.get(id);
      if (f) out.set(id, f);
    }
    return out;
  }

  private count(n: number): void {
    this.entries += n;
    if (this.entries <= MAX_ENTRIES) return;
    this.customers.clear();
    this.catalogs.clear();
    this.flags.clear();
    this.entries = n;
  }
}

/** One customer's view of the catalog (its prices, history and cross-references), key by key. */
class CustomerCatalog {
  /** By SKU; null: no such product. */
  private readonly products = new Map<string, ProductFacts | null>();
  /** The SKUs of the products carrying a GTIN (none: an empty list). */
  private readonly gtins = new Map<string, string[]>();
  /** The SKU a customer reference points to; null: no such reference. */
  private readonly refs = new Map<string, string | null>();

  missing(keys: CatalogKeys): CatalogKeys {
    return {
      skus: keys.skus.filter((s) => !this.products.has(s)),
      gtins: keys.gtins.filter((g) => !this.gtins.has(g)),
      refs: keys.refs.filter((r) => !this.refs.has(r)),
    };
  }

  /** Records what `loadCatalog` answered for `asked`, including every "not found". */
  learn(asked: CatalogKeys, facts: CatalogFacts): void {
    const found = [...facts.products.values()];
    for (const p of found) this.products.set(p.sku, frozenProduct(p));
    for (const s of asked.skus) if (!facts.products.has(s)) this.products.set(s, null);
    for (const g of asked.gtins)
      this.gtins.set(
        g,
        found.filter((p) => p.gtin === g).map((p) => p.sku),
      );
    for (const r of asked.refs) {
      const sku = facts.crossRefs.get(r) ?? null;
      this.refs.set(r, sku);
      // The reference was looked up with its product: a SKU products.csv lacks is known absent.
      if (sku !== null && !facts.products.has(sku)) this.products.set(sku, null);
    }
  }

  /** What `loadCatalog` would answer for `keys`, from what was learned (every key is known). */
  facts(keys: CatalogKeys): CatalogFacts {
    const out: CatalogFacts = { products: new Map(), gtins: new Map(), crossRefs: new Map() };
    const add = (sku: string) => {
      const p = this.products.get(sku);
      if (!p) return;
      out.products.set(sku, p);
      if (p.gtin) out.gtins.set(p.gtin, p.sku);
    };
    for (const s of keys.skus) add(s);
    for (const g of keys.gtins) for (const s of this.gtins.get(g) ?? []) add(s);
    for (const r of keys.refs) {
      const sku = this.refs.get(r);
      if (!sku) continue;
      out.crossRefs.set(r, sku);
      add(sku);
    }
    return out;
  }
}

// Shared by every document of a generation: a check that changed one would change them all, so
// any such write throws instead (ES modules run in strict mode).
function frozenCustomer(c: CustomerFacts): CustomerFacts {
  Object.freeze(c.emails);
  Object.freeze(c.faxNumbers);
  Object.freeze(c.ediIds);
  return Object.freeze(c);
}

function frozenProduct(p: ProductFacts): ProductFacts {
  Object.freeze(p.history);
  return Object.freeze(p);
}
