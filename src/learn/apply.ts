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
import { notOrderTitle } from '../extract/doc-kind.ts';
import { groupLines } from '../extract/index.ts';
import { fingerprintOf, READ_LAYOUT, similarity, TokenIndex } from './fingerprint.ts';
import { HEADER_FIELDS, type KnownLayout } from './model.ts';
import { type LearnedReading, readWithLayout } from './read.ts';
import { fold, repairPo } from './words.ts';

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

const codeOf = (l: OrderLine) => fold(l.customerRef ?? l.sku ?? l.gtin ?? '');

/** A generic line that holds together: its quantity times its price gives its amount. */
function holdsTogether(l: OrderLine): boolean {
  if (l.quantity === null) return false;
  if (l.unitPrice === null || l.amount === null) return true;
  return Math.abs(l.quantity * l.unitPrice - l.amount) <= Math.max(0.011, Math.abs(l.amount) * 0.001);
}

/** What the witnesses say of a reading's lines: do they add up to a stated total, do they hold together. */
export interface LineSupport {
  /** The lines (amounts, else quantity x price) give one of the stated totals. */
  sums: boolean;
  /** Lines whose quantity x printed price gives their printed amount. */
  held: number;
  /** Lines with all three printed whose quantity x price does not give the amount. */
  broken: number;
  /** Lines whose quantity nothing checks: no amount and no price, or a price worked out from the amount. */
  unchecked: number;
}

/**
 * The witnesses of a reading's lines against the stated totals. `derived`: the unit prices were
 * worked out from the amounts (a learned layout whose printed price is not the net), so they
 * witness nothing about the quantities.
 */
export function supportOf(lines: OrderLine[], totals: number[], derived = false): LineSupport {
  let sum = 0;
  let complete = lines.length > 0;
  let held = 0;
  let broken = 0;
  let unchecked = 0;
  for (const l of lines) {
    const amount =
      l.amount ?? (l.quantity !== null && l.unitPrice !== null ? l.quantity * l.unitPrice : null);
    if (amount === null) complete = false;
    else sum += amount;
    if (derived || l.quantity === null || l.unitPrice === null) unchecked++;
    else if (l.amount === null) continue;
    else if (holdsTogether(l)) held++;
    else broken++;
  }
  const sums = complete && totals.some((t) => Math.abs(sum - t) <= Math.max(0.011, Math.abs(t) * 0.0005));
  return { sums, held, broken, unchecked };
}

/** Every line's quantity checked, and the lines add up to the total. */
const witnessed = (s: LineSupport) => s.sums && s.broken === 0 && s.unchecked === 0;
/** How well the witnesses support a reading none of them settles. */
const weight = (s: LineSupport) => (s.sums ? 1000 : 0) + s.held - 2 * s.broken - s.unchecked;

/**
 * Two readings of a line's code name the same article: equal, or one is a word of the other (the
 * generic reader took the position number printed before the code into it: `10 VAR-M8-1000`).
 */
function sameCode(a: OrderLine, b: OrderLine): boolean {
  // Codes of one kind are compared: a GTIN read in one column does not contradict the customer's own
  // code read in another (master data resolves each).
  for (const key of ['customerRef', 'sku', 'gtin'] as const) {
    const [x, y] = [a[key], b[key]];
    if (x === null || y === null) continue;
    const [ca, cb] = [fold(x), fold(y)];
    if (ca === cb) continue;
    const words = (t: string) => t.split(/\s+/).map(fold);
    if (!words(x).includes(cb) && !words(y).includes(ca)) return false;
  }
  return true;
}

/** The same lines: as many, each with the same quantity (and code, where both read one). */
function sameLines(a: OrderLine[], b: OrderLine[]): boolean {
  return a.length === b.length && a.every((l, i) => same(l.quantity, b[i]!.quantity) && sameCode(l, b[i]!));
}

/**
 * The lines of the order. The learned reading's lines are laid over the generic reader's where the
 * witnesses (the lines add up to the stated total, each line's quantity x price gives its amount)
 * support them better; where the witnesses support the generic reading and not the learned one, the
 * generic lines stand, as they would have without learning. Two readings that disagree and that no
 * witness tells apart are both shown, the generic lines stand in the order (with what validation finds
 * in them, a planted unknown article included), and a person decides.
 */
function mergeLines(
  g: ExtractedOrder | null,
  reading: LearnedReading,
  totals: number[],
  derived: boolean,
  fieldMeta: Record<string, FieldMeta>,
  disagree: Finding[],
  notes: Finding[],
  from: string,
): OrderLine[] | null {
  const generic = (g?.order.lines ?? []).filter((l) => l.quantity !== null);
  const learned = reading.order.lines;
  const sl = supportOf(learned, totals, derived);
  const sg = supportOf(generic, totals);
  if (generic.length > 0 && !sameLines(learned, generic)) {
    // Exactly one of the readings is witnessed whole: the witnesses tell them apart.
    const decided = witnessed(sl) !== witnessed(sg);
    // Where no witness tells them apart, the generic lines stand (the order as it was without learning,
    // with what validation finds in them), and the warning shows both.
    const genericWins = decided ? witnessed(sg) : weight(sg) >= weight(sl);
    const both = `${from} reads ${learned.length} line(s) (${describe(learned)}), the generic reader ${generic.length} (${describe(generic)})`;
    if (decided) {
      const kept = genericWins ? 'generic' : 'learned';
      notes.push(
        finding(
          'low_confidence',
          'info',
          'lines',
          `${both}; the ${kept} reading adds up and holds together.`,
        ),
      );
    } else {
      // Neither is witnessed, or both are and they differ: a person sees both.
      disagree.push(finding('low_confidence', 'warning', 'lines', `${both}.`));
    }
    if (genericWins) return null;
  }
  const witness = (i: number) =>
    holdsTogether(generic[i]!) &&
    credible(g?.fieldMeta[`lines[${i}].quantity`] ?? { confidence: 1, source: null });
  const used = new Set<number>();
  return learned.map((l, i) => {
    let j = generic.findIndex((x, k) => !used.has(k) && codeOf(l) !== '' && codeOf(x) === codeOf(l));
    if (j === -1 && generic.length === learned.length && !used.has(i)) j = i;
    for (const [k, m] of Object.entries(reading.fieldMeta)) {
      if (k.startsWith(`lines[${i}].`)) fieldMeta[k] = m;
    }
    if (j === -1) return l;
    used.add(j);
    const o = generic[j]!;
    if (witness(j) && !witnessed(sl)) {
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
    // What the generic reader saw beside the learned columns (a second code, a unit) completes the
    // line, with the confidence it was read with: a field taken over keeps its doubt.
    for (const key of ['sku', 'customerRef', 'gtin', 'unit', 'description'] as const) {
      const meta = g?.fieldMeta[`lines[${j}].${key}`];
      if (l[key] === null && o[key] !== null && meta) fieldMeta[`lines[${i}].${key}`] = meta;
    }
    // A net price worked out from the amount is rounded; the generic reader's, from the printed price
    // and discount, is the one printed when it gives the same amount.
    const net =
      derived &&
      o.unitPrice !== null &&
      l.quantity !== null &&
      l.amount !== null &&
      Math.abs(o.unitPrice * l.quantity - l.amount) <= 0.011
        ? o.unitPrice
        : l.unitPrice;
    if (net !== l.unitPrice && g?.fieldMeta[`lines[${j}].unitPrice`])
      fieldMeta[`lines[${i}].unitPrice`] = g.fieldMeta[`lines[${j}].unitPrice`]!;
    // A layout taught without a price or amount column (OCR garbled them on the taught fax) reads none:
    // the generic reader's, for the same quantity, stand with the doubt they were read with.
    const sameQty = same(l.quantity, o.quantity);
    for (const key of ['unitPrice', 'amount'] as const) {
      const meta = g?.fieldMeta[`lines[${j}].${key}`];
      if (sameQty && l[key] === null && o[key] !== null && meta) fieldMeta[`lines[${i}].${key}`] = meta;
    }
    return {
      ...l,
      unitPrice: net ?? (sameQty ? o.unitPrice : null),
      amount: l.amount ?? (sameQty ? o.amount : null),
      sku: l.sku ?? o.sku,
      customerRef: l.customerRef ?? o.customerRef,
      gtin: l.gtin ?? o.gtin,
      unit: l.unit ?? o.unit,
      description: l.description ?? o.description,
    };
  });
}

/**
 * Numbers read one by one that the arithmetic ties together (each line's quantity x price gives its
 * amount, the amounts give the total): a slip in any of them would break an equation, so each is
 * raised halfway to 1, as a master-data witness raises a code (src/validate/corroborate.ts).
 */
function confirmByArithmetic(lines: OrderLine[], fieldMeta: Record<string, FieldMeta>, notes: Finding[]) {
  const paths = [
    'total',
    ...lines.flatMap((_, i) => ['quantity', 'unitPrice', 'amount'].map((f) => `lines[${i}].${f}`)),
  ];
  let raised = 0;
  for (const path of paths) {
    const meta = fieldMeta[path];
    if (!meta || meta.confidence >= 1) continue;
    fieldMeta[path] = {
      ...meta,
      confidence: Math.round((meta.confidence + (1 - meta.confidence) / 2) * 1000) / 1000,
    };
    raised++;
  }
  if (raised > 0) {
    notes.push(
      finding(
        'low_confidence',
        'info',
        null,
        `Every line's quantity x price gives its amount and the amounts give the total: ${raised} number(s) read with doubt are confirmed.`,
      ),
    );
  }
}

function describe(lines: OrderLine[]): string {
  const shown = lines
    .slice(0, 12)
    .map((l) => `${l.quantity ?? '?'} x ${l.customerRef ?? l.sku ?? l.gtin ?? l.description ?? '?'}`);
  return `${shown.join('; ')}${lines.length > 12 ? '; ...' : ''}`;
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
