import { invertBars } from './inverse.ts';
import type { Metadata, Sharp } from 'sharp';
import { loadSharp } from './sharp.ts';
import { despeckle, despeckleOptionsFor, isolatedDotsPerThousand } from './despeckle.ts';
import { type Resolution, tiffResolution } from './tiff-ifd.ts';

/** Low-resolution scans are scaled up towards this resolution. */
export const OCR_DPI = 300;
/**
 * Scans at or above this resolution keep their width: a 204 dpi fax page scaled to 300 dpi took
 * ~35% longer to OCR (3.7 s vs 2.7 s) for no real gain in confidence (0.938 vs 0.930).
 */
const MIN_DPI = 150;
/** Upscaling beyond this only enlarges blur; also bounds what a wrong resolution tag can do. */
const MAX_UPSCALE = 2;
/** PNG/JPEG writers put these in by default, whatever the real scan resolution was. */
const PLACEHOLDER_DPI = [72, 96];
/** Standard fax line width (ITU-T T.4) at 204 dpi, to recognise faxes without resolution tags. */
const FAX_WIDTHS = [1728, 1729, 1730, 1732, 1740, 1744, 1748, 1752];

/** One decoded, cleaned page image, ready for OCR and for the review screen. */
export interface CleanImage {
  png: Buffer;
  width: number;
  height: number;
}

export type Probe = { ok: true; pages: number } | { ok: false; reason: string };

/**
 * Longest error text quoted in a reason: libvips repeats a warning once per page, and a TIFF of
 * thousands of broken pages made a reason of 700 kB.
 */
const MAX_ERROR_TEXT = 300;

/** An error message in one line, for the reasons given to people. */
export function describeError(err: unknown): string {
  const text = (err as Error)?.message?.replace(/\s+/g, ' ').trim() || 'unknown error';
  return text.length > MAX_ERROR_TEXT ? `${text.slice(0, MAX_ERROR_TEXT - 1)}…` : text;
}

/**
 * Reads image headers only (no pixels decoded) and refuses images above `maxPixels`, so a pixel
 * bomb is rejected before it can take the memory.
 */
export async function probeImage(bytes: Buffer, maxPixels: number, maxPages: number): Promise<Probe> {
  const sharp = await loadSharp();
  if (bytes.length === 0) return { ok: false, reason: 'The file is empty.' };
  try {
    const meta = await sharp(bytes, { limitInputPixels: false }).metadata();
    const pages = Math.max(1, meta.pages ?? 1);
    // Pages of a TIFF may differ in size; their headers are cheap to read, the pixels are not.
    for (let page = 0; page < Math.min(pages, maxPages); page++) {
      const m = page === 0 ? meta : await sharp(bytes, { page, limitInputPixels: false }).metadata();
      const px = (m.width ?? 0) * (m.height ?? 0);
      if (px > maxPixels) {
        return {
          ok: false,
          reason:
            `The image ${pages > 1 ? `page ${page + 1} ` : ''}is ${m.width} x ${m.height} pixels, ` +
            `more than the ${Math.round(maxPixels / 1e6)} million pixels order-capture reads.`,
        };
      }
      if (px === 0) return { ok: false, reason: 'The image has no pixels.' };
    }
    return { ok: true, pages };
  } catch (err) {
    return { ok: false, reason: `The image could not be read (${describeError(err)}).` };
  }
}

function resolutionOf(bytes: Buffer, page: number, meta: Metadata): Resolution | null {
  const w = meta.width ?? 0;
  const h = meta.height ?? 0;
  const tagged = meta.format === 'tiff' ? tiffResolution(bytes, page) : null;
  if (tagged) return tagged;
  const density = meta.density;
  if (density && (meta.format === 'tiff' || !PLACEHOLDER_DPI.includes(Math.round(density)))) {
    return { x: density, y: density };
  }
  // An untagged fax: 1728 dots a line; "normal" resolution has about half as many lines as "fine".
  if (FAX_WIDTHS.includes(w)) return { x: 204, y: h < w ? 98 : 196 };
  return null;
}

/**
 * Output size for OCR: scaled up when far below 300 dpi, non-square fax pixels made square by
 * stretching the height, and never more than `maxPixels`.
 */
export function targetSize(
  w: number,
  h: number,
  res: Resolution | null,
  maxPixels: number,
): { width: number; height: number } {
  let sx = 1;
  let sy = 1;
  if (res) {
    sx = res.x < MIN_DPI ? Math.min(MAX_UPSCALE, OCR_DPI / res.x) : 1;
    sy = sx * (res.x / res.y);
  }
  let width = Math.max(1, Math.round(w * sx));
  let height = Math.max(1, Math.round(h * sy));
  if (width * height > maxPixels) {
    const k = Math.sqrt(maxPixels / (width * height));
    width = Math.max(1, Math.floor(width * k));
    height = Math.max(1, Math.floor(height * k));
  }
  return { width, height };
}

/**
 * Decodes page `page` (0-based) of a TIFF/PNG/JPEG and cleans it for OCR: orientation tag
 * honoured, greyscale, aspect ratio and resolution fixed, normalised, median-filtered unless
 * bilevel, binarised, despeckled.
 */
export async function decodePage(bytes: Buffer, page: number, maxPixels: number): Promise<CleanImage> {
  const sharp = await loadSharp();
  const input = () => sharp(bytes, { page, limitInputPixels: maxPixels });
  const meta = await input().metadata();
  const w = meta.autoOrient?.width ?? meta.width ?? 0;
  const h = meta.autoOrient?.height ?? meta.height ?? 0;
  let res = resolutionOf(bytes, page, meta);
  // Orientations 5-8 swap the axes, and with them the two resolutions.
  if (res && (meta.orientation ?? 1) >= 5) res = { x: res.y, y: res.x };
  const size = targetSize(w, h, res, maxPixels);
  const dpi = res ? res.x * (size.width / Math.max(1, w)) : estimatedDpi(size.width);
  return clean(input().rotate(), size, dpi, meta.bitsPerSample !== 1 || (await noisyBilevel(input())));
}

/** Above this many isolated ink dots per thousand pixels, a bilevel page is median-filtered. */
const NOISY_DOTS = 1;

/** Whether a bilevel page is peppered with single-dot noise (dithered grey, a dirty fax line). */
async function noisyBilevel(page: Sharp): Promise<boolean> {
  const { data, info } = await page.greyscale().raw().toBuffer({ resolveWithObject: true });
  return isolatedDotsPerThousand(data, info.width, info.height) > NOISY_DOTS;
}

/** A page of unknown resolution is taken to be A4 or Letter wide (about 8.3 inches). */
function estimatedDpi(width: number): number {
  return width / 8.3;
}

/** Cleans a page rendered from a scanned PDF (already at OCR resolution) the same way. */
export async function cleanRendered(png: Buffer, maxPixels: number): Promise<CleanImage> {
  const sharp = await loadSharp();
  const meta = await sharp(png, { limitInputPixels: maxPixels }).metadata();
  const size = targetSize(meta.width ?? 1, meta.height ?? 1, null, maxPixels);
  return clean(sharp(png, { limitInputPixels: maxPixels }), size, estimatedDpi(size.width), true);
}

/**
 * `cleanRendered` on the canvas's own pixels (RGBA, 8 bits a channel), the same result without a
 * PNG of the rendered page: encoding 35 MB of pixels at 300 dpi and decoding them again took
 * about a second a scanned page.
 */
export async function cleanRenderedPixels(
  rgba: Buffer,
  width: number,
  height: number,
  maxPixels: number,
): Promise<CleanImage> {
  const sharp = await loadSharp();
  const size = targetSize(width, height, null, maxPixels);
  const input = sharp(rgba, { raw: { width, height, channels: 4 }, limitInputPixels: maxPixels });
  return clean(input, size, estimatedDpi(size.width), true);
}

/**
 * `median`: a 3x3 median filter before binarising. Grey and colour scans need it against
 * compression noise that OCR reads as digits ("590" for 500), and so do faxes peppered with
 * single dots (on the public development set's faxes, line F1 fell from 0.86 to 0.39 without it).
 * On a clean bilevel fax it only erodes one-dot strokes: leaving it out there raised line F1 on
 * the eval's tuning faxes from 0.77 to 0.88 (fine) and 0.55 to 0.63 (normal); the sparse speckle
 * left is despeckle's.
 */
async function clean(
  img: Sharp,
  size: { width: number; height: number },
  dpi: number,
  median: boolean,
): Promise<CleanImage> {
  const sharp = await loadSharp();
  const resized = img
    .flatten({ background: '#ffffff' })
    .greyscale()
    .resize(size.width, size.height, { fit: 'fill', kernel: 'cubic' })
    .normalise();
  const { data, info } = await (median ? resized.median(3) : resized)
    // On a synthetic fax page 160 read every digit of a clean page (128 and 140 misread some);
    // with heavy (2%) speckle 128 did better (confidence 0.87 vs 0.61). Clean faxes are the norm.
    .threshold(160)
    .toColourspace('b-w')
    .raw()
    .toBuffer({ resolveWithObject: true });
  // Inverse column headers first: despeckling would take their letters for noise.
  invertBars(data, info.width, info.height, Math.max(6, Math.round(dpi / 12)), Math.round(dpi / 3));
  despeckle(data, info.width, info.height, despeckleOptionsFor(dpi));
  const png = await sharp(data, { raw: { width: info.width, height: info.height, channels: 1 } })
    .png({ compressionLevel: 6 })
    .toBuffer();
  return { png, width: info.width, height: info.height };
}
