/**
 * The learned reading's lines against the generic reader's: what the witnesses (the stated total, each
 * line's quantity x price = amount) say of each, which lines the order keeps, and what the generic
 * reading completes them with.
 */
import { LOW_CONFIDENCE } from '../domain/confidence.ts';
import type { ExtractedOrder, FieldMeta } from '../domain/extraction.ts';
import { type Finding, finding } from '../domain/findings.ts';
import type { OrderLine } from '../domain/order.ts';
import type { LearnedReading } from './read.ts';
import { fold } from './words.ts';

const same = (a: unknown, b: unknown) =>
  typeof a === 'number' && typeof b === 'number' ? Math.abs(a - b) < 0.005 : a === b;

/** A generic reading that may speak against the learned one: read confidently. */
const credible = (meta: FieldMeta | undefined) => (meta?.confidence ?? 0) >= LOW_CONFIDENCE;

const codeOf = (l: OrderLine) => fold(l.customerRef ?? l.sku ?? l.gtin ?? '');

/** A generic line that holds together: its quantity times its price gives its amount. */
export function holdsTogether(l: OrderLine): boolean {
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
export const witnessed = (s: LineSupport) => s.sums && s.broken === 0 && s.unchecked === 0;
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
export function sameLines(a: OrderLine[], b: OrderLine[]): boolean {
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
export function mergeLines(
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
export function confirmByArithmetic(
  lines: OrderLine[],
  fieldMeta: Record<string, FieldMeta>,
  notes: Finding[],
) {
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

/**
 * A unit word the customer printed for this unit on the order a person confirmed (`un.` for EA, in
 * the same column of the same layout) is a second witness of the line's unit, beside OCR's own
 * confidence in the glyphs: raised halfway to 1, as any witness raises a field. Master data still
 * checks the unit is the article's; nothing is raised that was not read.
 */
export function confirmTaughtUnits(
  lines: OrderLine[],
  taught: number[],
  fieldMeta: Record<string, FieldMeta>,
  notes: Finding[],
  from: string,
) {
  for (const i of taught) {
    const path = `lines[${i}].unit`;
    const meta = fieldMeta[path];
    const unit = lines[i]?.unit;
    if (!meta || !unit || meta.confidence >= 1) continue;
    const confidence = Math.round((meta.confidence + (1 - meta.confidence) / 2) * 1000) / 1000;
    fieldMeta[path] = { ...meta, confidence };
    notes.push(
      finding(
        'low_confidence',
        'info',
        path,
        `Line ${i + 1}: the unit word is the one the customer printed for ${unit} on the order confirmed for ${from}; read with confidence ${meta.confidence}, confirmed (${confidence}).`,
      ),
    );
  }
}
