/**
 * An OCR'd article code that names nothing, read against the articles this customer buys. A fax
 * or scan mangles codes in more ways than one confusable glyph ("TUS 90025" for TUB-90025,
 * "CAB-109025/AV" for CAB-10025/AV, "PRO-11618" for PRO-11610): the code as read is compared with
 * every SKU and cross-reference of the customer's own articles (its price list, order history and
 * cross-references), and taken as the nearest one only when
 * - it lies within one edit of it, glyphs that OCR confuses counted as none, and no glyph was
 *   added or dropped at either end (how a customer's own variant code is written);
 * - the line's own description or its unit price, read apart from the code, names that article;
 * - no other article as near, or nearer, is named as well.
 * A GTIN whose check digit fails is taken the same way as the one article a digit away. A code
 * whose letters and digits are one of the customer's codes, only spaces or separators read
 * otherwise ("30 468 877" for 30.468.877), is that code: no repair at all.
 * The repaired code keeps a repaired confidence: only the witnesses that corroboration then counts
 * (description and price together) can carry the line past the acceptance threshold.
 */
import type { FieldMeta } from '../domain/extraction.ts';
import type { OrderLine } from '../domain/order.ts';
import { editDistance } from '../extract/layout.ts';
import { parseGtin } from '../masterdata/normalise.ts';
import { descriptionSimilarity, SAME_DESCRIPTION, samePrice } from './corroborate.ts';
import type { CatalogFacts, ProductFacts } from './types.ts';

/** Glyphs OCR reads for one another, folded to one representative before codes are compared. */
const FOLD: Record<string, string> = {
  O: '0',
  D: '0',
  Q: '0',
  I: '1',
  L: '1',
  '|': '1',
  '!': '1',
  S: '5',
  $: '5',
  B: '8',
  Z: '2',
  G: '6',
};

/** A code as OCR sees it: upper case, confusable glyphs folded, spaces and separators gone. */
export function codeSkeleton(code: string): string {
  return [...code.toUpperCase().replace(/[^\p{L}\p{N}|!$]+/gu, '')].map((c) => FOLD[c] ?? c).join('');
}

/**
 * How many edits (confusable glyphs folded) a read code may be from the article it names: one, from
 * five glyphs. Two let a customer's own variant ("M-7125-83X" beside M-7125-83, same text and
 * price) pass for the known article.
 */
function allowed(skeleton: string): number {
  return skeleton.length < 5 ? 0 : 1;
}

/**
 * A glyph more or less at either end of a code is how variants are written ("…-83X", "X…"),
 * not how OCR slips: only a substitution, or a glyph dropped or added inside the code, is one.
 */
function endsKept(read: string, known: string): boolean {
  return read.length === known.length || (read[0] === known[0] && read.at(-1) === known.at(-1));
}

export interface NearestCode {
  field: 'customerRef' | 'sku' | 'gtin';
  /** What was read. */
  read: string;
  /** The article's code the reading was nearest to: its SKU, or this customer's reference. */
  code: string;
  product: ProductFacts;
  /** What named the article besides the code. */
  witnesses: Witness[];
  /** The code as written but for spaces and separators: no repair at all. */
  exact?: boolean;
}

/** A part of the line, read apart from its code, that names an article. */
export type Witness = 'description' | 'price';

interface Candidate {
  product: ProductFacts;
  code: string;
  distance: number;
  witnesses: Witness[];
}

/**
 * The customer's article an unresolved, OCR'd line code stands for, or null. `articles` holds the
 * customer's articles (products by SKU, its cross-references); `fieldMeta` tells which codes were
 * read by OCR (confidence under 1: a text layer's code is as its writer typed it, never mended).
 */
export function nearestArticle(
  line: OrderLine,
  index: number,
  articles: CatalogFacts,
  fieldMeta: Readonly<Record<string, FieldMeta>>,
): NearestCode | null {
  const codes = new Map<string, Array<{ code: string; product: ProductFacts }>>();
  const add = (code: string, product: ProductFacts | undefined) => {
    if (!product) return;
    const key = codeSkeleton(code);
    codes.set(key, [...(codes.get(key) ?? []), { code, product }]);
  };
  for (const p of articles.products.values()) add(p.sku, p);
  for (const [ref, sku] of articles.crossRefs) add(ref, articles.products.get(sku));

  const byGtin = gtinNeighbour(line, index, articles, fieldMeta);
  if (byGtin) return byGtin;
  // The same letters and digits, only spaces or separators read differently ("30 468 877" for
  // 30.468.877): the code itself, not a repair.
  const compact = (c: string) => c.toUpperCase().replace(/[^\p{L}\p{N}]+/gu, '');
  for (const field of ['customerRef', 'sku'] as const) {
    const read = line[field]?.trim();
    if (!read || compact(read).length < 5) continue;
    const same = [...codes.values()].flat().filter((e) => compact(e.code) === compact(read));
    if (new Set(same.map((e) => e.product.sku)).size === 1) {
      return { field, read, code: same[0]!.code, product: same[0]!.product, witnesses: [], exact: true };
    }
  }
  for (const field of ['customerRef', 'sku'] as const) {
    const read = line[field]?.trim();
    const meta = fieldMeta[`lines[${index}].${field}`];
    if (!read || !meta || meta.confidence >= 1) continue;
    // A code cell may hold a neighbour's word too ("PYC-20040 0,88"): each word is tried alone.
    const words = read.split(/\s+/).filter((w) => /\d/.test(w) && /\p{L}/u.test(w));
    for (const word of new Set([read, ...words])) {
      const found = nearestTo(word, line, codes);
      if (found) return { field, read, ...found };
    }
  }
  return null;
}

/**
 * An OCR'd GTIN whose check digit fails: one misread digit. The customer's one article whose GTIN
 * differs from it in exactly one digit, when the line's description or price names it too (two
 * valid GTINs always differ in two digits or more, so the check digit alone cannot choose).
 */
function gtinNeighbour(
  line: OrderLine,
  index: number,
  articles: CatalogFacts,
  fieldMeta: Readonly<Record<string, FieldMeta>>,
): NearestCode | null {
  const meta = fieldMeta[`lines[${index}].gtin`];
  const read = line.gtin?.replace(/\s/g, '') ?? '';
  if (!meta || meta.confidence >= 1 || !/^\d{8,14}$/.test(read) || parseGtin(read).ok) return null;
  const padded = read.padStart(14, '0');
  const near = [...articles.products.values()].filter((p) => {
    if (!p.gtin || p.gtin.length !== 14) return false;
    let diff = 0;
    for (let i = 0; i < 14 && diff <= 1; i++) if (p.gtin[i] !== padded[i]) diff++;
    return diff === 1;
  });
  const named = near
    .map((product) => ({ product, witnesses: witnessesOf(line, product) }))
    .filter((c) => c.witnesses.length > 0);
  if (named.length !== 1) return null;
  const { product, witnesses } = named[0]!;
  return { field: 'gtin', read, code: product.gtin!, product, witnesses };
}

function nearestTo(
  word: string,
  line: OrderLine,
  codes: Map<string, Array<{ code: string; product: ProductFacts }>>,
): Omit<NearestCode, 'field' | 'read'> | null {
  const skeleton = codeSkeleton(word);
  const cap = allowed(skeleton);
  if (cap === 0) return null;
  const near: Candidate[] = [];
  for (const [key, entries] of codes) {
    const distance = editDistance(skeleton, key);
    if (distance > cap || !endsKept(skeleton, key)) continue;
    for (const { code, product } of entries) {
      near.push({ product, code, distance, witnesses: witnessesOf(line, product) });
    }
  }
  // One article may be near through its SKU and a cross-reference: keep its nearest code.
  const byArticle = new Map<string, Candidate>();
  for (const c of near) {
    const had = byArticle.get(c.product.sku);
    if (!had || c.distance < had.distance) byArticle.set(c.product.sku, c);
  }
  const ranked = [...byArticle.values()].sort(
    (a, b) => b.witnesses.length - a.witnesses.length || a.distance - b.distance,
  );
  const [best, second] = ranked;
  if (!best || best.witnesses.length === 0) return null;
  // Another article as near and as well named (or better): a person must choose.
  if (second && second.witnesses.length === best.witnesses.length && second.distance <= best.distance) {
    return null;
  }
  // A nearer article the line does not name at all: the reading may be that one, mis-described.
  if (ranked.some((c) => c.distance < best.distance)) return null;
  return {
    code: best.code,
    product: best.product,
    witnesses: best.witnesses,
  };
}

function witnessesOf(line: OrderLine, product: ProductFacts): Witness[] {
  const out: Witness[] = [];
  if (line.description && descriptionSimilarity(line.description, product.description) >= SAME_DESCRIPTION) {
    out.push('description');
  }
  const price = product.customerPrice ?? product.unitPrice;
  if (line.unitPrice !== null && samePrice(line.unitPrice, price)) out.push('price');
  return out;
}
