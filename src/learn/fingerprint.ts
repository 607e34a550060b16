/**
 * A layout's fingerprint: the label-like words of its pages (three letters or more, no digits) with
 * the tenth of the page width they stand in. Values change from order to order and the table grows
 * and shrinks, so neither the words of the order lines nor vertical positions are part of it; OCR
 * noise is met by matching tokens with one slip and a neighbouring tenth.
 */
import type { Page, Word } from '../domain/page.ts';
import { labelToken, sameToken } from './words.ts';

const BUCKETS = 10;

function bucketOf(w: Word, width: number): number {
  return Math.min(BUCKETS - 1, Math.max(0, Math.floor(((w.x + w.w / 2) / Math.max(1, width)) * BUCKETS)));
}

/** The fingerprint tokens (`pedido@6`) of the pages, leaving out the words `skip` names. */
export function fingerprintOf(pages: Page[], skip: (w: Word) => boolean = () => false): string[] {
  const out = new Set<string>();
  for (const p of pages) {
    for (const w of p.words) {
      if (skip(w)) continue;
      const t = labelToken(w.text);
      if (t) out.add(`${t}@${bucketOf(w, p.width)}`);
    }
  }
  return [...out].sort();
}

/** An index of a new document's tokens by tenth, for matching many fingerprints against it. */
export class TokenIndex {
  private readonly byBucket = new Map<number, Set<string>>();

  constructor(tokens: string[]) {
    for (const t of tokens) {
      const [word, b] = split(t);
      const set = this.byBucket.get(b) ?? new Set<string>();
      set.add(word);
      this.byBucket.set(b, set);
    }
  }

  has(token: string): boolean {
    const [word, b] = split(token);
    for (const nb of [b, b - 1, b + 1]) {
      const set = this.byBucket.get(nb);
      if (!set) continue;
      if (set.has(word)) return true;
      if (word.length >= 5) for (const o of set) if (sameToken(word, o)) return true;
    }
    return false;
  }
}

function split(token: string): [string, number] {
  const at = token.lastIndexOf('@');
  return [token.slice(0, at), Number(token.slice(at + 1))];
}

/** Share of the learned fingerprint found in the document (0..1). */
export function similarity(learned: string[], doc: TokenIndex): number {
  if (learned.length === 0) return 0;
  let hits = 0;
  for (const t of learned) if (doc.has(t)) hits++;
  return hits / learned.length;
}

/** Below this share a confirmed document is not the same layout as one learned before (a new one is kept). */
export const SAME_LAYOUT = 0.7;

/**
 * Below this share a document is not read with a learned layout. Lower than SAME_LAYOUT: a fax of a
 * layout learned from its PDF loses a third of its label words to OCR slips (0.68 on a 98 dpi fax),
 * while another customer's layout shares a quarter at most; the witnesses and the generic reader
 * check what a layout read, whatever the match.
 */
export const READ_LAYOUT = 0.6;
