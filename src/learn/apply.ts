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
import { emptyOrder } from '../domain/order.ts';
import type { Page } from '../domain/page.ts';
import { notOrderTitle } from '../extract/doc-kind.ts';
import { groupLines } from '../extract/index.ts';
import { fingerprintOf, READ_LAYOUT, similarity, TokenIndex } from './fingerprint.ts';
import { HEADER_FIELDS, type KnownLayout } from './model.ts';
import {
  confirmByArithmetic,
  confirmTaughtUnits,
  mergeLines,
  sameLines,
  supportOf,
  witnessed,
} from './merge-lines.ts';
import { type LearnedReading, readWithLayout } from './read.ts';

import { repairPo } from './words.ts';

export type LayoutSource = KnownLayout[] | (() => Promise<KnownLayout[]>);

/** The PO number shape of the layout an order was read with, for the second look at its box. */
const poPatterns = new WeakMap<ExtractedOrder, string>();

/**
 * The PO number pattern the layout an order was read with taught (`IBC-\d{1,3}-\d{4,6}`), null
 * when none was: the second look holds its reading of the PO number's box to it, as to a
 * template's pattern. Letters as `[^\W\d_]`: the second look compiles patterns without Unicode.
 */
export function learnedPoPattern(order: ExtractedOrder): string | null {
  return poPatterns.get(order) ?? null;
}

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
    if (score >= READ_LAYOUT && (!best || score > best.score)) best = { layout, score };
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
  // A document titled as something else (an invoice, a quotation of the same layout) stays what the
  // generic reader found it to be: a learned layout reads what it was taught, not what a document is.
  if (outcome.kind === 'rejected' && notOrderTitle(groupLines(pages))) return outcome;
  const layouts = typeof source === 'function' ? await source() : source;
  const match = matchLayout(pages, layouts);
  if (!match) return outcome;
  const reading = readWithLayout(pages, match.layout.model);
  if (reading.order.lines.length === 0 && reading.order.poNumber === null) return outcome;
  const generic = outcome.kind === 'orders' ? outcome.orders.filter((o) => !o.rejected) : [];
  if (generic.length > 1) return outcome;
  const merged = merge(generic[0] ?? null, reading, match, hints);
  const shape = match.layout.model.formats.poShape;
  if (shape) poPatterns.set(merged, shape.replace(/\\p\{L\}/g, '[^\\W\\d_]'));
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
  const notes: Finding[] = [];
  const repaired = repairPo(order.poNumber, match.layout.model.formats.poShape);
  if (repaired) {
    notes.push(
      finding(
        'low_confidence',
        'info',
        'poNumber',
        `poNumber read as "${order.poNumber}", taken as "${repaired}", the shape of the PO number ${from} holds; its confidence stays the reading's own until a second reading or the customer's earlier PO numbers confirm it.`,
      ),
    );
    order.poNumber = repaired;
  }
  let learnedLines = false;
  let sameAsGeneric = false;
  let linesWitnessed = false;
  if (reading.order.lines.length > 0) {
    const totals = [order.total, g?.order.total ?? null].filter((t): t is number => t !== null);
    const lineMeta: Record<string, FieldMeta> = {};
    const derived = match.layout.model.table?.price === 'amount';
    const lines = mergeLines(g, reading, totals, derived, lineMeta, disagree, notes, from);
    if (lines) {
      for (const key of Object.keys(fieldMeta)) if (key.startsWith('lines[')) delete fieldMeta[key];
      Object.assign(fieldMeta, lineMeta);
      order.lines = lines;
      learnedLines = true;
      if (match.score >= 0.8) confirmTaughtUnits(order.lines, reading.taughtUnits, fieldMeta, notes, from);
    }
    // The lines kept are witnessed whole themselves, or are the generic reader's lines, witnessed.
    const stated = order.total === null ? [] : [order.total];
    const genericLines = (g?.order.lines ?? []).filter((l) => l.quantity !== null);
    sameAsGeneric = genericLines.length > 0 && sameLines(order.lines, genericLines);
    linesWitnessed =
      witnessed(supportOf(order.lines, stated, learnedLines && derived)) ||
      (sameLines(order.lines, genericLines) && witnessed(supportOf(genericLines, stated)));
    if (linesWitnessed && !(learnedLines && derived)) confirmByArithmetic(order.lines, fieldMeta, notes);
  }
  if (learnedLines && order.total === null && !sameAsGeneric) {
    // Without a total nothing shows that every line was read (where the generic reader read the same
    // lines, the order stands as it would have without learning).
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
    ...settledFields(g?.findings ?? [], reading, disagree, learnedLines),
    ...disagree,
    ...notes,
    finding(
      'low_confidence',
      'info',
      null,
      `Read with ${from} (customer ${match.layout.customerId}, match ${match.score.toFixed(2)}).`,
    ),
  ];
  // A loose match whose lines no witness checks whole: a person looks.
  const strong = match.score >= 0.8 || linesWitnessed ? 1 : 0.85;
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

/** The generic reader's findings about fields the learned reading has read since. */
function settledFields(
  findings: Finding[],
  reading: LearnedReading,
  disagree: Finding[],
  learnedLines: boolean,
): Finding[] {
  // Where the generic lines were kept, what the generic reader said of them stands.
  const read = new Set(Object.keys(reading.fieldMeta).filter((k) => learnedLines || !k.startsWith('lines[')));
  const complete = reading.order.poNumber !== null && (learnedLines ? reading.order.lines.length > 0 : true);
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
