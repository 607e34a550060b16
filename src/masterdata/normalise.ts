/**
 * Normalisation of identifiers, shared by the master-data import (what is stored) and by
 * validation (what a document's value is compared with), so both sides always agree.
 */

/** GTIN-8/12/13/14 after removing spaces and dashes; anything else is not a GTIN. */
const GTIN_LENGTHS = new Set([8, 12, 13, 14]);

export type GtinResult =
  | { ok: true; gtin: string }
  | { ok: false; reason: 'format' }
  | { ok: false; reason: 'check_digit'; expected: string };

/** The GS1 check digit for the digits before it (mod 10, weights 3,1,3,... from the right). */
export function gtinCheckDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const digit = body.charCodeAt(body.length - 1 - i) - 48;
    sum += i % 2 === 0 ? digit * 3 : digit;
  }
  return (10 - (sum % 10)) % 10;
}

/**
 * Parses a GTIN as written (`8412345678905`, `0 8412345 67890 5`) into its 14-digit form.
 * On a wrong check digit, `expected` is the same GTIN with the right last digit, as written.
 */
export function parseGtin(raw: string): GtinResult {
  const digits = raw.replace(/[\s-]/g, '');
  if (!/^\d+$/.test(digits) || !GTIN_LENGTHS.has(digits.length)) return { ok: false, reason: 'format' };
  const body = digits.slice(0, -1);
  const check = gtinCheckDigit(body);
  if (check !== Number(digits.slice(-1))) {
    return { ok: false, reason: 'check_digit', expected: body + String(check) };
  }
  return { ok: true, gtin: digits.padStart(14, '0') };
}

/** The 14-digit form of a valid GTIN, or null. */
export function normaliseGtin(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const r = parseGtin(raw);
  return r.ok ? r.gtin : null;
}

/**
 * E.164-ish fax number: separators removed, `00` international prefix turned into `+`.
 * Returns null when what is left is not 6 to 15 digits (optionally after a `+`).
 * A number without country code stays as national digits: it only matches the same digits.
 */
export function normaliseFax(raw: string | null | undefined): string | null {
  if (!raw) return null;
  let s = raw.trim().replace(/[\s.\-()/]/g, '');
  if (s.startsWith('00')) s = `+${s.slice(2)}`;
  return /^\+?\d{6,15}$/.test(s) ? s : null;
}

/** Country calling codes of the markets a European supplier sells to, longest first. */
const CALLING_CODES = [
  '351',
  '353',
  '352',
  '34',
  '33',
  '49',
  '39',
  '44',
  '32',
  '31',
  '41',
  '43',
  '45',
  '46',
  '47',
  '48',
  '1',
];

/**
 * Every E.164 form a printed fax or phone number may stand for: as written when it carries its
 * country code (`+34 986 555 121`, `0034...`), else the national number under each country code,
 * with and without the trunk `0` (`05 56 55 56 31` is `+33556555631`, Italy keeps its `0`).
 * Only a number on file can match one of them.
 */
export function faxVariants(raw: string | null | undefined): string[] {
  const s = normaliseFax(raw);
  if (!s) return [];
  if (s.startsWith('+')) return [s];
  const digits = s.replace(/^\+/, '');
  if (digits.length < 8 || digits.length > 12) return [s];
  const national = digits.replace(/^0/, '');
  const out = new Set<string>([s]);
  for (const cc of CALLING_CODES) {
    out.add(`+${cc}${national}`);
    out.add(`+${cc}${digits}`);
    if (digits.startsWith(cc) && digits.length > 10) out.add(`+${digits}`);
  }
  return [...out];
}

/** Lower-cased address, or `@domain` entry; null when it is neither. */
export function normaliseEmail(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const s = raw.trim().toLowerCase();
  return /^[^\s@]*@[^\s@]+\.[^\s@]+$/.test(s) ? s : null;
}

/** `@domain` of an address (`compras@ferreterialopez.es` -> `@ferreterialopez.es`). */
export function emailDomain(address: string): string | null {
  const at = address.lastIndexOf('@');
  return at > 0 ? address.slice(at) : null;
}

/** Tax id as stored: upper case, without spaces, dashes and dots (`es-b12345678` -> `ESB12345678`). */
export function normaliseTaxId(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const s = raw.toUpperCase().replace(/[\s.\-/]/g, '');
  return s === '' ? null : s;
}

/** EU VAT country prefixes (Greece writes EL), and GB/CH/NO which print theirs the same way. */
const VAT_PREFIXES = [
  'AT',
  'BE',
  'BG',
  'CY',
  'CZ',
  'DE',
  'DK',
  'EE',
  'EL',
  'ES',
  'FI',
  'FR',
  'HR',
  'HU',
  'IE',
  'IT',
  'LT',
  'LU',
  'LV',
  'MT',
  'NL',
  'PL',
  'PT',
  'RO',
  'SE',
  'SI',
  'SK',
  'GB',
  'CH',
  'NO',
];

/**
 * The forms a tax id may be stored in: with and without its VAT country prefix (`B12345678` and
 * `ESB12345678` are the same Spanish company; a Portuguese invoice prints `507318625` for
 * `PT507318625`). A bare id gets every prefix: only a customer's own id can match one of them.
 */
export function taxIdVariants(raw: string | null | undefined): string[] {
  const s = normaliseTaxId(raw);
  if (!s) return [];
  const prefixed = VAT_PREFIXES.find((p) => s.startsWith(p) && /\d/.test(s.slice(2, 4)) && s.length > 8);
  const bare = prefixed ? s.slice(2) : s;
  if (!/^[A-Z0-9]{8,13}$/.test(bare) || !/\d{5}/.test(bare)) return [s];
  return [...new Set([s, bare, ...VAT_PREFIXES.map((p) => `${p}${bare}`)])];
}

/** Letters OCR reads for digits and back, inside a tax id. */
const TAX_ID_LETTER_DIGIT: Record<string, string> = {
  S: '5',
  O: '0',
  D: '0',
  Q: '0',
  I: '1',
  L: '1',
  B: '8',
  Z: '2',
  G: '6',
};
const TAX_ID_DIGIT_LETTER: Record<string, string> = {
  '5': 'S',
  '0': 'O',
  '1': 'I',
  '8': 'B',
  '2': 'Z',
  '6': 'G',
};

/**
 * Tax ids one OCR slip from `raw` ("FRS9423187962" for FR59423187962, "836704153" for B36704153),
 * each with the forms `taxIdVariants` gives: a letter read inside the digits taken as the digit it
 * resembles, or a first or last digit taken as the letter it resembles (where a format puts a
 * letter: a Spanish CIF's first, an Irish number's last). Only for ids read by OCR.
 */
export function taxIdSlips(raw: string | null | undefined): string[] {
  const s = normaliseTaxId(raw);
  if (!s || s.length < 8) return [];
  const prefix = VAT_PREFIXES.find((p) => s.startsWith(p) && s.length > 9) ?? '';
  const body = s.slice(prefix.length);
  const out = new Set<string>();
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    const digitNear = /\d/.test(body[i - 1] ?? '') || /\d/.test(body[i + 1] ?? '');
    const asDigit = TAX_ID_LETTER_DIGIT[ch];
    if (asDigit && digitNear) out.add(prefix + body.slice(0, i) + asDigit + body.slice(i + 1));
    const asLetter = TAX_ID_DIGIT_LETTER[ch];
    if (asLetter && (i === 0 || i === body.length - 1))
      out.add(prefix + body.slice(0, i) + asLetter + body.slice(i + 1));
  }
  return [...out].flatMap((v) => taxIdVariants(v));
}

/** Splits a `;`-separated cell, trimming entries and dropping empty ones and repeats. */
export function splitList(cell: string): string[] {
  const out: string[] = [];
  for (const part of cell.split(';')) {
    const v = part.trim();
    if (v !== '' && !out.includes(v)) out.push(v);
  }
  return out;
}
