/** Locale-aware numbers as printed on purchase orders: `1.234,56`, `1,234.56`, `1 234,56`, `€12.50`. */

/** How a document writes numbers: `eu` = `1.234,56`, `us` = `1,234.56`. */
export type NumberFormat = 'eu' | 'us';

// `US$` comes after the amount in Spanish print (`1.234,56 US$`), before it in English.
const CURRENCY_AFFIX = /^(?:€|\$|£|eur|usd|gbp|us\$)\s*|\s*(?:€|\$|£|eur|usd|gbp|us\$)$/i;
/** Space-like characters used as thousands separators: space, NBSP, thin, narrow NBSP, apostrophe. */
const GROUP_SPACE = /[ \u00a0\u2009\u202f']/g;
const HAS_GROUP_SPACE = /[ \u00a0\u2009\u202f']/;
const DIGITS_ONLY = /^\d+$/;

function stripAffixes(text: string): { body: string; negative: boolean } | null {
  let body = text.trim();
  let negative = false;
  for (let i = 0; i < 3; i++) {
    const before = body;
    body = body.replace(CURRENCY_AFFIX, '').trim();
    if (/^[-−–]/.test(body)) {
      negative = !negative;
      body = body.slice(1).trim();
    } else if (/^\+/.test(body)) body = body.slice(1).trim();
    if (/[-−]$/.test(body)) {
      negative = !negative;
      body = body.slice(0, -1).trim();
    }
    if (body === before) break;
  }
  return body === '' ? null : { body, negative };
}

function validGroups(intPart: string, sep: string): boolean {
  const groups = intPart.split(sep);
  return /^\d{1,3}$/.test(groups[0] ?? '') && groups.slice(1).every((g) => /^\d{3}$/.test(g));
}

/** Splits a separator-laden number into integer and fraction digits; null when not a number. */
function digitsOf(body: string, format: NumberFormat): { int: string; frac: string } | null {
  let s = body;
  if (HAS_GROUP_SPACE.test(s)) {
    const m = /^([\d \u00a0\u2009\u202f']+)([.,]\d+)?$/.exec(s);
    if (!m || !validGroups((m[1] ?? '').replace(GROUP_SPACE, ' '), ' ')) return null;
    s = (m[1] ?? '').replace(GROUP_SPACE, '') + (m[2] ?? '');
  }
  if (!/^[\d.,]+$/.test(s) || !/\d/.test(s)) return null;
  const dots = s.split('.').length - 1;
  const commas = s.split(',').length - 1;
  if (dots > 0 && commas > 0) {
    const decimal = s.lastIndexOf('.') > s.lastIndexOf(',') ? '.' : ',';
    const group = decimal === '.' ? ',' : '.';
    const [int = '', frac = '', ...rest] = s.split(decimal);
    if (rest.length > 0 || !DIGITS_ONLY.test(frac) || !validGroups(int, group)) return null;
    return { int: int.split(group).join(''), frac };
  }
  if (dots + commas === 0) return { int: s, frac: '' };
  const sep = dots > 0 ? '.' : ',';
  const parts = s.split(sep);
  if (parts.length > 2) return validGroups(s, sep) ? { int: parts.join(''), frac: '' } : null;
  const [int = '', frac = ''] = parts;
  if (!DIGITS_ONLY.test(frac) || (int !== '' && !DIGITS_ONLY.test(int))) return null;
  // One separator before exactly three digits is the ambiguous case: the document's format decides.
  const groupSep = format === 'eu' ? '.' : ',';
  if (sep === groupSep && frac.length === 3 && /^[1-9]\d{0,2}$/.test(int)) {
    return { int: int + frac, frac: '' };
  }
  return { int: int === '' ? '0' : int, frac };
}

/**
 * Parses a printed number (optional sign, currency symbol or code before or after) into a number.
 * `format` settles the only ambiguous shape, one separator followed by three digits (`1.234`);
 * every other shape is read from its separators alone. Returns null for anything that is not a number.
 */
export function parseNumber(text: string, format: NumberFormat = 'eu'): number | null {
  const stripped = stripAffixes(text);
  if (!stripped) return null;
  const d = digitsOf(stripped.body, format);
  if (!d || !DIGITS_ONLY.test(d.int) || (d.frac !== '' && !DIGITS_ONLY.test(d.frac))) return null;
  const value = Number(d.frac === '' ? d.int : `${d.int}.${d.frac}`);
  if (!Number.isFinite(value)) return null;
  return stripped.negative && value !== 0 ? -value : value;
}

/** What one token says about the document's format: null when it says nothing (`12`, `1.234`). */
export function formatEvidence(token: string): NumberFormat | null {
  const stripped = stripAffixes(token);
  if (!stripped) return null;
  const s = stripped.body.replace(GROUP_SPACE, '');
  if (/^\d{1,3}(\.\d{3})+,\d+$/.test(s) || /^\d+,(\d{1,2}|\d{4,})$/.test(s)) return 'eu';
  if (/^\d{1,3}(,\d{3})+\.\d+$/.test(s) || /^\d+\.(\d{1,2}|\d{4,})$/.test(s)) return 'us';
  if (/^\d{1,3}(\.\d{3}){2,}$/.test(s)) return 'eu';
  if (/^\d{1,3}(,\d{3}){2,}$/.test(s)) return 'us';
  return null;
}

/**
 * Infers a document's number format from all its numeric tokens: the majority of the tokens that
 * are unambiguous (`24,00` says eu, `24.00` says us). Returns `fallback` when nothing decides.
 */
export function detectNumberFormat(tokens: Iterable<string>, fallback: NumberFormat = 'eu'): NumberFormat {
  let eu = 0;
  let us = 0;
  for (const t of tokens) {
    const e = formatEvidence(t);
    if (e === 'eu') eu++;
    else if (e === 'us') us++;
  }
  if (eu === us) return fallback;
  return eu > us ? 'eu' : 'us';
}

/** Rounds away binary noise (0.1 + 0.2) to the cent-and-beyond precision documents print. */
export function round(value: number, digits = 6): number {
  return Number(value.toFixed(digits));
}
