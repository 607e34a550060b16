/**
 * Order lines found by their arithmetic when no table header could be read (a fax whose shaded
 * header row OCR lost, a layout whose column names no vocabulary knows): a line that holds an
 * article code and three numbers where quantity x price (less a discount, or per 100) = amount
 * is an order line, whatever the columns are called or in which order they stand.
 */
import type { Word } from '../domain/page.ts';
import { emptyLine } from '../domain/order.ts';
import { charWidth, type TextLine } from './layout.ts';
import { FOUND_BY, type Reading, raise, reading } from './meta.ts';
import { type NumberFormat, parseNumber, round } from './numbers.ts';
import { codeShaped } from './prose.ts';
import { type LineReading, sameAmount } from './rows.ts';

interface Num {
  /** Position of the number's last word among the line's words. */
  at: number;
  /** Position of its first word. */
  start: number;
  value: number;
  word: Word;
  /** All the words of the number: "1 200,00" printed in groups is three. */
  words: Word[];
}

const UNIT_WORD = /^\p{L}{1,6}\.?$/u;

/**
 * The numbers of a line with their positions among its words; a number printed in groups of
 * thousands with spaces ("1 200", "2 500,00") is one, when its groups stand a space apart.
 */
function numbersOf(words: Word[], format: NumberFormat): Num[] {
  const out: Num[] = [];
  const cw = charWidth(words);
  for (let at = 0; at < words.length; at++) {
    const first = words[at]!;
    const group = [first];
    if (/^\d{1,3}$/.test(first.text)) {
      while (at + group.length < words.length) {
        const next = words[at + group.length]!;
        const prev = group[group.length - 1]!;
        if (!/^\d{3}(?:[.,]\d+[€$£%]?)?$/.test(next.text) || next.x - (prev.x + prev.w) > 1.5 * cw) break;
        group.push(next);
        if (/[.,]/.test(next.text)) break;
      }
    }
    const text = group.map((w) => w.text).join(' ');
    const value = parseNumber(text.replace(/[€$£%]$/, ''), format);
    if (value !== null && value >= 0) {
      out.push({ at: at + group.length - 1, start: at, value, word: group[group.length - 1]!, words: group });
      at += group.length - 1;
    } else {
      const single = parseNumber(first.text.replace(/[€$£%]$/, ''), format);
      if (single !== null && single >= 0)
        out.push({ at, start: at, value: single, word: first, words: [first] });
    }
  }
  return out;
}

interface Fit {
  q: Num;
  p: Num;
  a: Num;
  discount: number;
  per: number;
}

/** quantity x price = amount among the numbers, amount last, price before it, quantity before that. */
function fitArithmetic(nums: Num[]): Fit | null {
  const n = nums.length;
  for (let ai = n - 1; ai >= 2 && ai >= n - 2; ai--) {
    const a = nums[ai]!;
    for (let pi = ai - 1; pi >= 1; pi--) {
      const p = nums[pi]!;
      for (let qi = pi - 1; qi >= 0; qi--) {
        const q = nums[qi]!;
        if (q.value <= 0 || p.value <= 0 || a.value <= 0) continue;
        if (sameAmount(round(q.value * p.value), a.value)) return { q, p, a, discount: 0, per: 1 };
        for (const per of [100, 1000]) {
          if (sameAmount(round((q.value * p.value) / per), a.value)) return { q, p, a, discount: 0, per };
        }
        // A discount column between the price and the amount.
        const d = nums.slice(pi + 1, ai).find((x) => x.value > 0 && x.value < 100);
        if (d && sameAmount(round(q.value * p.value * (1 - d.value / 100)), a.value)) {
          return { q, p, a, discount: d.value, per: 1 };
        }
      }
    }
  }
  return null;
}

function rowOf(line: TextLine, lineNo: number, format: NumberFormat): LineReading | null {
  const words = line.words;
  const codeAt = words
    .slice(0, 4)
    .findIndex((w) => codeShaped(w.text) && parseNumber(w.text, format) === null);
  if (codeAt === -1) return null;
  const nums = numbersOf(words, format).filter((x) => x.at !== codeAt);
  const fit = fitArithmetic(nums);
  if (!fit) return null;
  const page = line.page;
  const l = emptyLine(lineNo);
  const readings: LineReading['readings'] = {};
  const set = <T>(field: keyof LineReading['readings'], value: T, ws: Word[]): Reading<T> => {
    const r = reading(value, ws, page, FOUND_BY.pattern);
    (readings as Record<string, Reading<unknown>>)[field] = r;
    return r;
  };
  const code = words[codeAt]!;
  l.customerRef = code.text.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
  set('customerRef', l.customerRef, [code]);
  // The description: the words after the code up to the first number used (or the unit).
  const firstUsed = Math.min(fit.q.start, fit.p.start, fit.a.start);
  const descWords = words
    .slice(codeAt + 1, fit.q.start > codeAt ? firstUsed : fit.p.start)
    .filter((w, i, all) => {
      const last = i === all.length - 1;
      return !(last && UNIT_WORD.test(w.text) && fit.q.start === words.indexOf(w) + 1);
    });
  if (descWords.length > 0) {
    l.description = descWords.map((w) => w.text).join(' ');
    set('description', l.description, descWords);
  }
  l.quantity = fit.q.value;
  const q = set('quantity', fit.q.value, fit.q.words);
  const unit = words[fit.q.at + 1] ?? null;
  const unitBefore = words[fit.q.start - 1] ?? null;
  const u =
    unit && UNIT_WORD.test(unit.text)
      ? unit
      : unitBefore && UNIT_WORD.test(unitBefore.text) && fit.q.start - 1 > codeAt
        ? unitBefore
        : null;
  if (u) {
    l.unit = u.text;
    set('unit', l.unit, [u]);
  }
  l.unitPrice = Math.round((fit.p.value / fit.per) * (1 - fit.discount / 100) * 1e6) / 1e6;
  const p = set('unitPrice', l.unitPrice, fit.p.words);
  l.amount = fit.a.value;
  const a = set('amount', fit.a.value, fit.a.words);
  // The arithmetic closing is the witness that made this a row: it vouches for all three.
  for (const r of [q, p, a]) r.confidence = raise(r.confidence);
  return { line: l, readings };
}

/** Every line of the document that reads as an order line by its arithmetic, numbered in order. */
export function arithmeticRows(lines: TextLine[], format: NumberFormat): LineReading[] {
  const out: LineReading[] = [];
  for (const line of lines) {
    const r = rowOf(line, out.length + 1, format);
    if (r) out.push(r);
  }
  return out;
}
