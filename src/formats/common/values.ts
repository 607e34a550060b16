/** Values as structured orders write them, turned into the canonical order's types. */
import type { Address } from '../../domain/order.ts';

const PLAIN_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/**
 * A number written with a full stop as decimal mark and no grouping (X12, XML schemas). Null
 * when empty; `undefined` when the text is not such a number (or overflows).
 */
export function plainNumber(value: string | null | undefined): number | null | undefined {
  if (value === null || value === undefined) return null;
  const v = value.trim();
  if (v === '') return null;
  if (!PLAIN_NUMBER.test(v)) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * A number as people type it in sheets: `1.234,56`, `1,234.56`, `1234,5`, `12.5`, `1 234`, with
 * a currency sign or code around it. A lone separator followed by exactly three digits is read as
 * grouping only when another group or mark says so; else it is the decimal mark (`0,125` is 0.125).
 */
export function localeNumber(value: string | null | undefined): number | null | undefined {
  if (value === null || value === undefined) return null;
  let v = value
    .trim()
    .replace(/^[A-Z]{3}\s*|\s*[A-Z]{3}$/, '')
    .replace(/[€$£¥\u00a0\u202f']/g, '')
    .replace(/\s+/g, '');
  if (v === '') return null;
  const negative = /^\(.*\)$/.test(v) || /-$/.test(v);
  v = v.replace(/^\((.*)\)$/, '$1').replace(/-$/, '');
  if (negative) v = `-${v.replace(/^-/, '')}`;
  const comma = v.lastIndexOf(',');
  const dot = v.lastIndexOf('.');
  if (comma !== -1 && dot !== -1) {
    // The later mark is the decimal one; the other groups thousands.
    v = comma > dot ? v.replace(/\./g, '').replace(',', '.') : v.replace(/,/g, '');
  } else if (comma !== -1) {
    const groups = v.split(',');
    const grouping = groups.length > 2 && groups.slice(1).every((g) => /^\d{3}$/.test(g));
    v = grouping ? groups.join('') : groups.length === 2 ? v.replace(',', '.') : v;
  } else if (dot !== -1) {
    const groups = v.split('.');
    if (groups.length > 2 && groups.slice(1).every((g) => /^\d{3}$/.test(g))) v = groups.join('');
  }
  return plainNumber(v);
}

/** a x b without binary noise in the last digits. */
export function times(a: number, b: number): number {
  return Number((a * b).toPrecision(12));
}

function validDate(y: number, m: number, d: number): string | undefined {
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d)
    return undefined;
  if (y < 1900 || y > 2999) return undefined;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/**
 * A date as structured orders write it: `CCYYMMDD` / `YYMMDD` (X12, CII format 102), ISO
 * `YYYY-MM-DD` with or without a time (UBL, cXML), and, for sheets, `DD/MM/YYYY`, `DD.MM.YYYY`,
 * `DD-MM-YYYY` (day first: these customers are European unless the day cannot be one). Null when
 * empty; `undefined` when it is no valid date.
 */
export function isoDate(value: string | null | undefined): string | null | undefined {
  if (value === null || value === undefined) return null;
  const v = value.trim();
  if (v === '') return null;
  let m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(v);
  if (m) return validDate(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{4})(\d{2})(\d{2})(?:\d{2,6})?$/.exec(v);
  if (m) return validDate(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{2})(\d{2})(\d{2})$/.exec(v);
  if (m) return validDate(2000 + Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})$/.exec(v);
  if (m) {
    const y = m[3]!.length === 2 ? 2000 + Number(m[3]) : Number(m[3]);
    const [a, b] = [Number(m[1]), Number(m[2])];
    // Day first, unless the second number cannot be a month (a US sheet: 12/31/2026).
    return b > 12 && a <= 12 ? validDate(y, a, b) : validDate(y, b, a);
  }
  m = /^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$/.exec(v);
  if (m) return validDate(Number(m[1]), Number(m[2]), Number(m[3]));
  return undefined;
}

/** A JavaScript date (a spreadsheet cell) as ISO, by its UTC calendar day. */
export function isoOfDate(d: Date): string | undefined {
  if (Number.isNaN(d.getTime())) return undefined;
  return validDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

const UNITS: Record<string, string> = {
  PCE: 'EA',
  C62: 'EA',
  H87: 'EA',
  EA: 'EA',
  PC: 'EA',
  PCS: 'EA',
  UN: 'EA',
  UDS: 'EA',
  UD: 'EA',
  KGM: 'KG',
  MTR: 'M',
  LTR: 'L',
};

/** A unit code (UN/ECE Rec 20, X12 355, a sheet's `pcs`) in the units products.csv uses. */
export function unitCode(code: string | null | undefined): string | null {
  const c = code?.trim();
  if (!c) return null;
  return UNITS[c.toUpperCase()] ?? c.toUpperCase();
}

/** A GTIN as the canonical order keeps it: its digits (8, 12, 13 or 14), else null. */
export function gtinOf(value: string | null | undefined): string | null {
  const v = value?.trim().replace(/\s+/g, '');
  return v && /^(\d{8}|\d{12,14})$/.test(v) ? v : null;
}

/** An address from its parts (street lines joined); null when the document gives none of them. */
export function addressFrom(
  name: string | null,
  streetLines: (string | null)[],
  parts: { postalCode: string | null; city: string | null; country: string | null },
): Address | null {
  const street = streetLines.filter((v): v is string => v !== null).join(', ');
  const address: Address = {
    name,
    street: street || null,
    postalCode: parts.postalCode,
    city: parts.city,
    country: parts.country?.toUpperCase() ?? null,
  };
  return Object.values(address).some((v) => v !== null) ? address : null;
}
