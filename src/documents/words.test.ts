import { describe, expect, it } from 'vitest';
import { isUnusableTextLayer, runsToWords, type TextRun } from './words.ts';

// Page 842 pt high rendered at 2x: y flipped, everything doubled.
const toPixels = ([x0, y0, x1, y1]: [number, number, number, number]) => [
  x0 * 2,
  (842 - y0) * 2,
  x1 * 2,
  (842 - y1) * 2,
];
const run = (str: string, x: number, y: number, width: number, size = 10): TextRun => ({
  str,
  transform: [size, 0, 0, size, x, y],
  width,
  fontName: 'f1',
});

describe('runsToWords', () => {
  it('splits a run on spaces and maps boxes to flipped, scaled pixels', () => {
    const words = runsToWords([run('Pedido nº PO-2026-0042', 50, 780, 156)], {}, toPixels);
    expect(words.map((w) => w.text)).toEqual(['Pedido', 'nº', 'PO-2026-0042']);
    const [first, , last] = words;
    expect(first!.x).toBe(100);
    // Baseline 780 pt, ascent 0.8 x 10 pt: top at 788 pt -> (842 - 788) * 2 px.
    expect(first!.y).toBeCloseTo((842 - 788) * 2, 0);
    expect(first!.h).toBeCloseTo(20, 0);
    expect(last!.x + last!.w).toBeCloseTo((50 + 156) * 2, 0);
    expect(words.every((w) => w.confidence === 1)).toBe(true);
  });

  it('uses the font ascent and descent when pdfjs gives them', () => {
    const [w] = runsToWords([run('Total', 10, 100, 30)], { f1: { ascent: 0.9, descent: -0.3 } }, toPixels);
    expect(w!.h).toBeCloseTo(24, 0);
  });

  it('joins runs that continue one word and keeps separate words apart', () => {
    const words = runsToWords(
      [run('Pe', 50, 700, 12), run('dido', 62.2, 700, 20), run('12,50', 200, 700, 25)],
      {},
      toPixels,
    );
    expect(words.map((w) => w.text)).toEqual(['Pedido', '12,50']);
    expect(words[0]!.w).toBeCloseTo((82.2 - 50) * 2, 0);
  });

  it('does not join across a space or onto another line', () => {
    const words = runsToWords(
      [run('Ref ', 50, 700, 20), run('A-1', 70, 700, 15), run('B', 85, 680, 6)],
      {},
      toPixels,
    );
    expect(words.map((w) => w.text)).toEqual(['Ref', 'A-1', 'B']);
  });
});

describe('isUnusableTextLayer', () => {
  const w = (text: string) => ({ text, x: 0, y: 0, w: 1, h: 1, confidence: 1 });
  it('wants at least five real words', () => {
    expect(isUnusableTextLayer(['Scan', 'page', '1'].map(w))).toBe(true);
    expect(isUnusableTextLayer(['Pedido', 'nº', 'PO-1', 'Fecha', '20/11/2026'].map(w))).toBe(false);
  });
  it('rejects layers of symbols from fonts without a Unicode map', () => {
    const junk = ['\uFFFD\uFFFD', '#$%', '&&', '""', '!!', 'ab', 'cd', 'ef', 'gh', 'ij'].map(w);
    expect(isUnusableTextLayer([...junk, ...['\uFFFD', '~~', '**'].map(w)])).toBe(true);
  });
});
