/**
 * Witnesses for what a page reading (OCR or a text layer) gave, beyond the article codes that
 * corroborate.ts confirms. OCR's own confidence in a glyph is one opinion; an independent fact
 * that agrees with the value is a second, and raises the field's confidence halfway to 1:
 * - a line's quantity x unit price = its amount (three readings that would not agree by chance);
 * - the lines adding up to the order's total;
 * - the unit being the article's unit, the currency the customer's;
 * - the PO number having the shape of the customer's earlier PO numbers (order history and
 *   orders already received), which also repairs OCR slips in its constant letters
 *   ("18C-26-00232" read for "IBC-26-00232").
 * A witness never lowers the bar: it only says a reading is not an OCR accident.
 */
import type { FieldMeta } from '../domain/extraction.ts';
import { type Finding, finding } from '../domain/findings.ts';
import type { CanonicalOrder } from '../domain/order.ts';
import { raise, REPAIRED, round3 } from '../extract/meta.ts';
import { checkShape, escapeRegex } from '../extract/shape.ts';
import { sameUnit } from './line-checks.ts';
import type { CustomerFacts, ProductFacts } from './types.ts';

const RUNS = /\p{L}+|\d+|[^\p{L}\d]+/gu;

function runsOf(po: string): string[] {
  return [...po.matchAll(RUNS)].map((m) => m[0]);
}

const kindOf = (run: string) => (/^\d/.test(run) ? 'd' : /^\p{L}/u.test(run) ? 'l' : 'p');

/** Fewer earlier PO numbers than this say nothing about a customer's format. */
const MIN_HISTORY = 3;

/**
 * The pattern all of a customer's earlier PO numbers share: the same runs of letters, digits and
 * punctuation; letter runs written the same in all of them kept as written, digits as digit runs
 * of the lengths seen (never as written: next year's numbers differ). Null when they do not share
 * one, or there are too few.
 */
function commonPrefix(values: string[]): string {
  let prefix = values[0] ?? '';
  for (const v of values) while (!v.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}

export function historyShape(poNumbers: string[]): RegExp | null {
  const runs = [...new Set(poNumbers.map((p) => p.trim()).filter((p) => p !== ''))].map(runsOf);
  if (runs.length < MIN_HISTORY) return null;
  const first = runs[0]!;
  const kinds = first.map(kindOf).join('');
  if (!runs.every((r) => r.map(kindOf).join('') === kinds)) return null;
  let pattern = '';
  for (let i = 0; i < first.length; i++) {
    const column = runs.map((r) => r[i]!);
    const kind = kindOf(first[i]!);
    const lengths = column.map((c) => c.length);
    const span = `{${Math.min(...lengths)},${Math.max(...lengths)}}`;
    if (kind === 'p') {
      if (!column.every((c) => c === first[i])) return null;
      pattern += escapeRegex(first[i]!);
    } else if (kind === 'd') {
      // An ERP's number ranges keep their first digits ("4500500352", "4500373741"): three or more
      // shared leading digits before five or more running ones are part of the shape (a short
      // running number, "00101".."00199", soon runs past its shared digits).
      const prefix = commonPrefix(column);
      const min = Math.min(...lengths);
      pattern +=
        prefix.length >= 3 && min - prefix.length >= 5
          ? `${prefix}\\d{${min - prefix.length},${Math.max(...lengths) - prefix.length}}`
          : `\\d${span}`;
    } else pattern += column.every((c) => c === first[i]) ? escapeRegex(first[i]!) : `\\p{L}${span}`;
  }
  return new RegExp(`^(?:${pattern})$`, 'u');
}

/** The digit runs of a value, in order. */
const digitRuns = (s: string) => s.match(/\d+/g) ?? [];

/** Two readings with the same digits, in the same runs (four digits at least). */
function sameDigits(a: string, b: string): boolean {
  const x = digitRuns(a);
  return x.join('').length >= 4 && x.join('|') === digitRuns(b).join('|');
}

type Meta = Record<string, FieldMeta>;

/** The confidence a field that an exact identity settles reaches at least. */
const SETTLED = 0.95;

function witnessed(meta: Meta, path: string, why: string, because: Map<string, string>, floor = 0): void {
  const m = meta[path];
  if (!m || m.confidence >= 1) return;
  meta[path] = { ...m, confidence: round3(Math.max(raise(m.confidence), floor)) };
  because.set(path, because.has(path) ? `${because.get(path)}; ${why}` : why);
}

/**
 * Checks a read PO number against the customer's earlier ones. Returns the finding to add when the
 * number was repaired or does not fit. The order and its meta are changed in place.
 */
export function witnessPoNumber(
  order: CanonicalOrder,
  meta: Meta,
  earlier: string[],
  because: Map<string, string>,
): Finding[] {
  const read = order.poNumber?.trim();
  const shape = historyShape(earlier);
  if (!read || !shape || !meta.poNumber) return [];
  const check = checkShape(read, shape);
  const second = meta.poNumber.secondReading;
  if (check.kind === 'fits') {
    // A second look that read the same digits, and lost or misread only letters or separators
    // ("004127" for "V-004127"): the digits were read twice, the shape vouches for the rest.
    if (second && sameDigits(second.value, read)) {
      meta.poNumber = { ...meta.poNumber, confidence: round3(raise(raise(second.before))) };
      because.set('poNumber', 'a second reading gave the same digits');
    }
    witnessed(meta, 'poNumber', "it has the shape of the customer's earlier PO numbers", because);
    return [];
  }
  if (check.kind === 'misfit') return [];
  order.poNumber = check.value;
  // Only the constant letters were mended when the digits are those read: the number stands.
  const was = digitRuns(read);
  const now = digitRuns(check.value);
  const digitsKept = now.length > 0 && now.every((d, i) => d === was[was.length - now.length + i]);
  // A second look at the box that read the mended number, or its digits, is a second, independent reading.
  const base =
    second && (second.value === check.value || sameDigits(second.value, check.value))
      ? raise(raise(second.before))
      : meta.poNumber.confidence;
  const confidence = digitsKept ? raise(base) : Math.min(base, REPAIRED);
  meta.poNumber = { ...meta.poNumber, confidence: round3(confidence) };
  if (digitsKept && confidence >= 0.8)
    because.set('poNumber', `taken as "${check.value}", the shape of the customer's earlier PO numbers`);
  const msg = `poNumber read as "${read}", taken as "${check.value}", the shape of the customer's earlier PO numbers`;
  return [
    finding('low_confidence', digitsKept && confidence >= 0.8 ? 'info' : 'warning', 'poNumber', msg, {
      t: 'low_confidence.poShape',
      read,
      value: check.value,
    }),
  ];
}

/** The article's price for this customer (its own, else the list price), to the tenth of a cent. */
function articlePrice(price: number, product: ProductFacts): boolean {
  const want = product.customerPrice ?? product.unitPrice;
  return Math.abs(price - want) <= 1e-9 + Math.abs(want) * 1e-9;
}

const close = (a: number, b: number, rel = 0.005) => Math.abs(a - b) <= Math.max(0.011, Math.abs(b) * rel);

/**
 * Raises line and header fields that an independent fact confirms (see the file's comment), in
 * `meta`; returns why, by field path, for the findings' messages.
 */
export function witnessFields(
  order: CanonicalOrder,
  products: Array<ProductFacts | null>,
  customer: CustomerFacts | null,
  meta: Meta,
  mended: ReadonlySet<string> = new Set(),
): Map<string, string> {
  const because = new Map<string, string>();
  let sum = 0;
  let summable = order.lines.length > 0;
  order.lines.forEach((l, i) => {
    const path = (f: string) => `lines[${i}].${f}`;
    const product = products[i];
    if (l.quantity !== null && l.unitPrice !== null && l.amount !== null) {
      // Per-100 and discounted prices are net per unit here: the amount may round to the cent.
      if (close(l.quantity * l.unitPrice, l.amount)) {
        // At the article's own price the identity settles all three: a misread one would break
        // it, and two misreads that still agree to the cent do not happen by chance. A number
        // mended from the identity itself gets only the plain witness.
        // To the half cent: the loose tolerance below lets a price that lost a last digit
        // ("0,677" for 0,6771) agree, and such a reading must not be settled.
        const atPrice =
          product !== null &&
          product !== undefined &&
          articlePrice(l.unitPrice, product) &&
          Math.abs(l.quantity * l.unitPrice - l.amount) <= 0.005;
        for (const f of ['quantity', 'unitPrice', 'amount']) {
          const sure = atPrice && !mended.has(path(f));
          witnessed(
            meta,
            path(f),
            sure ? "quantity x price = amount, at the article's price" : 'quantity x price = amount',
            because,
            sure ? SETTLED : 0,
          );
        }
      }
    }
    const amount =
      l.amount ?? (l.quantity !== null && l.unitPrice !== null ? l.quantity * l.unitPrice : null);
    if (amount === null) summable = false;
    else sum += amount;
    if (product && l.unit !== null && sameUnit(l, product))
      witnessed(meta, path('unit'), `the unit of ${product.sku}`, because);
  });
  if (summable && order.total !== null && close(sum, order.total, 0.0005)) {
    // Amounts read apart that add up to the printed total to the cent: the total is as sure as they are.
    const toTheCent = Math.abs(sum - order.total) <= 0.005;
    // What was added must be as read: a mended amount (or, on a line without one, a mended
    // quantity or price) would make the sum agree by construction. A quantity mended on a line
    // whose printed amount is summed does not enter the sum.
    const terms = order.lines.flatMap((l, i) =>
      l.amount !== null ? [`lines[${i}].amount`] : [`lines[${i}].quantity`, `lines[${i}].unitPrice`],
    );
    const asRead = terms.every((t) => !mended.has(t));
    witnessed(meta, 'total', 'the lines add up to it', because, asRead && toTheCent ? SETTLED : 0);
    order.lines.forEach((l, i) => {
      if (l.amount !== null) witnessed(meta, `lines[${i}].amount`, 'the lines add up to the total', because);
    });
    // Without printed amounts, the quantities are what the total checks. With them, a quantity
    // that times the price gives the amount is checked by the total too: a misread quantity
    // would need a matching misread amount, and the total would not close.
    order.lines.forEach((l, i) => {
      const closes =
        l.amount === null ||
        (l.quantity !== null && l.unitPrice !== null && close(l.quantity * l.unitPrice, l.amount));
      if (closes) witnessed(meta, `lines[${i}].quantity`, 'the lines add up to the total', because);
    });
  }
  const currencies = new Set(products.filter((p) => p !== null).map((p) => p.currency));
  const expected = customer?.currency ?? (currencies.size === 1 ? [...currencies][0] : null);
  if (order.currency !== null && expected && order.currency === expected && meta.currency) {
    witnessed(
      meta,
      'currency',
      customer?.currency ? "the customer's currency" : 'the currency of the articles',
      because,
    );
    // A currency sign is one small glyph: the master data's currency settles it.
    meta.currency = { ...meta.currency, confidence: Math.max(meta.currency.confidence, 0.95) };
  }
  return because;
}

/**
 * A PO number no label named (a fax lost its small print): the one code on the page, outside the
 * line table, of the shape of the customer's earlier PO numbers. Only a shape with letters of its
 * own ("RB26/0319", not any six digits) singles one out. Its confidence stays the OCR's own.
 */
export function poNumberByShape(
  order: CanonicalOrder,
  meta: Meta,
  candidates: Array<{ value: string; meta: FieldMeta }>,
  earlier: string[],
): Finding[] {
  const shape = historyShape(earlier);
  // Letters of its own: what is left of the pattern without its letter and digit classes.
  const literal = shape?.source.replace(/\\p\{L\}|\\d|\{\d+,\d+\}/g, '');
  // A shape of bare digits fits too many numbers on a page; letters or a run of constant
  // leading digits ("4500\d{6}") make it the customer's.
  if (order.poNumber !== null || !shape || !/\p{L}|\d{3}/u.test(literal ?? '')) return [];
  const fits = candidates.filter((c) => shape.test(c.value));
  if (new Set(fits.map((c) => c.value)).size !== 1) return [];
  const found = fits[0]!;
  order.poNumber = found.value;
  meta.poNumber = found.meta;
  const msg = `poNumber found without a label: "${found.value}" is the one code on the page of the shape of the customer's earlier PO numbers`;
  return [
    finding('low_confidence', 'warning', 'poNumber', msg, {
      t: 'low_confidence.poByShape',
      value: found.value,
    }),
  ];
}
