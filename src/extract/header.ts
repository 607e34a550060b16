/** Header fields found by label vocabularies: value right of the label, or right under it. */
import type { Word } from '../domain/page.ts';
import { type DateOrder, dateAtStart } from './dates.ts';
import { supplierContext, taxIdOf } from './evidence.ts';
import { type Cell, cellsOf, type TextLine } from './layout.ts';
import { FOUND_BY, type Reading, reading } from './meta.ts';
import { type NumberFormat, parseNumber } from './numbers.ts';
import { HEADER_LABELS, type HeaderField, type Label, matchLabel } from './vocab.ts';

/** A label found in the document, with the words that hold its value (possibly none). */
export interface LabelHit<F extends string = HeaderField> {
  field: F;
  line: TextLine;
  label: Word[];
  value: Word[];
  exact: boolean;
}

function startsWithLabel<F extends string>(c: Cell, vocab: Label<F>[]): boolean {
  return matchLabel(c.words, vocab) !== null;
}

/** The cell right under `c` on the next line(s) of the same page, when close enough. */
function cellBelow<F extends string>(lines: TextLine[], at: number, c: Cell, vocab: Label<F>[]): Cell | null {
  const line = lines[at]!;
  const h = line.bottom - line.top;
  for (const next of lines.slice(at + 1, at + 3)) {
    if (next.page !== line.page || next.top - line.bottom > 2.5 * h) return null;
    const below = cellsOf(next.words).find((b) => b.x0 < c.x1 && b.x1 > c.x0);
    if (below) return startsWithLabel(below, vocab) ? null : below;
  }
  return null;
}

/** Every label of `vocab` in the document, with its value words (same cell, next cell, or below). */
export function findLabels<F extends string>(
  lines: TextLine[],
  vocab: Label<F>[],
  skip: Set<number> = new Set(),
): LabelHit<F>[] {
  const hits: LabelHit<F>[] = [];
  lines.forEach((line, at) => {
    if (skip.has(line.index)) return;
    const cells = cellsOf(line.words);
    cells.forEach((c, k) => {
      const m = matchLabel(c.words, vocab);
      if (!m) return;
      let value = c.words.slice(m.count);
      const next = cells[k + 1];
      if (value.length === 0 && next && !startsWithLabel(next, vocab)) value = next.words;
      if (value.length === 0) value = cellBelow(lines, at, c, vocab)?.words ?? [];
      hits.push({ field: m.field, line, label: c.words.slice(0, m.count), value, exact: m.exact });
    });
  });
  return hits;
}

function factorOf(hit: LabelHit<string>): number {
  return hit.exact ? FOUND_BY.label : FOUND_BY.fuzzyLabel;
}

/** A PO number: the first value word holding a digit, trailing punctuation trimmed. */
export function readPoNumber(hit: LabelHit<string>, factor = factorOf(hit)): Reading<string> | null {
  // A speck on a fax reads as a lone '.' or '-' before the number: skip words with no letter or digit.
  const w = hit.value.find((v) => /[\p{L}\p{N}]/u.test(v.text));
  if (!w || !/\d/.test(w.text)) return null;
  // PO numbers start and end with a letter or digit; what OCR glues on either side is noise.
  const value = w.text.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
  return value === '' ? null : reading(value, [w], hit.line.page, factor);
}

export function readDate(
  hit: LabelHit<string>,
  order: DateOrder,
  factor = factorOf(hit),
): Reading<string> | null {
  const d = dateAtStart(
    hit.value.map((w) => w.text),
    order,
  );
  return d ? reading(d.iso, hit.value.slice(0, d.count), hit.line.page, factor) : null;
}

/**
 * The first number among the words, joining neighbours when together they make one (`1 234,56`
 * split by OCR, `12,50 €`); skips a leading colon or currency word, stops at other text.
 */
export function numberIn(words: Word[], format: NumberFormat): { value: number; words: Word[] } | null {
  for (let i = 0; i < words.length; i++) {
    for (let j = Math.min(words.length, i + 4); j > i; j--) {
      const part = words.slice(i, j);
      const value = parseNumber(part.map((w) => w.text).join(' '), format);
      if (value !== null) return { value, words: part.filter((w) => /\d/.test(w.text)) };
    }
    if (!/^(€|\$|£|eur|usd|gbp|:)$/i.test(words[i]!.text)) return null;
  }
  return null;
}

export function readAmount(
  hit: LabelHit<string>,
  format: NumberFormat,
  factor = factorOf(hit),
): Reading<number> | null {
  const n = numberIn(hit.value, format);
  return n ? reading(n.value, n.words, hit.line.page, factor) : null;
}

export function readText(hit: LabelHit<string>, factor = factorOf(hit)): Reading<string> | null {
  const words = hit.value.filter((w) => !/^[:#]$/.test(w.text));
  return words.length > 0 ? reading(words.map((w) => w.text).join(' '), words, hit.line.page, factor) : null;
}

export function readTaxId(hit: LabelHit<string>, factor = factorOf(hit)): Reading<string> | null {
  for (const w of hit.value) {
    const id = taxIdOf(w.text);
    if (id) return reading(id, [w], hit.line.page, factor);
  }
  return null;
}

/** The generic header: every field's first good reading (the total: its last one). */
export interface HeaderReadings {
  poNumber: Reading<string> | null;
  orderDate: Reading<string> | null;
  deliveryDate: Reading<string> | null;
  total: Reading<number> | null;
  /** Before tax: what the line amounts add up to when the total includes VAT. */
  subtotal: Reading<number> | null;
  customerName: Reading<string> | null;
  taxId: Reading<string> | null;
  /** True when a PO-like label was seen at all, even without a usable value. */
  poLabelSeen: boolean;
}

export function readHeader(
  lines: TextLine[],
  skip: Set<number>,
  format: NumberFormat,
  order: DateOrder,
): HeaderReadings {
  const hits = findLabels(lines, HEADER_LABELS, skip);
  const of = (f: HeaderField) => hits.filter((h) => h.field === f);
  const first = <T>(list: LabelHit[], read: (h: LabelHit) => T | null): T | null => {
    for (const h of list) {
      const r = read(h);
      if (r !== null) return r;
    }
    return null;
  };
  return {
    poNumber: first(of('poNumber'), (h) => readPoNumber(h)),
    orderDate: first(of('orderDate'), (h) => readDate(h, order)),
    deliveryDate: first(of('deliveryDate'), (h) => readDate(h, order)),
    total: first([...of('total')].reverse(), (h) => readAmount(h, format)),
    subtotal: first(of('subtotal'), (h) => readAmount(h, format)),
    customerName: first(of('customerName'), (h) => readText(h)),
    taxId: first(
      of('taxId').filter((h) => !supplierContext(lines, h.line.index)),
      (h) => readTaxId(h),
    ),
    poLabelSeen: of('poNumber').length > 0,
  };
}
