/** Label vocabularies (six languages, in vocab-words.ts) and the matcher that finds them in a cell. */
import type { Word } from '../domain/page.ts';
import { editDistance, normalise, tokensOf } from './layout.ts';
import {
  CARRIED,
  COLUMN_WORDS,
  type ColumnRole,
  HEADER_WORDS,
  type HeaderField,
  TABLE_END,
} from './vocab-words.ts';

export { CARRIED, TABLE_END } from './vocab-words.ts';
export type { ColumnRole, HeaderField } from './vocab-words.ts';

/** A label as written; a trailing `:` means the colon is required (bare `Pedido` is often a title). */
export interface Label<F extends string> {
  field: F;
  tokens: string[];
  colon: boolean;
}

function labels<F extends string>(table: Record<F, string[]>): Label<F>[] {
  const out: Label<F>[] = [];
  for (const [field, list] of Object.entries(table) as [F, string[]][]) {
    for (const raw of list) {
      out.push({ field, tokens: normalise(raw).split(' '), colon: raw.endsWith(':') });
    }
  }
  return out.sort((a, b) => b.tokens.length - a.tokens.length);
}

export const HEADER_LABELS = labels<HeaderField>(HEADER_WORDS);

export const COLUMN_LABELS = labels<ColumnRole>(COLUMN_WORDS);

/** True when the words begin with a carried-forward marker. */
export function isCarried(words: Word[]): boolean {
  const tokens = tokensOf(words.slice(0, 6)).map((t) => t.token);
  return CARRIED.some((m) => m.every((t, i) => tokens[i] === t));
}

/** A label found at the start of a run of words. */
export interface LabelMatch<F extends string> {
  field: F;
  /** How many words the label (and a trailing lone `:`) takes. */
  count: number;
  exact: boolean;
  tokens: number;
}

function tokenMatches(seen: string, want: string): 'exact' | 'fuzzy' | null {
  if (seen === want) return 'exact';
  if (want.length >= 4 && editDistance(seen, want) <= 1) return 'fuzzy';
  // Short words ("SKU" read "sKuU", "Qty" read "Qtv"): one slip, first letter right.
  if (want.length === 3 && seen[0] === want[0] && editDistance(seen, want) <= 1) return 'fuzzy';
  return null;
}

/** The longest label of `vocab` that the words begin with; exact matches win over OCR-slipped ones. */
export function matchLabel<F extends string>(words: Word[], vocab: Label<F>[]): LabelMatch<F> | null {
  const tokens = tokensOf(words);
  let best: LabelMatch<F> | null = null;
  for (const label of vocab) {
    if (label.tokens.length > tokens.length) continue;
    let exact = true;
    let ok = true;
    label.tokens.forEach((want, i) => {
      const m = tokenMatches(tokens[i]!.token, want);
      if (m === null) ok = false;
      else if (m === 'fuzzy') exact = false;
    });
    if (!ok) continue;
    const last = tokens[label.tokens.length - 1]!.word;
    // A label ends at a word boundary: "Totales" is not "Total", "PO-123" is not the label "PO".
    const nextToken = tokens[label.tokens.length];
    // ... except a price per quantity written onto its label ("Preço/100", "Price/1000").
    const perSuffix = /^\d+$/.test(nextToken?.token ?? '') && /\/\d+$/.test(words[last]!.text);
    if (nextToken && nextToken.word === last && !perSuffix) continue;
    let count = last + 1;
    const colonOnWord = /[:#]$/.test(words[last]!.text);
    const loneColon = /^[:#]$/.test(words[count]?.text ?? '');
    if (label.colon && !colonOnWord && !loneColon) continue;
    if (loneColon) count++;
    const candidate = { field: label.field, count, exact, tokens: label.tokens.length };
    if (
      !best ||
      candidate.tokens > best.tokens ||
      (candidate.tokens === best.tokens && candidate.exact && !best.exact)
    ) {
      best = candidate;
    }
  }
  return best;
}

/**
 * Every end-of-table marker: the list's, and each total or net-total label that cannot open an
 * article's description (several words, or one long word: "Gesamtnettowert", not "Netto").
 */
const ENDS: string[][] = [
  ...TABLE_END,
  ...[...HEADER_WORDS.total, ...HEADER_WORDS.subtotal]
    .map((l) =>
      normalise(l)
        .split(' ')
        .filter((t) => t !== ''),
    )
    .filter((t) => t.length > 1 || (t[0]?.length ?? 0) >= 8),
];

/** True when the words begin with an end-of-table marker (`Total`, `Base imponible`, ...). */
export function isTableEnd(words: Word[]): boolean {
  const tokens = tokensOf(words).map((t) => t.token);
  return ENDS.some((m) => m.every((t, i) => tokens[i] === t));
}
