import type { Word } from '../domain/page.ts';

/** A run of glyphs from a PDF text layer, as pdfjs `getTextContent()` gives it (PDF points). */
export interface TextRun {
  str: string;
  /** [a, b, c, d, e, f]: text matrix; (e, f) is the baseline start. */
  transform: number[];
  /** Advance width of the whole run, in PDF points. */
  width: number;
  fontName: string;
}

/** Font metrics as fractions of the font size; descent is negative. */
export interface FontMetrics {
  ascent: number;
  descent: number;
}

/** Maps a rectangle in PDF points [x0, y0, x1, y1] to page-image pixels (any corner order). */
export type ToPixels = (rect: [number, number, number, number]) => number[];

const DEFAULT_METRICS: FontMetrics = { ascent: 0.8, descent: -0.2 };

/**
 * Relative advance of a character in a typical proportional font (Helvetica-like). Only used to
 * split a run's known total width among its words, so rough classes are enough.
 */
function advance(ch: string): number {
  if (ch === ' ') return 0.28;
  if (/[iljtfI.,;:'!|()[\]]/.test(ch)) return 0.3;
  if (/[mwMW@%]/.test(ch)) return 0.85;
  if (/[0-9]/.test(ch)) return 0.556;
  if (/[A-Z]/.test(ch)) return 0.68;
  return 0.52;
}

interface Token {
  text: string;
  x0: number;
  x1: number;
  baseline: number;
  size: number;
  metrics: FontMetrics;
  /** The token touches the start / end of its run (no space between it and the next run). */
  openStart: boolean;
  openEnd: boolean;
}

function tokensOf(run: TextRun, metrics: FontMetrics): Token[] {
  const [a = 1, b = 0, c = 0, d = 1, e = 0, f = 0] = run.transform;
  const size = Math.hypot(c, d) || Math.hypot(a, b) || 1;
  const chars = [...run.str];
  const weights = chars.map(advance);
  const total = weights.reduce((s, w) => s + w, 0) || 1;
  // Rotated runs (rare in orders) are laid out as if horizontal: their boxes are approximate.
  const scale = run.width / total;
  const tokens: Token[] = [];
  let pos = 0;
  let i = 0;
  while (i < chars.length) {
    if (/\s/.test(chars[i]!)) {
      pos += weights[i]! * scale;
      i++;
      continue;
    }
    const start = i;
    const x0 = pos;
    while (i < chars.length && !/\s/.test(chars[i]!)) pos += weights[i++]! * scale;
    tokens.push({
      text: chars.slice(start, i).join(''),
      x0: e + x0,
      x1: e + pos,
      baseline: f,
      size,
      metrics,
      openStart: start === 0,
      openEnd: i === chars.length,
    });
  }
  return tokens;
}

/**
 * Groups text-layer glyph runs into words (split on white space; runs that continue one another
 * on the same baseline are joined, as PDF writers often break a word for kerning) and maps each
 * word's box to page-image pixels. Confidence is 1: the text is what the PDF says.
 */
export function runsToWords(
  runs: TextRun[],
  styles: Record<string, Partial<FontMetrics> | undefined>,
  toPixels: ToPixels,
): Word[] {
  const merged: Token[] = [];
  for (const run of runs) {
    if (!run.str) continue;
    const style = styles[run.fontName];
    const metrics: FontMetrics = {
      ascent: style?.ascent || DEFAULT_METRICS.ascent,
      descent: style?.descent || DEFAULT_METRICS.descent,
    };
    for (const t of tokensOf(run, metrics)) {
      const prev = merged[merged.length - 1];
      const joins =
        prev?.openEnd &&
        t.openStart &&
        Math.abs(prev.baseline - t.baseline) < 0.2 * t.size &&
        Math.abs(t.x0 - prev.x1) < 0.15 * t.size;
      if (prev && joins) {
        prev.text += t.text;
        prev.x1 = t.x1;
        prev.openEnd = t.openEnd;
      } else {
        merged.push(t);
      }
    }
  }
  return merged.map((t) => {
    const top = t.baseline + t.metrics.ascent * t.size;
    const bottom = t.baseline + t.metrics.descent * t.size;
    const [px0 = 0, py0 = 0, px1 = 0, py1 = 0] = toPixels([t.x0, bottom, t.x1, top]);
    const x = Math.min(px0, px1);
    const y = Math.min(py0, py1);
    return {
      text: t.text,
      x: round(x),
      y: round(y),
      w: round(Math.max(px0, px1) - x),
      h: round(Math.max(py0, py1) - y),
      confidence: 1,
    };
  });
}

const round = (n: number) => Math.round(n * 10) / 10;

/**
 * True when a text layer is too thin or too garbled to trust (scanned pages with a stray line of
 * text, fonts without a Unicode map that extract as symbols): the page is OCR'd instead.
 */
export function isUnusableTextLayer(words: Word[], minWords = 5): boolean {
  const good = words.filter((w) => /[\p{L}\p{N}]/u.test(w.text) && !w.text.includes('\uFFFD'));
  return good.length < minWords || good.length < words.length / 2;
}
