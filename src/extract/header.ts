/** Header fields found by label vocabularies: value right of the label, or right under it. */
import type { Word } from '../domain/page.ts';
import { type DateOrder, dateAtStart, parseDate } from './dates.ts';
import { supplierContext, taxIdOf } from './evidence.ts';
import { type Cell, cell, cellsOf, charWidth, normalise, type TextLine } from './layout.ts';
import { FOUND_BY, type Reading, reading } from './meta.ts';
import { type NumberFormat, parseNumber } from './numbers.ts';
import { HEADER_LABELS, type HeaderField, type Label, type LabelMatch, matchLabel } from './vocab.ts';
import { LINKING_WORDS, OPEN_DATE } from './vocab-words.ts';

/** A label found in the document, with the words that may hold its value (possibly none). */
export interface LabelHit<F extends string = HeaderField> {
  field: F;
  line: TextLine;
  label: Word[];
  /** The first candidate: the rest of the label's cell, else the next cell, else the cell below. */
  value: Word[];
  /**
   * Every place the value may sit, nearest first: the rest of the label's cell, the next cells on
   * the line, then what lies under the label on the following lines (one line, then two joined,
   * for a value that wraps). A reader takes the first candidate that has the shape it wants.
   */
  candidates?: Word[][];
  /** The candidates on the label's own line, near and far: where an amount is looked for first. */
  sameLine?: Word[][];
  exact: boolean;
}

function startsWithLabel<F extends string>(c: Cell, vocab: Label<F>[]): boolean {
  return matchLabel(c.words, vocab) !== null;
}

/** How far under a label its value may sit: this many lines, each within 2.5 line heights of the last. */
const LINES_BELOW = 4;

/**
 * The cells right under `c` on the next lines of the same page (a grid of boxes with the label
 * above the value), each line's overlapping words as one candidate, stopping at another label.
 */
function cellsBelow<F extends string>(lines: TextLine[], at: number, c: Cell, vocab: Label<F>[]): Word[][] {
  const out: Word[][] = [];
  let prev = lines[at]!;
  const slack = (c.x1 - c.x0) * 0.25;
  for (const next of lines.slice(at + 1, at + 1 + LINES_BELOW)) {
    const h = prev.bottom - prev.top;
    if (next.page !== prev.page || next.top - prev.bottom > 2.5 * h) break;
    prev = next;
    const below = cellsOf(next.words).filter((b) => b.x0 < c.x1 + slack && b.x1 > c.x0 - slack);
    if (below.length === 0) continue;
    // The cell starting nearest the label's left edge: a neighbouring box's value is not ours.
    const own = below.reduce((a, b) => (Math.abs(b.x0 - c.x0) < Math.abs(a.x0 - c.x0) ? b : a));
    if (startsWithLabel(own, vocab)) break;
    out.push(own.words);
  }
  // A value that wraps ("viernes, 6 de" / "noviembre de 2026") is also tried joined.
  if (out.length >= 2) out.splice(1, 0, [...out[0]!, ...out[1]!]);
  return out;
}

/** Labels of several words may stand inside a cell ("Objet : Commande n° 12"); one-word ones only open it. */
/**
 * The fields whose one-word label may stand inside a cell, colon and all: a date or number
 * squeezed onto a contact line. An amount's label inside a sentence ("Net: 638,76 Total: …")
 * would cut off another label's value.
 */
const MID_CELL = new Set<string>(['orderDate', 'deliveryDate', 'poNumber']);

function colonLabel(text: string): boolean {
  return /^[\p{L}.-]+:$/u.test(text);
}

/** True when the words before `i` leave a parenthesis open. */
function bracketed(words: Word[], i: number): boolean {
  let depth = 0;
  for (const w of words.slice(0, i))
    depth += (w.text.match(/[([]/g)?.length ?? 0) - (w.text.match(/[)\]]/g)?.length ?? 0);
  return depth > 0;
}

function labelsInCell<F extends string>(c: Cell, vocab: Label<F>[]): { at: number; m: LabelMatch<F> }[] {
  const out: { at: number; m: LabelMatch<F> }[] = [];
  for (let i = 0; i < c.words.length; i++) {
    const m = matchLabel(c.words.slice(i), vocab);
    // Inside a cell a one-word label must say it is one ("... einkauf@x.ch Datum: 19-11-2026"),
    // outside any parentheses ("Total (excl. VAT): 638,76" has one label, not two).
    if (
      !m ||
      (i > 0 &&
        m.tokens < 2 &&
        !(
          MID_CELL.has(m.field) &&
          colonLabel(c.words[i + m.count - 1]!.text) &&
          !bracketed(c.words, i) &&
          !LINKING_WORDS.has(c.words[i - 1]!.text.toLowerCase())
        ))
    ) {
      continue;
    }
    out.push({ at: i, m });
    i += m.count - 1;
  }
  return out;
}

/** Every label of `vocab` in the document, with the candidates for its value (same cell, next cells, below). */
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
      const found = labelsInCell(c, vocab);
      found.forEach(({ at: i, m }, n) => {
        const end = found[n + 1]?.at ?? c.words.length;
        const candidates: Word[][] = [];
        const far: Word[][] = [];
        const rest = c.words.slice(i + m.count, end);
        if (rest.length > 0) candidates.push(rest);
        if (n === found.length - 1) {
          const cw = charWidth(line.words);
          let end = c.x1;
          for (const next of cells.slice(k + 1, k + 3)) {
            if (startsWithLabel(next, vocab)) break;
            // A value sits near its label; what stands far across the page (a total's amount in
            // its column, or another block) is tried after what lies under the label.
            (next.x0 - end > 15 * cw ? far : candidates).push(next.words);
            end = next.x1;
          }
        }
        const labelCell = cell(c.words.slice(i, i + m.count));
        const sameLine = [
          ...(rest.length > 0 ? [rest] : []),
          ...candidates.slice(rest.length > 0 ? 1 : 0),
          ...far,
        ];
        candidates.push(...cellsBelow(lines, at, labelCell, vocab), ...far);
        hits.push({
          field: m.field,
          line,
          label: c.words.slice(i, i + m.count),
          value: candidates[0] ?? [],
          candidates,
          sameLine,
          exact: m.exact,
        });
      });
    });
  });
  return hits;
}

/** The first candidate of a hit that `read` makes something of. */
export function readCandidates<T>(
  hit: LabelHit<string>,
  read: (h: LabelHit<string>) => Reading<T> | null,
): Reading<T> | null {
  const list = hit.candidates ?? [hit.value];
  for (const value of list) {
    const r = read({ ...hit, value });
    if (r) return r;
  }
  return null;
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
  // A page count ("1 de 1"), a day or a date under the label is not the order's number.
  if (value.length < 3 || parseDate(value) !== null) return null;
  return reading(value, [w], hit.line.page, factor);
}

export function readDate(
  hit: LabelHit<string>,
  order: DateOrder,
  factor = factorOf(hit),
): Reading<string> | null {
  // "le 4 novembre 2026", "am 03.11.2026", "viernes, 6 de noviembre": a word or two may lead.
  for (let skip = 0; skip <= Math.min(2, hit.value.length - 1); skip++) {
    const words = hit.value.slice(skip);
    if (skip > 0 && /\d/.test(hit.value[skip - 1]!.text)) break;
    const d = dateAtStart(
      words.map((w) => w.text),
      order,
    );
    if (d) return reading(d.iso, words.slice(0, d.count), hit.line.page, factor);
  }
  return null;
}

/**
 * The first number among the words, joining neighbours when together they make one (`1 234,56`
 * split by OCR, `12,50 €`); skips a leading colon or currency word, stops at other text.
 */
export function numberIn(words: Word[], format: NumberFormat): { value: number; words: Word[] } | null {
  for (let i = 0; i < words.length; i++) {
    for (let j = Math.min(words.length, i + 4); j > i; j--) {
      const part = words.slice(i, j);
      const text = part.map((w) => w.text).join(' ');
      // OCR splits an amount after its decimal mark now and then ("1156, 60").
      const value =
        parseNumber(text, format) ?? parseNumber(text.replace(/^(\d[\d.,' ]*[.,]) (\d{2})$/, '$1$2'), format);
      if (value !== null) return { value, words: part.filter((w) => /\d/.test(w.text)) };
    }
    if (!/^(€|\$|£|eur|usd|gbp|:)$/i.test(words[i]!.text)) return null;
  }
  return null;
}

/** True when the number read is a rate ("19 %"), not an amount. */
function rate(words: Word[], n: { words: Word[] }): boolean {
  const last = n.words[n.words.length - 1];
  const next = last ? words[words.indexOf(last) + 1] : undefined;
  return /%$/.test(last?.text ?? '') || next?.text === '%';
}

/** Words that qualify a total ("(IVA no incl.)", "(sem IVA):", "EUR", "HT"), never a sentence. */
const QUALIFIER =
  /^[([]|[)\]:]$|^[([]?(eur|€|iva|vat|tva|mwst|ust|sem|sin|sans|hors|ohne|senza|excl|excluido|excluida|incl|incluido|s\/?|ht|htva|no|netto|net|taxes?|impuestos|impostos|esclusa|inclusa)\.?[)\]]?:?,?$/i;

/**
 * The number after a total's label, past a few words of qualification: "(IVA no incl.)",
 * "(sem IVA):", "EUR", "HT :". Stops at the first word holding a digit.
 */
function amountAfter(words: Word[], format: NumberFormat): { value: number; words: Word[] } | null {
  const direct = numberIn(words, format);
  if (direct) return rate(words, direct) ? null : direct;
  const at = words.findIndex((w) => /\d/.test(w.text));
  if (at <= 0 || at > 5 || !words.slice(0, at).every((w) => QUALIFIER.test(w.text))) return null;
  const n = numberIn(words.slice(at), format);
  return n && !rate(words, n) ? n : null;
}

export function readAmount(
  hit: LabelHit<string>,
  format: NumberFormat,
  factor = factorOf(hit),
): Reading<number> | null {
  const n = amountAfter(hit.value, format);
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
  // Under a tax-id label, a bare national number ("NIF 507318625", "P.IVA 03184710139") is one too.
  for (const w of hit.value.slice(0, 2)) {
    const bare = w.text.toUpperCase().replace(/[\s.-]/g, '');
    if (/^[A-Z]{0,2}\d{8,12}[A-Z]?$/.test(bare)) return reading(bare, [w], hit.line.page, factor);
  }
  return null;
}

/** The generic header: every field's first good reading (the total: its last one). */
export interface HeaderReadings {
  poNumber: Reading<string> | null;
  orderDate: Reading<string> | null;
  /** Without a labelled order date: a letter's date line ("Köln, 3. November 2026"), the fallback. */
  letterDate: Reading<string> | null;
  deliveryDate: Reading<string> | null;
  total: Reading<number> | null;
  /** Before tax: what the line amounts add up to when the total includes VAT. */
  subtotal: Reading<number> | null;
  /** Every amount under a total or net-total label, in reading order: the order's total is one of them. */
  amounts: { field: 'total' | 'subtotal'; reading: Reading<number> }[];
  customerName: Reading<string> | null;
  taxId: Reading<string> | null;
  /** Every tax id found under a tax-id label outside the supplier's block. */
  taxIds: string[];
  /** True when a PO-like label was seen at all, even without a usable value. */
  poLabelSeen: boolean;
  /** True when a delivery-date label says the date is open ("a convenir", "to be agreed", "ASAP"). */
  deliveryOpen: boolean;
  /**
   * What follows a delivery-date label that holds digits but read as no date ("by Monday, 9th
   * November 2026" where no date was found): a date is printed there, and was missed.
   */
  deliveryUnread: string | null;
}

export function readHeader(
  lines: TextLine[],
  skip: Set<number>,
  format: NumberFormat,
  order: DateOrder,
  tableHeaders: Map<number, number> = new Map(),
): HeaderReadings {
  const all = findLabels(lines, HEADER_LABELS, skip).filter((h) => {
    // On the table's header line only what stands left of the table is a header label.
    const x0 = tableHeaders.get(h.line.index);
    return x0 === undefined || h.label[0]!.x + h.label[0]!.w <= x0;
  });
  // A bare "Nº" is a PO label only when no better one gives a number.
  const bare = (h: LabelHit) =>
    h.field === 'poNumber' && normalise(h.label.map((w) => w.text).join(' ')) === 'no';
  const hits = [...all.filter((h) => !bare(h)), ...all.filter(bare)];
  const of = (f: HeaderField) => hits.filter((h) => h.field === f);
  const first = <T>(
    list: LabelHit[],
    read: (h: LabelHit<string>) => Reading<T> | null,
  ): Reading<T> | null => {
    for (const h of list) {
      const r = readCandidates(h, read);
      if (r !== null) return r;
    }
    return null;
  };
  const amounts: HeaderReadings['amounts'] = [];
  for (const h of hits) {
    if (h.field !== 'total' && h.field !== 'subtotal') continue;
    // A total's amount stands on its line, often far right in the amount column; under it is
    // the next line of the totals block (the VAT), so below is tried only when the line has none.
    const r =
      readCandidates({ ...h, candidates: h.sameLine ?? [] }, (x) => readAmount(x, format)) ??
      readCandidates(h, (x) => readAmount(x, format));
    if (r) amounts.push({ field: h.field, reading: r });
  }
  const orderDate = first(of('orderDate'), (h) => readDate(h, order));
  return {
    letterDate: orderDate ? null : letterDate(lines, skip, order),
    poNumber: first(of('poNumber'), (h) => readPoNumber(h)),
    orderDate,
    deliveryDate: first(of('deliveryDate'), (h) => readDate(h, order)),
    total: first([...of('total')].reverse(), (h) => readAmount(h, format)),
    subtotal: first(of('subtotal'), (h) => readAmount(h, format)),
    amounts,
    customerName: first(of('customerName'), (h) => readText(h)),
    taxId: first(
      of('taxId').filter((h) => !supplierContext(lines, h.line.index, h.label[0])),
      (h) => readTaxId(h),
    ),
    taxIds: of('taxId')
      .filter((h) => !supplierContext(lines, h.line.index, h.label[0]))
      .map((h) => readCandidates(h, (x) => readTaxId(x))?.value)
      .filter((v): v is string => v !== undefined),
    poLabelSeen: of('poNumber').length > 0,
    deliveryOpen: of('deliveryDate').some((h) =>
      OPEN_DATE.test(
        h.value
          .map((w) => w.text)
          .join(' ')
          .normalize('NFC'),
      ),
    ),
    deliveryUnread: unreadWithDigits(of('deliveryDate')),
  };
}

/** The first label's value, when it holds digits (a date OCR or the reader could not make out). */
function unreadWithDigits(hits: LabelHit[]): string | null {
  const text = hits[0]?.value.map((w) => w.text).join(' ') ?? '';
  return /\d/.test(text) ? text : null;
}

/**
 * A letter's date line without a label ("Bobadela, 3 de novembro de 2026", "Köln, 3. November
 * 2026"): the first date written with its month's name outside the table, read as the order date.
 */
function letterDate(lines: TextLine[], skip: Set<number>, order: DateOrder): Reading<string> | null {
  for (const line of lines) {
    if (skip.has(line.index) || !/\p{L}{3,}/u.test(line.text)) continue;
    for (let i = 0; i < line.words.length; i++) {
      if (!/^\d{1,2}(?:\.|º|er|st|nd|rd|th)?,?$/.test(line.words[i]!.text)) continue;
      const words = line.words.slice(i);
      const d = dateAtStart(
        words.map((w) => w.text),
        order,
      );
      if (
        d &&
        d.count > 1 &&
        /\p{L}{3,}/u.test(
          words
            .slice(0, d.count)
            .map((w) => w.text)
            .join(' '),
        )
      ) {
        return reading(d.iso, words.slice(0, d.count), line.page, FOUND_BY.pattern);
      }
    }
  }
  return null;
}
