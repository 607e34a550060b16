/** Table rows -> order lines, each field with its reading, and the arithmetic cross-checks. */
import { emptyLine, type OrderLine } from '../domain/order.ts';
import type { Word } from '../domain/page.ts';
import { FOUND_BY, lower, type Reading, raise, reading } from './meta.ts';
import { type NumberFormat, parseNumber, round } from './numbers.ts';
import { numberIn } from './header.ts';
import type { Row } from './table.ts';
import type { ColumnRole } from './vocab.ts';

type LineField =
  | 'sku'
  | 'customerRef'
  | 'gtin'
  | 'description'
  | 'quantity'
  | 'unit'
  | 'unitPrice'
  | 'amount';

/** One extracted line and the reading behind each of its fields. */
export interface LineReading {
  line: OrderLine;
  readings: Partial<Record<LineField, Reading<unknown>>>;
}

/** True when the digits carry a valid GS1 check digit (GTIN-8, -12, -13, -14). */
export function validGtin(digits: string): boolean {
  if (!/^(\d{8}|\d{12}|\d{13}|\d{14})$/.test(digits)) return false;
  const body = digits.slice(0, -1);
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const d = Number(body[body.length - 1 - i]);
    sum += i % 2 === 0 ? d * 3 : d;
  }
  return (10 - (sum % 10)) % 10 === Number(digits[digits.length - 1]);
}

const UNIT_WORD = /^[a-zA-Z]{1,6}\.?$/;

function rowLine(row: Row, lineNo: number, format: NumberFormat): LineReading {
  const line = emptyLine(lineNo);
  const readings: LineReading['readings'] = {};
  const factor = (role: ColumnRole): number =>
    row.exact.get(role) === false ? FOUND_BY.fuzzyLabel : FOUND_BY.label;
  const set = <K extends LineField>(
    field: K,
    value: OrderLine[K],
    words: Word[],
    f: number = factor(field),
  ) => {
    line[field] = value;
    readings[field] = reading(value, words, row.page, f);
  };
  const text = (role: ColumnRole) => {
    const ws = row.cells.get(role) ?? [];
    return { ws, text: ws.map((w) => w.text).join(' ') };
  };
  splitCodeFromText(row);
  for (const role of ['customerRef', 'sku', 'description'] as const) {
    const { ws, text: t } = text(role);
    // Codes do not end in punctuation; a trailing dot is OCR picking up a speck.
    const value = role === 'description' ? t : t.replace(/[.,;:]+$/, '');
    if (ws.length > 0 && value !== '') set(role, value, ws);
  }
  const gtin = text('gtin');
  if (gtin.ws.length > 0) {
    const digits = gtinDigits(gtin.text.replace(/\s/g, ''));
    // A wrong check digit is most likely a misread digit: keep what was read, but do not trust it.
    set('gtin', digits, gtin.ws, factor('gtin') * (validGtin(digits) ? 1 : 0.5));
  } else if (line.customerRef && validGtin(line.customerRef) && line.customerRef.length >= 12) {
    // The check digit vouches for the reading as much as a GTIN column header would.
    set('gtin', line.customerRef, row.cells.get('customerRef')!, factor('customerRef'));
  }
  // Separators OCR misread in a number column ("5:000", "5.000.00"): see ocrNumber.
  for (const role of ['quantity', 'unitPrice', 'amount'] as const) {
    const ws = row.cells.get(role);
    if (!ws) continue;
    const mended = ws.map((w) => {
      const text = ocrNumber(w.text, format);
      return text === w.text ? w : { ...w, text };
    });
    if (mended.some((w, i) => w !== ws[i])) row.cells.set(role, mended);
  }
  const qty = row.cells.get('quantity') ?? [];
  const q = numberIn(qty, format);
  if (q) set('quantity', q.value, q.words);
  const glued = q ? null : gluedQuantity([...qty, ...(row.cells.get('unit') ?? [])], format);
  if (glued) {
    // "159,00M": OCR lost the space between a quantity and its unit.
    set('quantity', glued.quantity, [glued.word]);
    set('unit', glued.unit, [glued.word]);
  }
  const unitWords =
    row.cells.get('unit') ?? qty.filter((w) => !q?.words.includes(w) && UNIT_WORD.test(w.text));
  if (!glued && unitWords.length > 0) set('unit', unitWords.map((w) => w.text).join(' '), unitWords);
  for (const role of ['unitPrice', 'amount'] as const) {
    const n = numberIn(row.cells.get(role) ?? [], format);
    if (n) set(role, n.value, n.words);
  }
  const per = perOf(row, format);
  if (per > 1 && line.unitPrice !== null) {
    // Cheap items priced per 100 ("PE 100"): the canonical unit price is per unit.
    line.unitPrice = round6(line.unitPrice / per);
    readings.unitPrice!.value = line.unitPrice;
  }
  const discount = discountOf(row, format);
  crossCheck(line, readings, discount);
  if (discount > 0 && line.unitPrice !== null) {
    // The canonical unit price is the net one, after the line's discount (CONTRACTS.md section 1).
    line.unitPrice = round6(line.unitPrice * (1 - discount / 100));
    readings.unitPrice!.value = line.unitPrice;
  }
  return { line, readings };
}

/**
 * A code column that holds a code and then words ("PPR-25000 Tubo PPR PN20 25 mm"): the table has
 * no description column of its own (its header went unread), so the description ran into the
 * code's. The first word is the code, the rest the description.
 */
function splitCodeFromText(row: Row): void {
  if (row.cells.has('description')) return;
  for (const role of ['customerRef', 'sku'] as const) {
    const ws = row.cells.get(role) ?? [];
    if (ws.length < 2 || !/\d/.test(ws[0]!.text) || !/[\p{L}\d]-?[\p{L}\d]/u.test(ws[0]!.text)) continue;
    if (!ws.slice(1).some((w) => /\p{L}{3,}/u.test(w.text))) continue;
    row.cells.set(role, [ws[0]!]);
    row.cells.set('description', ws.slice(1));
    return;
  }
}

/** Glyphs OCR reads for digits inside a GTIN. */
const GTIN_GLYPHS: Record<string, string> = {
  O: '0',
  o: '0',
  D: '0',
  I: '1',
  l: '1',
  '|': '1',
  ')': '1',
  '!': '1',
  S: '5',
  B: '8',
  Z: '2',
};

/**
 * A GTIN as read, or the digits it becomes with one glyph OCR confuses taken as its digit, when
 * only that reading has a valid check digit ("8437001)10148" -> 8437001110148).
 */
function gtinDigits(read: string): string {
  if (/^\d+$/.test(read) || validGtin(read)) return read;
  const mapped = [...read].map((c) => GTIN_GLYPHS[c] ?? c).join('');
  return /^\d{8,14}$/.test(mapped) && validGtin(mapped) ? mapped : read;
}

/**
 * A number whose separators OCR misread, written as the document's format writes it: a colon
 * before a thousands group is a point ("5:000"; a time, "16:25", is no number); thousands groups
 * and two decimals all behind one kind of mark ("5.000.00", "5,000,00"): the last mark is the
 * decimal one. Anything else comes back as it was.
 */
export function ocrNumber(text: string, format: NumberFormat): string {
  let t = /^\d{1,3}(:\d{3})+([.,]\d+)?$/.test(text) ? text.replace(/:/g, '.') : text;
  if (/^\d{1,3}([.,]\d{3})+[.,]\d{2}$/.test(t) && parseNumber(t, format) === null) {
    const [group, decimal] = format === 'us' ? [',', '.'] : ['.', ','];
    const cut = t.length - 3;
    t = `${t.slice(0, cut).replace(/[.,]/g, group)}${decimal}${t.slice(cut + 1)}`;
  }
  return t;
}

/** Units short enough to be read stuck to their quantity. */
const GLUED_UNIT = /^(m|ml|mts?|ud|uds|u|un|und|uni|pz|pc|pcs|pce|st|stk|rl|ro|cj|cx|ct|kg|l|ea|pr|bx)\.?$/i;

/** A quantity and its unit read as one word ("159,00M", "16,00UD"): both, or null. */
function gluedQuantity(
  words: Word[],
  format: NumberFormat,
): { quantity: number; unit: string; word: Word } | null {
  for (const word of words) {
    const m = /^(\d[\d.,'’]*\d|\d)(\p{L}{1,3}\.?)$/u.exec(word.text);
    const quantity = m ? parseNumber(m[1]!, format) : null;
    if (m && quantity !== null && GLUED_UNIT.test(m[2]!)) return { quantity, unit: m[2]!, word };
  }
  return null;
}

function round6(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

/** The price unit of a row ("PE 100": the price is per 100 pieces); 1 when none is printed. */
function perOf(row: Row, format: NumberFormat): number {
  const n = numberIn(row.cells.get('priceUnit') ?? [], format);
  if (n && [10, 100, 1000].includes(n.value)) return n.value;
  return row.per ?? 1;
}

function discountOf(row: Row, format: NumberFormat): number {
  const w = row.cells.get('discount')?.[0];
  const d = w ? parseNumber(w.text.replace('%', ''), format) : null;
  return d !== null && d > 0 && d < 100 ? d : 0;
}

/** Equal to the cent, allowing for rounding of a price with more decimals. */
export function sameAmount(a: number, b: number): boolean {
  return Math.abs(a - b) <= Math.max(0.011, Math.abs(b) * 0.0005);
}

/** Whether quantity x unit price (less a discount) = amount; null when a value is missing. */
export function arithmeticAgrees(line: OrderLine, discount = 0): boolean | null {
  const { quantity: q, unitPrice: p, amount: a } = line;
  if (q === null || p === null || a === null) return null;
  return sameAmount(round(q * p * (1 - discount / 100)), a);
}

/** quantity x unit price (less a discount) = amount raises all three; a mismatch lowers them. */
function crossCheck(line: OrderLine, r: LineReading['readings'], discount: number): void {
  const agree = arithmeticAgrees(line, discount);
  if (agree === null) return;
  const repaired =
    !agree && (repairLostDecimal(line, r, discount) || (discount === 0 && netOfImpliedDiscount(line, r)));
  for (const f of ['quantity', 'unitPrice', 'amount'] as const) {
    if (repaired && f === 'unitPrice') continue;
    const rd = r[f]!;
    rd.confidence = agree || repaired ? raise(rd.confidence) : lower(rd.confidence);
  }
}

/**
 * OCR often drops the decimal mark of a small price on a fax ('8.40' read as '840'). When the
 * quantity and the amount agree on a price 10, 100 or 1000 times smaller, that is the price
 * printed; it is kept below the low-confidence bar, so a person confirms it. Returns whether the
 * line now adds up.
 */
function repairLostDecimal(line: OrderLine, r: LineReading['readings'], discount: number): boolean {
  const { quantity: q, unitPrice: p, amount: a } = line;
  if (q === null || p === null || a === null || r.unitPrice === undefined) return false;
  for (const k of [10, 100, 1000]) {
    const candidate = round(p / k);
    if (!sameAmount(round(q * candidate * (1 - discount / 100)), a)) continue;
    line.unitPrice = candidate;
    r.unitPrice.value = candidate;
    r.unitPrice.confidence = Math.min(r.unitPrice.confidence, REPAIRED);
    return true;
  }
  return false;
}

/**
 * A gross price beside an amount that is net of a discount whose column went unrecognised: when
 * the amount is the quantity at the price less a round percentage (a multiple of 0.5, 0.5 to
 * 90), the net unit price is amount / quantity (CONTRACTS.md section 1), kept below the
 * low-confidence bar for a person to confirm. Returns whether it applied.
 */
function netOfImpliedDiscount(line: OrderLine, r: LineReading['readings']): boolean {
  const { quantity: q, unitPrice: p, amount: a } = line;
  if (q === null || p === null || a === null || q <= 0 || p <= 0 || r.unitPrice === undefined) return false;
  const percent = (1 - a / (q * p)) * 100;
  const step = Math.round(percent * 2) / 2;
  if (step < 0.5 || step > 90 || Math.abs(percent - step) > 0.02) return false;
  const net = round6(a / q);
  line.unitPrice = net;
  r.unitPrice.value = net;
  r.unitPrice.confidence = Math.min(r.unitPrice.confidence, REPAIRED);
  return true;
}

/** Confidence of a value repaired by arithmetic: under LOW_CONFIDENCE, never accepted unseen. */
const REPAIRED = 0.6;

/** The order lines of a table, numbered from 1 in reading order. */
export function readRows(rows: Row[], format: NumberFormat): LineReading[] {
  return rows.map((row, i) => rowLine(row, i + 1, format));
}

/** Units whose quantities are measured, not counted: "1.250 kg" may well be a decimal. */
const MEASURED = /^(kg|g|t|m|mm|cm|km|m2|m²|m3|m³|l|lt|ml|cl|mts?|metros?|meter|mètres?|metri)\.?$/i;

/**
 * Quantities are printed alike down a column: where `1.000` or `1,200` (one separator, then three
 * digits) stands among bare whole quantities ("50") and none uses that separator with other
 * than three digits after it, it groups thousands, whatever the document's prices said about its number format
 * ("DIN 933 8.8" in a description must not make "1.000" one piece). Counted units only.
 * Corrects `lines` in place.
 */
/**
 * A quantity column that writes its quantities with d decimals ("60.00", "300.00") and one bare
 * number ending in d zeros ("2400"): OCR lost that one's decimal mark, and it is 24. Needs three
 * quantities written with d decimals and none with another number; a line whose arithmetic
 * agrees with the quantity as read keeps it. The mended quantity's confidence is lowered.
 */
export function lostDecimalQuantities(lines: LineReading[]): void {
  const tokens = lines.map((l) => {
    const ws = l.readings.quantity?.words ?? [];
    return ws.length === 1 ? ws[0]!.text.replace(/[^\d.,]/g, '') : null;
  });
  for (const d of [2, 3]) {
    const written = tokens.filter((t) => t !== null && new RegExp(`[.,]\\d{${d}}$`).test(t)).length;
    const other = tokens.filter(
      (t) => t !== null && /[.,]\d+$/.test(t) && !new RegExp(`[.,]\\d{${d}}$`).test(t),
    );
    if (written < 3 || other.length > 0) continue;
    const bare = new RegExp(`^[1-9]\\d*0{${d}}$`);
    lines.forEach((l, i) => {
      const t = tokens[i];
      if (!t || !bare.test(t) || arithmeticAgrees(l.line) === true) return;
      const value = Number(t) / 10 ** d;
      l.line.quantity = value;
      l.readings.quantity = {
        ...l.readings.quantity!,
        value,
        confidence: lower(l.readings.quantity!.confidence),
      };
    });
    return;
  }
}

export function groupedQuantities(lines: LineReading[]): void {
  const tokens = lines.map((l) => {
    const ws = l.readings.quantity?.words ?? [];
    return ws.length === 1 ? ws[0]!.text.replace(/[^\d.,]/g, '') : null;
  });
  for (const sep of ['.', ','] as const) {
    const grouped = new RegExp(`^[1-9]\\d{0,2}\\${sep}\\d{3}$`);
    const decimal = new RegExp(`\\${sep}(\\d{1,2}|\\d{4,})$`);
    if (tokens.some((t) => t !== null && decimal.test(t))) continue;
    // Beside a quantity printed bare ("50"): an SAP-style column printing every quantity with
    // three decimals ("10.000", "24.000") says nothing, and is read as the document's format says.
    if (!tokens.some((t) => t !== null && /^\d+$/.test(t))) continue;
    lines.forEach((l, i) => {
      const t = tokens[i];
      // A line whose price and amount agree with the quantity as read has settled it already.
      if (!t || !grouped.test(t) || MEASURED.test(l.line.unit ?? '') || arithmeticAgrees(l.line) === true)
        return;
      const value = Number(t.replace(sep, ''));
      if (l.line.quantity === value) return;
      l.line.quantity = value;
      l.readings.quantity!.value = value;
    });
  }
}
