/**
 * A value's expected shape (a customer's PO numbers all look like `HWI-1234`) as a check on OCR,
 * and the repair of the slips OCR typically makes in such codes: `0`/`O`, `1`/`I`/`l`, `5`/`S`/`$`,
 * letter case, a thin glyph read twice (`HWI1-`). A repair is made only when exactly one value of
 * the expected shape lies within two such slips of what was read.
 */

/** Glyphs machine-print OCR mistakes for one another. */
const CONFUSABLE: Record<string, string> = {
  '0': 'ODQo',
  O: '0DQo',
  o: '0O',
  D: '0O',
  Q: '0O',
  '1': 'IlLi|!/',
  I: '1li|L/',
  l: '1Ii|/',
  i: '1Il',
  L: '1I',
  '|': '1Il/',
  // A slash is a thin stroke too ("NE2026I0414" for NE2026/0414).
  '/': '1lI|',
  '!': '1I',
  '5': 'S$s',
  S: '5$s',
  s: '5S',
  $: 'S5',
  '8': 'B',
  B: '8',
  '2': 'Z',
  Z: '2',
  '6': 'G',
  G: '6',
  '7': 'T',
  T: '7',
  '9': 'g',
  g: '9',
  // Separators: a speck beside a dash makes it ":" or "=" ("OC-2026:6326" for OC-2026-6326).
  '-': '—–_~:=.',
  ':': '-.;',
  ';': ':-',
  '=': '-',
  '.': ',:-',
  ',': '.',
  '—': '-',
  '–': '-',
};

/** Thin glyphs OCR sometimes reads twice or invents beside a bar or a dash. */
const THIN = new Set(['1', 'I', 'l', 'i', '|', '!', '.', ',', "'", '`', '-', '_']);

/** Digits OCR reads as other digits: never repaired (any digit fits `\d`), but they make codes neighbours. */
const DIGIT_SLIPS: Record<string, string> = {
  '0': '86',
  '1': '7',
  '3': '8',
  '5': '6',
  '6': '58',
  '7': '1',
  '8': '306',
};

/**
 * Every string one OCR slip away from `code` (a confusable glyph, letter case, a digit read as
 * another, a thin glyph dropped or doubled): the codes a misreading of `code` could produce.
 */
export function oneSlipAway(code: string): string[] {
  const out = new Set(variants(code));
  for (let i = 0; i < code.length; i++) {
    const ch = code[i]!;
    for (const d of DIGIT_SLIPS[ch] ?? '') out.add(code.slice(0, i) + d + code.slice(i + 1));
    if (THIN.has(ch)) out.add(code.slice(0, i + 1) + ch + code.slice(i + 1));
  }
  out.delete(code);
  return [...out];
}

export type ShapeCheck =
  | { kind: 'fits' }
  | { kind: 'repaired'; value: string; slips: number }
  | { kind: 'misfit' };

/** `s` as a regular expression that matches exactly it. */
export function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Compiles a template's pattern, anchored at both ends. */
export function shapeOf(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`);
}

function variants(s: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const alts = new Set(CONFUSABLE[ch] ?? '');
    const up = ch.toUpperCase();
    const low = ch.toLowerCase();
    if (up !== ch) alts.add(up);
    if (low !== ch) alts.add(low);
    for (const a of alts) out.push(s.slice(0, i) + a + s.slice(i + 1));
    if (THIN.has(ch)) out.push(s.slice(0, i) + s.slice(i + 1));
    // A glyph read twice ("Vv-004128" for "V-004128"): the letter repeated, in either case.
    else if (i > 0 && /\p{L}/u.test(ch) && ch.toLowerCase() === s[i - 1]!.toLowerCase()) {
      out.push(s.slice(0, i) + s.slice(i + 1));
    }
  }
  return out;
}

/**
 * Whether `read` has the shape `shape`, or the one value of that shape within two OCR slips of it.
 * Two or more equally near candidates: `misfit` (a person must look).
 */
export function checkShape(read: string, shape: RegExp): ShapeCheck {
  if (shape.test(read)) return { kind: 'fits' };
  let frontier = new Set([read]);
  const seen = new Set(frontier);
  for (let slips = 1; slips <= 2; slips++) {
    const next = new Set<string>();
    for (const s of frontier) {
      for (const v of variants(s)) {
        if (seen.has(v)) continue;
        seen.add(v);
        next.add(v);
      }
    }
    const fits = [...next].filter((v) => shape.test(v));
    if (fits.length === 1) return { kind: 'repaired', value: fits[0]!, slips };
    if (fits.length > 1) return { kind: 'misfit' };
    frontier = next;
  }
  return { kind: 'misfit' };
}
