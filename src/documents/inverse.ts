/**
 * White text on a black bar (the column headers of many ERP forms, printed "inverse") reads as
 * nothing once a fax or scan is binarised: OCR finds a black block. Bars are found strip by strip
 * (the page is not deskewed yet, and a slanted bar is level over a narrow strip): in each
 * vertical strip, runs of rows that are mostly black and about a text line high; runs at the
 * same height in several neighbouring strips make a bar, and are turned black-on-white in place.
 */

/** Vertical strips the page is cut into. */
const STRIPS = 24;
/** A strip's row belongs to a bar when at least this share of it is black. */
const BAR_ROW = 0.55;
/** Over a bar's rows, a strip is at least this black on average (white letters are thin). */
const BAR_FILL = 0.7;
/** A bar spans at least this many neighbouring strips (a logo or a stamp does not). */
const MIN_STRIPS = 4;

interface Run {
  strip: number;
  top: number;
  bottom: number;
}

/**
 * Inverts the black bars of a binarised page (one byte a pixel, 0 black, 255 white), in place;
 * returns how many bars it turned. A bar is `minHeight` to `maxHeight` rows high (thinner are
 * rules, taller are pictures).
 */
export function invertBars(
  data: Uint8Array,
  width: number,
  height: number,
  minHeight: number,
  maxHeight: number,
): number {
  const strip = Math.ceil(width / STRIPS);
  const runs: Run[] = [];
  for (let s = 0; s < STRIPS; s++) {
    const x0 = s * strip;
    const x1 = Math.min(width, x0 + strip);
    if (x1 <= x0) break;
    let top = -1;
    let sum = 0;
    for (let y = 0; y <= height; y++) {
      let black = 0;
      if (y < height) for (let x = x0; x < x1; x++) if (data[y * width + x]! < 128) black++;
      const share = black / (x1 - x0);
      const dark = y < height && share >= BAR_ROW;
      if (dark && top < 0) {
        top = y;
        sum = 0;
      }
      if (dark) sum += share;
      if (!dark && top >= 0) {
        const rows = y - top;
        if (rows >= minHeight && rows <= maxHeight && sum / rows >= BAR_FILL)
          runs.push({ strip: s, top, bottom: y });
        top = -1;
      }
    }
  }
  let bars = 0;
  for (const group of barsOf(runs)) {
    bars++;
    for (const r of group) {
      const x0 = r.strip * strip;
      const x1 = Math.min(width, x0 + strip);
      for (let y = r.top; y < r.bottom; y++) {
        const row = y * width;
        for (let x = x0; x < x1; x++) data[row + x] = 255 - data[row + x]!;
      }
    }
  }
  return bars;
}

/** Runs chained across neighbouring strips at overlapping heights; chains of MIN_STRIPS and more. */
function barsOf(runs: Run[]): Run[][] {
  const used = new Set<Run>();
  const out: Run[][] = [];
  for (const start of runs) {
    if (used.has(start)) continue;
    const chain = [start];
    used.add(start);
    let last = start;
    for (;;) {
      const next = runs.find(
        (r) => !used.has(r) && r.strip === last.strip + 1 && r.top < last.bottom && r.bottom > last.top,
      );
      if (!next) break;
      chain.push(next);
      used.add(next);
      last = next;
    }
    if (chain.length >= MIN_STRIPS) out.push(chain);
  }
  return out;
}
