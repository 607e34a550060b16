import type { Segment } from './tokenize.ts';

/** Component `c` of data element `e` (both 0-based, after the tag), trimmed; null when absent or empty. */
export function text(s: Segment, e: number, c = 0): string | null {
  const v = s.elements[e]?.[c]?.trim();
  return v ? v : null;
}

/** The non-empty components `from`..`to` of element `e`, joined; null when all are empty. */
export function joined(s: Segment, e: number, from = 0, to = 99, sep = ' '): string | null {
  const parts = (s.elements[e] ?? [])
    .slice(from, to + 1)
    .map((v) => v.trim())
    .filter((v) => v !== '');
  return parts.length > 0 ? parts.join(sep) : null;
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/**
 * An EDIFACT numeric value as a number: the UNA decimal mark or a full stop, no thousands
 * separators (ISO 9735 allows none). `undefined` when the text is not a number.
 */
export function decimal(value: string | null, mark: string): number | null | undefined {
  if (value === null) return null;
  const v = mark === '.' ? value : value.replace(mark, '.');
  if (!NUMBER.test(v)) return undefined;
  // Hundreds of digits pass the pattern but overflow to Infinity: no quantity or price is that.
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** a / b without binary noise in the last digits (0.3 / 3 is 0.1, not 0.09999999999999999). */
export function divide(a: number, b: number): number {
  return Number((a / b).toPrecision(12));
}

const DATE_DIGITS: Record<string, number> = {
  '101': 6,
  '102': 8,
  '201': 6,
  '203': 8,
  '204': 8,
  '718': 8,
  '719': 8,
};
const BY_LENGTH: Record<number, string> = { 6: '101', 8: '102', 10: '201', 12: '203', 14: '204' };

/**
 * A DTM value in format 2379 (101 YYMMDD, 102 CCYYMMDD, 201 YYMMDDHHMM, 203 CCYYMMDDHHMM,
 * 204 CCYYMMDDHHMMSS, 718/719 ranges: their start) as ISO YYYY-MM-DD; the format is guessed
 * from the length when missing. `undefined` when the value is not a valid date.
 */
export function isoDate(value: string | null, format: string | null): string | null | undefined {
  if (value === null) return null;
  const code = format ?? BY_LENGTH[value.length];
  const digits = code ? DATE_DIGITS[code] : undefined;
  if (digits === undefined || !/^\d+/.test(value)) return undefined;
  const d = value.slice(0, digits);
  if (!/^\d+$/.test(d) || d.length !== digits) return undefined;
  const century = digits === 6 ? (Number(d.slice(0, 2)) < 50 ? '20' : '19') : '';
  const full = century + d;
  return validDate(full.slice(0, 4), full.slice(4, 6), full.slice(6, 8));
}

function validDate(y: string, m: string, d: string): string | undefined {
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  const ok =
    date.getUTCFullYear() === Number(y) &&
    date.getUTCMonth() === Number(m) - 1 &&
    date.getUTCDate() === Number(d);
  return ok ? `${y}-${m}-${d}` : undefined;
}

const UNITS: Record<string, string> = { PCE: 'EA', C62: 'EA', EA: 'EA', KGM: 'KG', MTR: 'M', LTR: 'L' };

/** UN/ECE Rec 20 unit (6411) in the units products.csv uses; unknown codes pass unchanged. */
export function unitCode(code: string | null): string | null {
  if (code === null) return null;
  return UNITS[code.toUpperCase()] ?? code;
}

/** GS1 mod-10 check digit test for GTIN-8/12/13/14 and GLN. */
export function hasGs1CheckDigit(digits: string): boolean {
  if (!/^(\d{8}|\d{12,14})$/.test(digits)) return false;
  let sum = 0;
  for (let i = digits.length - 2, w = 3; i >= 0; i--, w = 4 - w) sum += Number(digits[i]) * w;
  return (10 - (sum % 10)) % 10 === Number(digits[digits.length - 1]);
}
