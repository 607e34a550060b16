/**
 * Master data as a second witness for what OCR read. A line's article code that resolved to a
 * product is confirmed by three independent facts:
 * - no other valid code lies one OCR slip away from it (so a misreading could not land on one);
 * - the line's own description, read separately, names the same article;
 * - the line's unit price equals the product's price.
 * Each raises the code's confidence halfway to 1; description and price together make it at
 * least 0.95, however unsure the OCR was of the code's glyphs. A price equal to the price list
 * rises too.
 */
import { LOW_CONFIDENCE } from '../domain/confidence.ts';
import type { FieldMeta } from '../domain/extraction.ts';
import type { Finding } from '../domain/findings.ts';
import type { CanonicalOrder } from '../domain/order.ts';
import { oneSlipAway } from '../extract/shape.ts';
import type { CatalogFacts, ProductFacts } from './types.ts';

/** Character-bigram similarity (Dice) of two descriptions, accents and case folded: 0..1. */
export function descriptionSimilarity(a: string, b: string): number {
  const fold = (s: string) =>
    s
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim();
  const bigrams = (s: string) => {
    const out = new Map<string, number>();
    for (let i = 0; i + 1 < s.length; i++) {
      const g = s.slice(i, i + 2);
      out.set(g, (out.get(g) ?? 0) + 1);
    }
    return out;
  };
  const x = bigrams(fold(a));
  const y = bigrams(fold(b));
  const total = [...x.values(), ...y.values()].reduce((s, n) => s + n, 0);
  if (total === 0) return 0;
  let common = 0;
  for (const [g, n] of x) common += Math.min(n, y.get(g) ?? 0);
  return (2 * common) / total;
}

/** Descriptions at least this similar name the same article (OCR slips and abbreviations allowed). */
export const SAME_DESCRIPTION = 0.7;

const CODE_FIELDS = ['sku', 'customerRef', 'gtin'] as const;

/** True when no catalog article or cross-reference is one OCR slip from `code` (see catalogKeys). */
export function isolatedCode(code: string, catalog: CatalogFacts): boolean {
  const self = code.toUpperCase();
  return !oneSlipAway(code).some(
    (v) =>
      v.toUpperCase() !== self &&
      (catalog.products.has(v) || catalog.products.has(v.toUpperCase()) || catalog.crossRefs.has(v)),
  );
}

/** Two prices equal to the tenth of a percent (half a cent at least). */
export function samePrice(a: number, b: number): boolean {
  return Math.abs(a - b) <= Math.max(0.005, Math.abs(b) * 0.001);
}

/**
 * Raises the confidence of line fields that master data confirms, in `fieldMeta` (in place), and
 * returns the extraction's `low_confidence` warnings re-graded: a field now confirmed above
 * LOW_CONFIDENCE keeps its finding as `info`, saying what confirmed it.
 */
export function corroborateLines(
  order: CanonicalOrder,
  products: Array<ProductFacts | null>,
  fieldMeta: Record<string, FieldMeta>,
  extractionFindings: Finding[],
  currency: { order: string | null; customer: string | null },
  catalog: CatalogFacts,
  repairedLines: ReadonlySet<number> = new Set(),
): Finding[] {
  const why = new Map<string, string>();
  order.lines.forEach((line, i) => {
    const product = products[i];
    if (!product) return;
    const path = (f: string) => `lines[${i}].${f}`;
    const described =
      line.description !== null &&
      fieldMeta[path('description')]?.source != null &&
      descriptionSimilarity(line.description, product.description) >= SAME_DESCRIPTION;
    const own = product.customerPrice !== null;
    const reference = own ? product.customerPrice! : product.unitPrice;
    const refCurrency = own ? (currency.customer ?? product.currency) : product.currency;
    const priced =
      line.unitPrice !== null &&
      (!currency.order || !refCurrency || currency.order === refCurrency) &&
      samePrice(line.unitPrice, reference);
    const written = line.customerRef ?? line.sku;
    // A repaired code's own neighbours were never looked up: isolation cannot be claimed for it.
    const repaired = repairedLines.has(i);
    const isolated = written !== null && !repaired && isolatedCode(written, catalog);
    const agreed = [described ? 'description' : null, priced ? 'price' : null].filter(Boolean);
    if (agreed.length === 0 && !isolated) return;
    const reasons = agreed.length > 0 ? [`${agreed.join(' and ')} agree with article ${product.sku}`] : [];
    if (isolated) reasons.push(`no other article is one OCR slip from ${written}`);
    const because = reasons.join('; ');
    const witnesses = agreed.length + (isolated ? 1 : 0);
    for (const f of CODE_FIELDS) {
      const meta = fieldMeta[path(f)];
      if (!meta || meta.confidence >= 1) continue;
      let c = meta.confidence;
      for (let k = 0; k < witnesses; k++) c += (1 - c) / 2;
      if (agreed.length === 2) c = Math.max(c, 0.95);
      fieldMeta[path(f)] = { ...meta, confidence: Math.round(c * 1000) / 1000 };
      why.set(path(f), because);
    }
    const price = fieldMeta[path('unitPrice')];
    if (priced && price && price.confidence < 1) {
      const c = price.confidence + (1 - price.confidence) / 2;
      fieldMeta[path('unitPrice')] = { ...price, confidence: Math.round(c * 1000) / 1000 };
      why.set(path('unitPrice'), `it equals the ${own ? "customer's" : 'list'} price of ${product.sku}`);
    }
  });
  return extractionFindings.map((f) => {
    const reason = f.field ? why.get(f.field) : undefined;
    const now = f.field ? fieldMeta[f.field]?.confidence : undefined;
    if (f.code !== 'low_confidence' || !reason || now === undefined || now < LOW_CONFIDENCE) return f;
    return { ...f, severity: 'info', message: `${f.message}; confirmed (${now.toFixed(2)}): ${reason}` };
  });
}
