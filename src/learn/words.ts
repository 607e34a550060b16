/** Small word helpers of the learner: folded tokens, fuzzy equality, rows of words, PO shapes. */
import type { Page, Word } from '../domain/page.ts';
import { bare, groupLines, type TextLine } from '../extract/index.ts';
import { checkShape, escapeRegex } from '../extract/shape.ts';

/** Lower case, accents folded, only letters and digits: `Nº Pedido:` -> `npedido`. */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

/** A word that can be a label: three letters or more, no digit (values carry digits). */
export function labelToken(text: string): string | null {
  const t = fold(text);
  return t.length >= 3 && !/\d/.test(t) ? t : null;
}

/** Levenshtein distance, stopped early past `max`. */
export function distance(a: string, b: string, max = 2): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length]!;
}

/** Two folded tokens are the same word, allowing one OCR slip in words of five letters or more. */
export function sameToken(a: string, b: string): boolean {
  if (a === b) return true;
  return a.length >= 5 && b.length >= 5 && distance(a, b, 1) <= 1;
}

/** A row of words on a page, with its page's size so positions can be taken relative to it. */
export interface Row extends TextLine {
  width: number;
  height: number;
}

/** The pages' words grouped into rows, in reading order. */
export function rowsOf(pages: Page[]): Row[] {
  const size = new Map(pages.map((p) => [p.number, p]));
  return groupLines(pages).map((l) => ({
    ...l,
    width: size.get(l.page)?.width ?? 1,
    height: size.get(l.page)?.height ?? 1,
  }));
}

/** A word's text with punctuation stuck to its ends removed (the extractor's `bare`). */
export const trimmed = bare;

/**
 * The shape of a PO number as a pattern: the leading letters as written, other letter runs as
 * letters, digit runs as digits of about the same count, punctuation as written. `FL-2026-1000`
 * -> `FL-\d{3,5}-\d{3,5}`.
 */
export function poShape(po: string): string {
  let out = '';
  let first = true;
  for (const m of po.matchAll(/\p{L}+|\d+|[^\p{L}\d]+/gu)) {
    const run = m[0];
    if (/^\p{L}+$/u.test(run)) out += first ? escapeRegex(run) : `\\p{L}{${run.length}}`;
    else if (/^\d+$/.test(run)) out += `\\d{${Math.max(1, run.length - 1)},${run.length + 1}}`;
    else out += escapeRegex(run);
    first = false;
  }
  return out;
}

export function fitsShape(value: string, shape: string | null): boolean {
  if (!shape) return true;
  try {
    return new RegExp(`^(?:${shape})$`, 'iu').test(value);
  } catch {
    return true;
  }
}

/** The digit runs of a value, in order. */
const digitRuns = (s: string) => s.match(/\d+/g) ?? [];

/**
 * A PO number read with a slip in the learned shape's constant letters (`I1BC-26-00235`,
 * `18C-26-00232` for `IBC-...`), mended to the one value of that shape within two OCR slips; only
 * when the digits stay those read (a digit is never guessed). Null when it fits or cannot be mended.
 */
export function repairPo(read: string | null, shape: string | null): string | null {
  if (!read || !shape) return null;
  let pattern: RegExp;
  try {
    pattern = new RegExp(`^(?:${shape})$`, 'u');
  } catch {
    return null;
  }
  const check = checkShape(read, pattern);
  if (check.kind !== 'repaired') return null;
  const was = digitRuns(read);
  const now = digitRuns(check.value);
  const kept = now.length > 0 && now.every((d, i) => d === was[was.length - now.length + i]);
  return kept ? check.value : null;
}

/** The lowest word confidence, 1 for none. */
export function minConfidence(words: Word[]): number {
  return words.reduce((c, w) => Math.min(c, w.confidence), 1);
}
