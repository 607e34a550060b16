import type { FieldMeta } from '../domain/extraction.ts';
import { type Finding, type FindingParams, finding } from '../domain/findings.ts';
import type { OrderLine } from '../domain/order.ts';
import { REPAIRED } from '../extract/meta.ts';
import { oneSlipAway } from '../extract/shape.ts';
import { parseGtin } from '../masterdata/normalise.ts';
import { nearestArticle } from './nearest.ts';
import type { CatalogKeys } from './repository.ts';
import type { CatalogFacts, ProductFacts } from './types.ts';

/** Field meta changes: a value set to `undefined` removes the entry. */
export type MetaPatch = Record<string, FieldMeta | undefined>;

export interface LineResolution {
  line: OrderLine;
  product: ProductFacts | null;
  findings: Finding[];
  meta: MetaPatch;
  /**
   * Set when the code as read matched nothing and was taken as the one known code one OCR slip
   * away: the `low_confidence` finding that says so, for corroboration to grade.
   */
  repair?: Finding;
}

/** What resolving one line needs besides the line. */
export interface LineContext {
  index: number;
  catalog: CatalogFacts;
  customerKnown: boolean;
  /** The extraction's field meta, to carry a value's confidence to where the value moves. */
  fieldMeta: Readonly<Record<string, FieldMeta>>;
  /**
   * The codes were read by OCR (catalogKeys was asked for neighbours): a code that matches
   * nothing may be taken as the one known code one slip away.
   */
  repairSlips?: boolean;
  /**
   * The customer's own articles (src/validate/nearest.ts): an OCR'd code that names nothing, not
   * even one slip away, may be taken as the nearest of them that the line's description or price
   * names too.
   */
  articles?: CatalogFacts;
}

type Via =
  | 'sku'
  | 'gtin'
  | 'customerRef'
  | 'refAsSku'
  | 'skuAsRef'
  | 'skuAsGtin'
  | 'refAsGtin'
  | 'inDescription';

/** Article-code-looking words inside a description ("Cable PRO-22413 ..."): letters and digits, 5+ long. */
export function codesIn(description: string | null): string[] {
  if (!description) return [];
  return description
    .split(/\s+/)
    .map((w) => w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''))
    .filter((w) => w.length >= 5 && /\d/.test(w) && /[\p{L}-]/u.test(w));
}

const trimmed = (s: string | null): string | null => s?.trim() || null;

/** The words of a code field that holds two codes side by side ("M-5964-98 8437001100149"). */
function partsOf(code: string | null): string[] {
  const parts = code?.trim().split(/\s+/) ?? [];
  return parts.length > 1 && parts.length <= 3 ? parts : [];
}

/**
 * Every key the lines could be found by, for one catalog query. With `neighbours`, also every
 * code one OCR slip away from a read code, so corroboration can tell whether a misreading could
 * have landed on another valid article.
 */
export function catalogKeys(lines: OrderLine[], neighbours = false): CatalogKeys {
  const skus = new Set<string>();
  const gtins = new Set<string>();
  const refs = new Set<string>();
  for (const line of lines) {
    const sku = trimmed(line.sku);
    const ref = trimmed(line.customerRef);
    if (sku) {
      skus.add(sku).add(sku.toUpperCase());
      refs.add(sku);
    }
    const squeezed = ref?.replace(/\s+/g, '');
    if (squeezed && squeezed !== ref) skus.add(squeezed).add(squeezed.toUpperCase());
    if (ref) {
      refs.add(ref);
      // What a "Ref." or "Artículo" column holds is as often the supplier's own code.
      skus.add(ref).add(ref.toUpperCase());
    }
    for (const code of [...codesIn(line.description), ...partsOf(line.sku), ...partsOf(line.customerRef)]) {
      skus.add(code).add(code.toUpperCase());
      refs.add(code);
      const g = parseGtin(code);
      if (g.ok) gtins.add(g.gtin);
    }
    if (neighbours) {
      for (const code of [sku, ref]) {
        for (const v of code ? oneSlipAway(code) : []) {
          skus.add(v);
          refs.add(v);
        }
      }
    }
    for (const g of [line.gtin, sku, ref]) {
      const r = g ? parseGtin(g) : null;
      if (r?.ok) gtins.add(r.gtin);
    }
  }
  return { skus: [...skus], gtins: [...gtins], refs: [...refs] };
}

/**
 * Finds the supplier SKU of one line: its SKU as written, its GTIN, the customer's reference via
 * cross_refs, the SKU slot via cross_refs (customers put their own number there), then a GTIN
 * written in the SKU or reference slot. Unknown: `unknown_sku` and sku null, with what the
 * customer wrote kept in customerRef.
 */
export function resolveLine(input: OrderLine, ctx: LineContext): LineResolution {
  const { index, catalog } = ctx;
  const line = { ...input, sku: trimmed(input.sku), customerRef: trimmed(input.customerRef) };
  const path = (f: string) => `lines[${index}].${f}`;
  const metaOf = (f: string): FieldMeta =>
    meta[path(f)] ?? ctx.fieldMeta[path(f)] ?? { confidence: 1, source: null };
  const findings: Finding[] = [];
  const meta: MetaPatch = {};
  const gtin = checkGtin(line, index, findings);
  let hit = findProduct(line, gtin, catalog);
  let repair: Finding | undefined;
  if (!hit && ctx.repairSlips) {
    const slip = findBySlip(line, catalog);
    if (slip) {
      const field = slip.field;
      const read = line[field]!;
      line[field] = slip.code;
      const was = metaOf(field);
      meta[path(field)] = { ...was, confidence: Math.min(was.confidence, REPAIRED) };
      const msg = `${path(field)} read as "${read}" matches no article; taken as "${slip.code}", the only known code one OCR slip away`;
      repair = finding('low_confidence', 'warning', path(field), msg, {
        t: 'low_confidence.slip',
        field: path(field),
        read,
        code: slip.code,
      });
      hit = findProduct(line, gtin, catalog);
    }
  }
  if (!hit && ctx.articles) {
    const near = nearestArticle(line, index, ctx.articles, ctx.fieldMeta);
    if (near?.exact) {
      line[near.field] = near.code;
      const isRef = near.code !== near.product.sku;
      const via: Via =
        near.field === 'customerRef' ? (isRef ? 'customerRef' : 'refAsSku') : isRef ? 'skuAsRef' : 'sku';
      hit = { product: near.product, via };
    } else if (near) {
      const { field, read, code, product } = near;
      line[field] = code;
      const was = metaOf(field);
      meta[path(field)] = { ...was, confidence: Math.min(was.confidence, REPAIRED) };
      const named = near.witnesses.map((w) => (w === 'price' ? 'unit price' : w)).join(' and ');
      const msg = `${path(field)} read as "${read}" matches no article; taken as "${code}" (${product.sku}), the nearest of the customer's articles, which the line's ${named} also name`;
      repair = finding('low_confidence', 'warning', path(field), msg, {
        t: 'low_confidence.nearest',
        field: path(field),
        read,
        code,
        sku: product.sku,
        witnesses: near.witnesses.join(','),
      });
      const isRef = code !== product.sku;
      const via: Via =
        field === 'gtin'
          ? 'gtin'
          : field === 'customerRef'
            ? isRef
              ? 'customerRef'
              : 'refAsSku'
            : isRef
              ? 'skuAsRef'
              : 'sku';
      if (field === 'gtin') {
        // The repair's own finding says what was read; the bad check digit's goes.
        const bad = findings.findIndex((f) => f.params?.t === 'low_confidence.badGtin');
        if (bad >= 0) findings.splice(bad, 1);
      }
      hit = { product, via };
    }
  }
  if (!hit) return unknownLine(line, gtin, ctx, findings);

  const { product, via } = hit;
  const writtenSku = line.sku;
  line.sku = product.sku;
  if (gtin) line.gtin = gtin;
  if (via === 'skuAsRef' && !line.customerRef) {
    line.customerRef = writtenSku;
    meta[path('customerRef')] = metaOf('sku');
  }
  if (via === 'skuAsGtin' && !line.gtin) {
    line.gtin = product.gtin;
    meta[path('gtin')] = metaOf('sku');
  }
  if (via !== 'sku') meta[path('sku')] = metaOf(SOURCE_FIELD[via]);
  fillFromCatalog(line, product, path, meta);
  const conflict = gtin ? catalog.gtins.get(gtin) : undefined;
  if (conflict && conflict !== product.sku) {
    const msg = `Line ${line.lineNo}: article ${product.sku} and GTIN ${gtin} (${conflict}) name different products; check which one the customer meant`;
    findings.push(
      finding('low_confidence', 'warning', path('sku'), msg, {
        t: 'low_confidence.gtinConflict',
        line: line.lineNo,
        sku: product.sku,
        gtin,
        other: conflict,
      }),
    );
  }
  return { line, product, findings, meta, ...(repair ? { repair } : {}) };
}

/** The one catalog code (SKU or this customer's reference) one OCR slip from a code that matched nothing. */
function findBySlip(
  line: OrderLine,
  catalog: CatalogFacts,
): { field: 'customerRef' | 'sku'; code: string } | null {
  for (const field of ['customerRef', 'sku'] as const) {
    const code = line[field];
    if (!code) continue;
    const found = new Map<string, string>();
    for (const v of oneSlipAway(code)) {
      const sku = catalog.crossRefs.get(v) ?? (catalog.products.has(v) ? v : undefined);
      if (sku && catalog.products.has(sku)) found.set(sku, v);
    }
    if (found.size === 1) return { field, code: [...found.values()][0]! };
  }
  return null;
}

/** Description and unit from the catalog where the document gave none: defaults, not readings. */
function fillFromCatalog(
  line: OrderLine,
  product: ProductFacts,
  path: (f: string) => string,
  meta: MetaPatch,
): void {
  if (line.description === null) {
    line.description = product.description;
    meta[path('description')] = { confidence: 1, source: null };
  }
  if (line.unit === null) {
    line.unit = product.unit;
    meta[path('unit')] = { confidence: 1, source: null };
  }
}

const SOURCE_FIELD: Record<Via, string> = {
  sku: 'sku',
  gtin: 'gtin',
  customerRef: 'customerRef',
  skuAsRef: 'sku',
  skuAsGtin: 'sku',
  refAsGtin: 'customerRef',
  refAsSku: 'customerRef',
  inDescription: 'description',
};

function findProduct(
  line: OrderLine,
  gtin: string | null,
  catalog: CatalogFacts,
): { product: ProductFacts; via: Via } | null {
  const { products, gtins, crossRefs } = catalog;
  const bySku = (sku: string | null | undefined) =>
    sku ? (products.get(sku) ?? products.get(sku.toUpperCase())) : undefined;
  const byGtin = (raw: string | null) => {
    const r = raw ? parseGtin(raw) : null;
    return r?.ok ? bySku(gtins.get(r.gtin)) : undefined;
  };
  const tries: Array<[Via, () => ProductFacts | undefined]> = [
    ['sku', () => bySku(line.sku)],
    ['gtin', () => bySku(gtin && gtins.get(gtin))],
    ['customerRef', () => bySku(line.customerRef && crossRefs.get(line.customerRef))],
    ['refAsSku', () => bySku(line.customerRef) ?? bySku(line.customerRef?.replace(/\s+/g, ''))],
    ['skuAsRef', () => bySku(line.sku && crossRefs.get(line.sku))],
    ['skuAsGtin', () => byGtin(line.sku)],
    ['refAsGtin', () => byGtin(line.customerRef)],
  ];
  for (const [via, find] of tries) {
    const product = find();
    if (product) return { product, via };
  }
  // Two code columns read as one ("M-5964-98 8437001100149", a customer code and its EAN): the
  // line's article when every part that names one names the same.
  for (const [field, raw] of [
    ['customerRef', line.customerRef],
    ['sku', line.sku],
  ] as const) {
    const named = partsOf(raw).map((part) => {
      const asRef = bySku(crossRefs.get(part));
      if (asRef)
        return { product: asRef, via: field === 'sku' ? ('skuAsRef' as const) : ('customerRef' as const) };
      const asSku = bySku(part);
      if (asSku) return { product: asSku, via: field === 'sku' ? ('sku' as const) : ('refAsSku' as const) };
      const asGtin = byGtin(part);
      return asGtin
        ? { product: asGtin, via: field === 'sku' ? ('skuAsGtin' as const) : ('refAsGtin' as const) }
        : null;
    });
    const found = named.filter((n) => n !== null);
    if (found.length > 0 && new Set(found.map((n) => n.product.sku)).size === 1) return found[0]!;
  }
  // No code column held one: a code printed in the description, when exactly one article fits.
  const found = new Set<ProductFacts>();
  for (const code of codesIn(line.description)) {
    const p = bySku(code) ?? bySku(crossRefs.get(code));
    if (p) found.add(p);
  }
  return found.size === 1 ? { product: [...found][0]!, via: 'inDescription' } : null;
}

/** The line's GTIN in 14-digit form; a malformed one is reported and not used. */
function checkGtin(line: OrderLine, index: number, findings: Finding[]): string | null {
  const raw = trimmed(line.gtin);
  if (!raw) return null;
  const r = parseGtin(raw);
  if (r.ok) return r.gtin;
  const why =
    r.reason === 'check_digit'
      ? `has a wrong check digit (${r.expected} would be valid)`
      : 'is not a GTIN (8, 12, 13 or 14 digits)';
  findings.push(
    finding(
      'low_confidence',
      'warning',
      `lines[${index}].gtin`,
      `Line ${line.lineNo}: GTIN ${raw} ${why}; it was not used to find the article`,
      {
        t: 'low_confidence.badGtin',
        line: line.lineNo,
        gtin: raw,
        expected: r.reason === 'check_digit' ? r.expected : null,
      },
    ),
  );
  return null;
}

function unknownLine(
  line: OrderLine,
  gtin: string | null,
  ctx: LineContext,
  findings: Finding[],
): LineResolution {
  const path = (f: string) => `lines[${ctx.index}].${f}`;
  const meta: MetaPatch = {};
  findings.push(
    finding(
      'unknown_sku',
      'error',
      path('sku'),
      unknownMessage(line, gtin, ctx),
      unknownParams(line, gtin, ctx),
    ),
  );
  if (line.sku && !line.customerRef) {
    line.customerRef = line.sku;
    const moved = ctx.fieldMeta[path('sku')];
    if (moved) meta[path('customerRef')] = moved;
  }
  if (line.sku) meta[path('sku')] = undefined;
  if (gtin) line.gtin = gtin;
  return { line: { ...line, sku: null }, product: null, findings, meta };
}

function unknownParams(line: OrderLine, gtin: string | null, ctx: LineContext): FindingParams {
  if (!line.sku && !line.customerRef && !line.gtin) {
    return { t: 'unknown_sku.none', line: line.lineNo, description: line.description ?? null };
  }
  const dangling = [line.customerRef, line.sku].map((r) => r && ctx.catalog.crossRefs.get(r)).find(Boolean);
  return {
    t: 'unknown_sku.written',
    line: line.lineNo,
    sku: line.sku ?? null,
    ref: line.customerRef ?? null,
    gtin: line.gtin ? (gtin ?? line.gtin) : null,
    dangling: dangling ?? null,
    customerKnown: ctx.customerKnown ? 1 : 0,
  };
}

function unknownMessage(line: OrderLine, gtin: string | null, ctx: LineContext): string {
  const written: string[] = [];
  if (line.sku) written.push(`article ${line.sku}`);
  if (line.customerRef) written.push(`customer reference ${line.customerRef}`);
  if (line.gtin) written.push(`GTIN ${gtin ?? line.gtin}`);
  if (written.length === 0) {
    const described = line.description ? ` (description "${line.description}")` : '';
    return `Line ${line.lineNo} gives no article number, customer reference or GTIN${described}`;
  }
  const message = `Line ${line.lineNo}: no product matches ${written.join(', ')}`;
  const dangling = [line.customerRef, line.sku].map((r) => r && ctx.catalog.crossRefs.get(r)).find(Boolean);
  if (dangling)
    return `${message}; the cross-reference points to SKU ${dangling}, which is not in the catalog`;
  return ctx.customerKnown ? message : `${message}; cross-references not checked, customer unknown`;
}
