/** Words with boxes -> text lines and cells, and the small geometry the extractors share. */
import type { FieldSource } from '../domain/extraction.ts';
import type { Page, Word } from '../domain/page.ts';

/** One line of text on a page: words that overlap vertically, left to right. */
export interface TextLine {
  /** 1-based page number. */
  page: number;
  /** Position of the line in the document's reading order (0-based, across pages). */
  index: number;
  words: Word[];
  top: number;
  bottom: number;
  text: string;
}

/** A run of words in a line with no wide gap inside: a label, a value, a table cell. */
export interface Cell {
  words: Word[];
  text: string;
  x0: number;
  x1: number;
}

function verticalOverlap(a: Word, b: Word): number {
  const overlap = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  return overlap / Math.min(a.h, b.h);
}

/** OCR specks read as words: nothing but dashes, dots, bars, quotes. */
const NOISE = /^[^\p{L}\p{N}€$£%:#&@]+$/u;
/** Quote marks and bars stuck to a word's ends, and dash runs before a number (`--300`). */
const STUCK = /^(?:[“”„"'|_]+|[-—–]{2,}(?=\d))|[“”„"|_]+$/g;

/** A word as the extractors use it: specks stuck to its ends removed (same box); null for a speck. */
export function cleanWord(w: Word): Word | null {
  const text = w.text.trim().replace(STUCK, '');
  if (text === '' || NOISE.test(text)) return null;
  return text === w.text ? w : { ...w, text };
}

interface OpenLine {
  words: Word[];
  top: number;
  bottom: number;
}

/** The word of a line nearest a new word horizontally: with a skewed page, the line's own slope decides. */
function nearest(line: OpenLine, w: Word): Word {
  let best = line.words[0]!;
  let bestGap = Number.POSITIVE_INFINITY;
  for (const o of line.words) {
    const gap = Math.max(0, o.x - (w.x + w.w), w.x - (o.x + o.w));
    if (gap < bestGap) [best, bestGap] = [o, gap];
  }
  return best;
}

/**
 * Groups each page's words into lines: a word joins the line whose horizontally nearest word it
 * overlaps vertically by half a word height or more (robust to slight skew). Specks are dropped.
 */
export function groupLines(pages: Page[]): TextLine[] {
  const lines: TextLine[] = [];
  for (const page of [...pages].sort((a, b) => a.number - b.number)) {
    const open: OpenLine[] = [];
    const words = page.words.map(cleanWord).filter((w): w is Word => w !== null);
    for (const w of words.sort((a, b) => a.y + a.h / 2 - (b.y + b.h / 2))) {
      let line: OpenLine | null = null;
      let best = 0.5;
      for (const l of open) {
        if (w.y > l.bottom || w.y + w.h < l.top) continue;
        const o = verticalOverlap(w, nearest(l, w));
        if (o >= best) [line, best] = [l, o];
      }
      if (line) {
        line.words.push(w);
        line.top = Math.min(line.top, w.y);
        line.bottom = Math.max(line.bottom, w.y + w.h);
      } else open.push({ words: [w], top: w.y, bottom: w.y + w.h });
    }
    open.sort((a, b) => a.top - b.top);
    for (const l of open) {
      l.words.sort((a, b) => a.x - b.x);
      lines.push({
        page: page.number,
        index: lines.length,
        ...l,
        text: l.words.map((w) => w.text).join(' '),
      });
    }
  }
  return lines;
}

/** Average width of one character in the line: the yardstick for what counts as a wide gap. */
export function charWidth(words: Word[]): number {
  const chars = words.reduce((n, w) => n + Math.max(1, w.text.length), 0);
  const width = words.reduce((n, w) => n + w.w, 0);
  return chars > 0 ? width / chars : 1;
}

/** Splits a line into cells wherever the gap between two words is wider than `gapChars` characters. */
export function cellsOf(words: Word[], gapChars = 2): Cell[] {
  const cw = charWidth(words);
  const cells: Cell[] = [];
  let current: Word[] = [];
  for (const w of words) {
    const prev = current[current.length - 1];
    if (prev && w.x - (prev.x + prev.w) > gapChars * cw) {
      cells.push(cell(current));
      current = [];
    }
    current.push(w);
  }
  if (current.length > 0) cells.push(cell(current));
  return cells;
}

export function cell(words: Word[]): Cell {
  const x0 = Math.min(...words.map((w) => w.x));
  const x1 = Math.max(...words.map((w) => w.x + w.w));
  return { words, text: words.map((w) => w.text).join(' '), x0, x1 };
}

/** The union box of the words a value was read from, on its page. */
export function boxOf(page: number, words: Word[]): FieldSource | null {
  if (words.length === 0) return null;
  const x = Math.min(...words.map((w) => w.x));
  const y = Math.min(...words.map((w) => w.y));
  const x1 = Math.max(...words.map((w) => w.x + w.w));
  const y1 = Math.max(...words.map((w) => w.y + w.h));
  return { kind: 'box', page, x, y, w: x1 - x, h: y1 - y };
}

/** The weakest OCR confidence among the words a value came from (1 for none). */
export function minConfidence(words: Word[]): number {
  return words.reduce((m, w) => Math.min(m, w.confidence), 1);
}

/** A word's text with the punctuation stuck to its ends removed: `(ENC-11875).` -> `ENC-11875`. */
export function bare(text: string): string {
  return text.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
}

/** Lower-case, accents and ordinal marks folded, punctuation to spaces: `N.º pedido` -> `n o pedido`. */
export function normalise(text: string): string {
  return (
    text
      // "Nº", "N.º", and OCR's "N*", "N?", "n?2", "n2", "Ns", "Ne" for them, all read as "no".
      .replace(/\bn\s?\.?\s?(?:[º°ª*?]+2?|2|s|e)(?![\p{L}\p{N}])/giu, 'no ')
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/[º°ª]/g, 'o')
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim()
  );
}

/** The normalised tokens of each word, remembering which word each token came from. */
export function tokensOf(words: Word[]): { token: string; word: number }[] {
  const out: { token: string; word: number }[] = [];
  words.forEach((w, i) => {
    for (const token of normalise(w.text).split(' ')) if (token !== '') out.push({ token, word: i });
  });
  return out;
}

/** Levenshtein distance, capped: enough to accept one OCR slip in a label word. */
export function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = Math.min(row[j]! + 1, row[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = row[j]!;
      row[j] = next;
    }
  }
  return row[b.length]!;
}
