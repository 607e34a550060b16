/**
 * Whether a document read without a template vouches for itself: its own arithmetic closes, an
 * unpriced call-off left nothing unread, no date was left unattributed. Kept apart from the
 * reading (extract.ts) so the rules that let an order pass untouched stand in one place.
 */
import type { CanonicalOrder } from '../domain/order.ts';
import { type DateOrder, dateAtStart } from './dates.ts';
import { isCurrencyWord } from './evidence.ts';
import type { HeaderReadings } from './header.ts';
import type { TextLine } from './layout.ts';
import type { Reading } from './meta.ts';
import { round } from './numbers.ts';
import { arithmeticAgrees, sameAmount } from './rows.ts';
import type { Table } from './table.ts';

/**
 * A date printed outside the line table that is not `known` (the order date): its text, or null.
 * A date may wrap onto the next line ("miércoles, 18 de" / "noviembre de 2026"), even onto a row
 * of the table beside it: it counts where it starts.
 */
export function strayDate(
  lines: TextLine[],
  rows: Set<number>,
  order: DateOrder,
  known: string | null,
): string | null {
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    if (rows.has(line.index)) continue;
    const next = lines[n + 1]?.page === line.page ? lines[n + 1]!.words : [];
    for (let i = 0; i < line.words.length; i++) {
      if (!/^\d/.test(line.words[i]!.text)) continue;
      const words = [...line.words.slice(i), ...next].slice(0, 5);
      const d = dateAtStart(
        words.map((w) => w.text),
        order,
      );
      if (d && d.iso !== known) {
        return words
          .slice(0, d.count)
          .map((w) => w.text)
          .join(' ');
      }
    }
  }
  return null;
}

/**
 * Lines inside the table's span (between its first and last line, on its pages) that hold a
 * figure but were read neither as a row, nor a header, nor a wrapped description: rows that may
 * have been dropped.
 */
export function unreadRows(table: Table | null, lines: TextLine[]): number {
  if (!table || table.lineIndexes.size === 0) return 0;
  // Per page: a running head above the table or a footer under it is no row.
  const span = new Map<number, { first: number; last: number }>();
  for (const l of lines) {
    if (!table.lineIndexes.has(l.index)) continue;
    const s = span.get(l.page);
    span.set(l.page, {
      first: Math.min(s?.first ?? l.index, l.index),
      last: Math.max(s?.last ?? l.index, l.index),
    });
  }
  return lines.filter((l) => {
    const s = span.get(l.page);
    return (
      s !== undefined &&
      l.index > s.first &&
      l.index < s.last &&
      !table.lineIndexes.has(l.index) &&
      l.words.some((w) => /\d/.test(w.text))
    );
  }).length;
}

/** What the lines add up to: their amounts, or quantity x price where the document prints no amounts. */
export function linesSum(order: CanonicalOrder): number | null {
  if (order.lines.length === 0) return null;
  let sum = 0;
  for (const l of order.lines) {
    const a = l.amount ?? (l.quantity !== null && l.unitPrice !== null ? l.quantity * l.unitPrice : null);
    if (a === null) return null;
    sum += a;
  }
  return round(sum);
}

/**
 * Without a template, the order may still pass untouched when the document vouches for itself:
 * a PO number under a PO label and an order date, every line with its quantity and price (and
 * amount, where the document prints them) adding up, and the lines adding up to the stated total.
 * Master data is the other witness (article codes, prices, customer), checked by validation.
 */
export function witnessesAgree(
  order: CanonicalOrder,
  readings: Map<string, Reading<unknown>>,
  header: HeaderReadings,
  typed: boolean,
  lines: TextLine[],
): boolean {
  if (typed && unpriced(order, readings, lines)) return !!header.poNumber && order.orderDate !== null;
  if (!header.poNumber || order.orderDate === null || !readings.has('total')) return false;
  return linesVouch(order);
}

/**
 * The lines' part of a document vouching for itself: every line has a quantity and a price,
 * amounts on all lines or none, each line's arithmetic closes, and the lines add up to the total.
 * Validation asks again once it has mended a misread number.
 */
export function linesVouch(order: CanonicalOrder): boolean {
  if (order.total === null || order.lines.length === 0) return false;
  const amounts = order.lines.filter((l) => l.amount !== null).length;
  if (amounts !== 0 && amounts !== order.lines.length) return false;
  for (const l of order.lines) {
    if (l.quantity === null || l.unitPrice === null) return false;
    if (l.amount !== null && arithmeticAgrees(l) === false) {
      // A discounted line: its amount is quantity x the net price, already applied.
      if (!sameAmount(round(l.quantity * l.unitPrice), l.amount)) return false;
    }
  }
  const sum = linesSum(order);
  return sum !== null && sameAmount(sum, order.total);
}

/** A price-shaped word: two decimals ("12,50", "1.234,00", "0.45"), or a currency sign on digits. */
const MONEY = /^[€$£]?\d{1,3}(?:[.,' \u00a0]?\d{3})*[.,]\d{2,4}[€$£]?$|[€$£]\d|\d[€$£]/;

/**
 * An order that prints no price, amount or total anywhere (a call-off of catalogue articles, priced
 * by the supplier): there is no arithmetic to close, so on typed text (a text-layer PDF, an
 * e-mail), where nothing is guessed from glyphs, it may pass when every line has a quantity and an
 * article code. Validation still resolves each code against the catalogue and checks each
 * quantity against the pack size and unit; a scanned or faxed one always goes to a person, since
 * no second witness would catch a misread digit in a quantity.
 */
function unpriced(
  order: CanonicalOrder,
  readings: Map<string, Reading<unknown>>,
  lines: TextLine[],
): boolean {
  if (order.lines.length === 0 || order.total !== null || readings.has('total')) return false;
  // Money printed anywhere but in what the lines were read from (a quantity "1.200,00", a code
  // "40.669.635") means prices that went unread ("12,50", "€ 3", "1.234,00 EUR").
  // A description's words are not exempt: an unnamed price column's figures may have run into it.
  const used = new Set(
    [...readings]
      .filter(([path]) => /^lines\[\d+\]\.(sku|customerRef|gtin|quantity)$/.test(path))
      .flatMap(([, r]) => r.words),
  );
  for (const line of lines) {
    for (const [k, w] of line.words.entries()) {
      if (used.has(w)) continue;
      const next = line.words[k + 1]?.text ?? '';
      const prev = line.words[k - 1]?.text ?? '';
      if (MONEY.test(w.text) || (/\d/.test(w.text) && (isCurrencyWord(next) || isCurrencyWord(prev)))) {
        return false;
      }
    }
  }
  return order.lines.every(
    (l) =>
      l.unitPrice === null &&
      l.amount === null &&
      l.quantity !== null &&
      l.quantity > 0 &&
      (l.sku !== null || l.customerRef !== null || l.gtin !== null),
  );
}
