/**
 * Removes fax and scanner speckle from a binarised page: connected ink components that are both
 * tiny and isolated (no other ink within a margin around them). Speckle breaks Tesseract's layout
 * analysis (a dot between a label and its value splits the line) and turns into stray `.`, `'`
 * and `-` glued to numbers. A median filter cannot remove dots larger than its window without
 * eating strokes; size and isolation together keep periods, decimal commas, i-dots and accents,
 * which always sit next to the characters they belong to.
 */

export interface DespeckleOptions {
  /** Largest component removed, in pixels of area. */
  maxArea: number;
  /** A component with other ink this close (pixels, each side) is kept. */
  margin: number;
}

/** Thresholds for a page scanned at `dpi`: dots up to ~0.5 pt across, isolated by ~2 pt. */
export function despeckleOptionsFor(dpi: number): DespeckleOptions {
  const k = dpi / 204;
  return { maxArea: Math.max(2, Math.round(16 * k * k)), margin: Math.max(2, Math.round(6 * k)) };
}

/**
 * Despeckles a one-channel image in place (0 = ink, anything else = paper; values are kept).
 * Returns how many components were removed. Linear in the pixel count.
 */
export function despeckle(pixels: Uint8Array, width: number, height: number, opts: DespeckleOptions): number {
  const n = width * height;
  const ink = (i: number) => pixels[i] === 0;
  // Integral image of ink, to count the ink around a component in O(1).
  const iw = width + 1;
  const integral = new Uint32Array(iw * (height + 1));
  for (let y = 0; y < height; y++) {
    let row = 0;
    for (let x = 0; x < width; x++) {
      if (ink(y * width + x)) row++;
      integral[(y + 1) * iw + x + 1] = integral[y * iw + x + 1]! + row;
    }
  }
  const inkIn = (x0: number, y0: number, x1: number, y1: number) => {
    const a = Math.max(0, x0);
    const b = Math.max(0, y0);
    const c = Math.min(width, x1 + 1);
    const d = Math.min(height, y1 + 1);
    return integral[d * iw + c]! - integral[b * iw + c]! - integral[d * iw + a]! + integral[b * iw + a]!;
  };

  const seen = new Uint8Array(n);
  const stack = new Int32Array(n);
  const members: number[] = [];
  let removed = 0;
  for (let start = 0; start < n; start++) {
    if (seen[start] || !ink(start)) continue;
    // Flood fill (8-connected), stopping the member list once the component is too big to remove.
    let top = 0;
    stack[top++] = start;
    seen[start] = 1;
    members.length = 0;
    let area = 0;
    let minX = width;
    let minY = height;
    let maxX = 0;
    let maxY = 0;
    while (top > 0) {
      const i = stack[--top]!;
      area++;
      if (area <= opts.maxArea) members.push(i);
      const x = i % width;
      const y = (i - x) / width;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= width) continue;
          const j = yy * width + xx;
          if (!seen[j] && ink(j)) {
            seen[j] = 1;
            stack[top++] = j;
          }
        }
      }
    }
    if (area > opts.maxArea) continue;
    const m = opts.margin;
    const around = inkIn(minX - m, minY - m, maxX + m, maxY + m) - area;
    if (around > 0) continue;
    for (const i of members) pixels[i] = 255;
    removed++;
  }
  return removed;
}

/**
 * Ink dots with no ink among their eight neighbours, per thousand pixels, in a one-channel image
 * (values under 128 are ink). Dithered grey and line noise from a fax machine scatter thousands
 * of them (2.7-6 per thousand on the public development set's faxes); a clean fax has almost none
 * (under 0.1).
 */
export function isolatedDotsPerThousand(pixels: Uint8Array, width: number, height: number): number {
  let dots = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      if (pixels[i]! >= 128) continue;
      let alone = true;
      for (let dy = -1; dy <= 1 && alone; dy++) {
        const row = i + dy * width;
        for (let dx = -1; dx <= 1; dx++) {
          if ((dx !== 0 || dy !== 0) && pixels[row + dx]! < 128) {
            alone = false;
            break;
          }
        }
      }
      if (alone) dots++;
    }
  }
  return (dots * 1000) / Math.max(1, width * height);
}
