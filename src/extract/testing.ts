/** Synthetic pages for tests: text laid out in a fixed-width grid, one word box per word. */
import type { Page, Word } from '../domain/page.ts';

/** Width of one character and height of one line in the synthetic page's pixels. */
export const CHAR_W = 10;
export const LINE_H = 30;
export const WORD_H = 20;
export const LEFT = 50;
export const TOP = 50;

/** Text placed at character columns: `at([0, 'Ref.'], [12, 'Descripción'])`. */
export function at(...parts: [number, string][]): string {
  let s = '';
  for (const [col, text] of parts) s = s.padEnd(col, ' ') + (s.length > col ? ` ${text}` : text);
  return s;
}

export interface PageOptions {
  number?: number;
  /** Word confidence by word text and line index; 1 when absent. */
  confidence?: (text: string, line: number) => number;
}

/**
 * A page from lines of text, line i at y = TOP + i * LINE_H, each word at x = LEFT + its character
 * column * CHAR_W, as wide as its characters. Spaces only separate words (several make a gap).
 */
export function page(lines: string[], opts: PageOptions = {}): Page {
  const words: Word[] = [];
  lines.forEach((line, i) => {
    for (const m of line.matchAll(/\S+/g)) {
      words.push({
        text: m[0],
        x: LEFT + m.index * CHAR_W,
        y: TOP + i * LINE_H,
        w: m[0].length * CHAR_W,
        h: WORD_H,
        confidence: opts.confidence?.(m[0], i) ?? 1,
      });
    }
  });
  return {
    number: opts.number ?? 1,
    width: 2000,
    height: TOP * 2 + lines.length * LINE_H,
    words,
    source: 'ocr',
    image: null,
    confidence: 1,
  };
}

/** The box the builder gave the `n`th occurrence of `text` on line `line` of a page. */
export function boxAt(lines: string[], line: number, text: string, pageNumber = 1) {
  const col = lines[line]!.indexOf(text);
  if (col === -1) throw new Error(`"${text}" not on line ${line}`);
  return {
    kind: 'box',
    page: pageNumber,
    x: LEFT + col * CHAR_W,
    y: TOP + line * LINE_H,
    w: text.length * CHAR_W,
    h: WORD_H,
  };
}
