/**
 * Using what was learned: a document whose pages match a learned layout is read with it first,
 * and the generic reader's reading checks it. Where both read a field and the generic reading is
 * a credible witness (read confidently; for a line, its quantity x price giving its amount) and
 * they differ, the order goes to review with both readings in the finding. What the generic reader
 * did not find, the learned reading gives. Master-data validation and the decision come after, the
 * same as for any order: a learned layout never lowers the bar for acceptance.
 */
import { decidingConfidence, LOW_CONFIDENCE } from '../domain/confidence.ts';
import {
  type CustomerEvidence,
  emptyEvidence,
  type ExtractedOrder,
  type ExtractOutcome,
  type FieldMeta,
} from '../domain/extraction.ts';
import { type Finding, finding } from '../domain/findings.ts';
import { emptyOrder, type OrderLine } from '../domain/order.ts';
import type { Page } from '../domain/page.ts';
import { fingerprintOf, SAME_LAYOUT, similarity, TokenIndex } from './fingerprint.ts';
import { HEADER_FIELDS, type KnownLayout } from './model.ts';
import { type LearnedReading, readWithLayout } from './read.ts';
import { fold } from './words.ts';

export type LayoutSource = KnownLayout[] | (() => Promise<KnownLayout[]>);

/** The learned layout the pages match best, with its share of the fingerprint; null under the bar. */
export function matchLayout(
  pages: Page[],
  layouts: KnownLayout[],
): { layout: KnownLayout; score: number } | null {
  if (layouts.length === 0 || pages.length === 0) return null;
  const index = new TokenIndex(fingerprintOf(pages));
  let best: { layout: KnownLayout; score: number } | null = null;
  for (const layout of layouts) {
    const score = similarity(layout.fingerprint, index);
    if (score >= SAME_LAYOUT && (!best || score > best.score)) best = { layout, score };
  }
  return best;
}

/**
 * The outcome of the generic reader, with the learned reading laid over it when the pages are of
 * a learned layout. A document the generic reader split into several orders is left as it is.
 */
export async function withLearned(
  outcome: ExtractOutcome,
  pages: Page[],
  source: LayoutSource,
  hints: { email: string | null; fax: string | null } = { email: null, fax: null },
): Promise<ExtractOutcome> {
  const layouts = typeof source === 'function' ? await source() : source;
  const match = matchLayout(pages, layouts);
  if (!match) return outcome;
  const reading = readWithLayout(pages, match.layout.model);
  if (reading.order.lines.length === 0 && reading.order.poNumber === null) return outcome;
  const generic = outcome.kind === 'orders' ? outcome.orders.filter((o) => !o.rejected) : [];
  if (generic.length > 1) return outcome;
  const merged = merge(generic[0] ?? null, reading, match, hints);
  if (outcome.kind === 'orders') {
    const rest = outcome.orders.filter((o) => o.rejected);
    return { ...outcome, orders: [merged, ...rest], findings: settled(outcome.findings, merged) };
  }
  return { kind: 'orders', orders: [merged], findings: [], pages: outcome.pages };
}

const same = (a: unknown, b: unknown) =>
  typeof a === 'number' && typeof b === 'number' ? Math.abs(a - b) < 0.005 : a === b;

/** A generic reading that may speak against the learned one: read confidently. */
const credible = (meta: FieldMeta | undefined) => (meta?.confidence ?? 0) >= LOW_CONFIDENCE;

function merge(
  g: ExtractedOrder | null,
  reading: LearnedReading,
  match: { layout: KnownLayout; score: number },
  hints: { email: string | null; fax: string | null },
): ExtractedOrder {
  const order = { ...(g?.order ?? emptyOrder()) };
  const fieldMeta: Record<string, FieldMeta> = { ...(g?.fieldMeta ?? {}) };
  const disagree: Finding[] = [];
  const from = `the layout learned from document ${match.layout.documentId ?? '?'}`;
  for (const f of HEADER_FIELDS) {
    const lv = reading.order[f];
    if (lv === null) continue;
    const gv = g?.order[f] ?? null;
    const lm = reading.fieldMeta[f]!;
    if (gv !== null && !same(gv, lv) && credible(g?.fieldMeta[f])) {
      disagree.push(
        finding(
          'low_confidence',
          'warning',
          f,
          `${from} reads ${JSON.stringify(lv)}, the generic reader ${JSON.stringify(gv)}.`,
        ),
      );
      fieldMeta[f] = { ...lm, confidence: Math.min(lm.confidence, 0.5) };
    } else {
      fieldMeta[f] =
        gv !== null ? { ...lm, confidence: Math.max(lm.confidence, g?.fieldMeta[f]?.confidence ?? 0) } : lm;
    }
    (order as Record<string, unknown>)[f] = lv;
  }
  if (reading.order.lines.length > 0) {
    for (const key of Object.keys(fieldMeta)) if (key.startsWith('lines[')) delete fieldMeta[key];
    order.lines = mergeLines(g, reading, fieldMeta, disagree, from);
  }
  if (reading.order.lines.length > 0 && order.total === null) {
    // Without a total nothing shows that every line was read.
    disagree.push(
      finding(
        'low_confidence',
        'warning',
        'total',
        `${from} read the lines, but no total to check them against.`,
      ),
    );
  }
  const known: CustomerEvidence = g?.evidence ?? { ...emptyEvidence(), email: hints.email, fax: hints.fax };
  // The tax id read where it was taught is evidence like any other: master data confirms it or not.
  const evidence = known.taxId === null && reading.taxId ? { ...known, taxId: reading.taxId } : known;
  const findings = [
    ...settledFields(g?.findings ?? [], reading, disagree),
    ...disagree,
    finding(
      'low_confidence',
      'info',
      null,
      `Read with ${from} (customer ${match.layout.customerId}, match ${match.score.toFixed(2)}).`,
    ),
  ];
  const strong = match.score >= 0.8 ? 1 : 0.85;
  const confidence = Math.min(strong, decidingConfidence(order, fieldMeta));
  return {
    order,
    evidence,
    fieldMeta,
    findings,
    confidence,
    confidenceCap: strong,
    sourceText: g?.sourceText ?? null,
    reference: g?.reference ?? null,
  };
}

const codeOf = (l: OrderLine) => fold(l.customerRef ?? l.sku ?? l.gtin ?? '');

/** A generic line that holds together: its quantity times its price gives its amount. */
function holdsTogether(l: OrderLine): boolean {
  if (l.quantity === null) return false;
  if (l.unitPrice === null || l.amount === null) return true;
  return Math.abs(l.quantity * l.unitPrice - l.amount) <= Math.max(0.011, Math.abs(l.amount) * 0.001);
}

function mergeLines(
  g: ExtractedOrder | null,
  reading: LearnedReading,
  fieldMeta: Record<string, FieldMeta>,
  disagree: Finding[],
  from: string,
): OrderLine[] {
  const generic = g?.order.lines ?? [];
  const witness = (i: number) =>
    holdsTogether(generic[i]!) &&
    credible(g?.fieldMeta[`lines[${i}].quantity`] ?? { confidence: 1, source: null });
  const used = new Set<number>();
  const lines = reading.order.lines.map((l, i) => {
    let j = generic.findIndex((x, k) => !used.has(k) && codeOf(l) !== '' && codeOf(x) === codeOf(l));
    if (j === -1 && generic.length === reading.order.lines.length) j = i;
    for (const [k, m] of Object.entries(reading.fieldMeta)) {
      if (k.startsWith(`lines[${i}].`)) fieldMeta[k] = m;
    }
    if (j === -1) return l;
    used.add(j);
    const o = generic[j]!;
    if (witness(j)) {
      for (const key of ['quantity', 'unitPrice'] as const) {
        if (l[key] !== null && o[key] !== null && !same(l[key], o[key])) {
          disagree.push(
            finding(
              'low_confidence',
              'warning',
              `lines[${i}].${key}`,
              `Line ${i + 1}: ${from} reads ${key} ${l[key]}, the generic reader ${o[key]}.`,
            ),
          );
        }
      }
    }
    // What the generic reader saw beside the learned columns (a second code, a unit) completes the line.
    return {
      ...l,
      sku: l.sku ?? o.sku,
      customerRef: l.customerRef ?? o.customerRef,
      gtin: l.gtin ?? o.gtin,
      unit: l.unit ?? o.unit,
      description: l.description ?? o.description,
    };
  });
  // Lines the learned columns missed, or rows they took for lines: any count the generic reader
  // gives otherwise is a disagreement, credible or not, as nothing else would catch a missed line
  // when the total is not read.
  const counted = generic.filter((l) => l.quantity !== null).length;
  if (counted > 0 && counted !== reading.order.lines.length) {
    disagree.push(
      finding(
        'low_confidence',
        'warning',
        'lines',
        `${from} reads ${reading.order.lines.length} line(s), the generic reader ${counted}.`,
      ),
    );
  }
  return lines;
}

/** The generic reader's findings about fields the learned reading has read since. */
function settledFields(findings: Finding[], reading: LearnedReading, disagree: Finding[]): Finding[] {
  const read = new Set(Object.keys(reading.fieldMeta));
  const complete = reading.order.poNumber !== null && reading.order.lines.length > 0;
  return findings.filter((f) => {
    if (f.code !== 'missing_field' && f.code !== 'low_confidence') return true;
    if (disagree.some((d) => d.field === f.field)) return false;
    if (f.field === null || f.field === 'lines') return !complete;
    return !read.has(f.field);
  });
}

/** Document-level findings the learned reading settled (no table, no PO number found). */
function settled(findings: Finding[], merged: ExtractedOrder): Finding[] {
  const complete = merged.order.poNumber !== null && merged.order.lines.length > 0;
  return findings.filter(
    (f) => !(complete && f.code === 'missing_field' && (f.field === null || f.field === 'lines')),
  );
}
