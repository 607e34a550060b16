/**
 * A second look at fields nothing else can vouch for. Line codes are confirmed by master data and
 * amounts by arithmetic, but a PO number or a date has no such witness: when its OCR reading is
 * unsure, the field's box is cut from the page, enlarged and read again on its own. (A total has
 * its witness in the lines that add up to it: validation checks that.) Two readings that agree
 * (after the customer's format, when the template gives one) raise the field's confidence; two
 * that disagree lower it, and the finding shows both.
 */
import { loadSharp } from '../../documents/sharp.ts';
import { LOW_CONFIDENCE } from '../../domain/confidence.ts';
import type { ExtractedOrder, ExtractOutcome } from '../../domain/extraction.ts';
import type { Page } from '../../domain/page.ts';
import type { OcrEngine } from '../../ocr/index.ts';
import { cleanWord } from '../../extract/layout.ts';
import { lower, raise, round3 } from '../../extract/meta.ts';
import { checkShape, shapeOf } from '../../extract/shape.ts';
import { dateAtStart } from '../../extract/dates.ts';

/** Fields under this confidence get a second look (the default acceptance threshold). */
export const SECOND_LOOK_UNDER = 0.9;
/** The crop is enlarged by this much: a field alone reads better a little larger. */
const ENLARGE = 1.5;

/**
 * The value a PO number crop reads as: its first word holding a digit, ends trimmed, held to the
 * customer's format (`repaired` when it had to be).
 */
export function poNumberFrom(
  text: string,
  pattern: string | null,
): { value: string; repaired: boolean } | null {
  const word = text
    .split(/\s+/)
    .map((t) => t.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''))
    .find((t) => /\d/.test(t));
  if (!word) return null;
  if (!pattern) return { value: word, repaired: false };
  const check = checkShape(word, shapeOf(pattern));
  if (check.kind === 'fits') return { value: word, repaired: false };
  return check.kind === 'repaired' ? { value: check.value, repaired: true } : null;
}

async function cropOf(page: Page, box: { x: number; y: number; w: number; h: number }): Promise<Buffer> {
  const pad = Math.round(box.h * 0.6);
  const left = Math.max(0, Math.floor(box.x - pad));
  const top = Math.max(0, Math.floor(box.y - pad));
  const width = Math.min(page.width - left, Math.ceil(box.w + 2 * pad));
  const height = Math.min(page.height - top, Math.ceil(box.h + 2 * pad));
  const sharp = await loadSharp();
  return sharp(page.image!)
    .extract({ left, top, width, height })
    .resize(Math.round(width * ENLARGE), Math.round(height * ENLARGE), { kernel: 'cubic' })
    .threshold(160)
    .extend({ top: 24, bottom: 24, left: 24, right: 24, background: '#ffffff' })
    .png()
    .toBuffer();
}

/** The fields a second look reads, each with how its crop's text gives a value to compare. */
const LOOKS: Record<
  string,
  (text: string, pattern: string | null) => { value: unknown; repaired: boolean } | null
> = {
  poNumber: poNumberFrom,
  orderDate: dateFrom,
  deliveryDate: dateFrom,
};

/** Every date the crop's words hold, in either day/month order: the reading agrees if one matches. */
export function dateFrom(text: string): { value: unknown; repaired: boolean } | null {
  const words = text.split(/\s+/).filter((w) => w !== '');
  const dates = new Set<string>();
  for (let i = 0; i < words.length; i++) {
    for (const order of ['dmy', 'mdy'] as const) {
      const d = dateAtStart(words.slice(i), order);
      if (d) dates.add(d.iso);
    }
  }
  return dates.size > 0 ? { value: [...dates], repaired: false } : null;
}

/**
 * How surely the crop read the value: its word's confidence for a PO number, the weakest word's
 * for a date (its words are all of it).
 */
function cropConfidence(words: { text: string; confidence: number }[], value: unknown): number {
  if (typeof value === 'string') {
    const word = words.find((w) => w.text.includes(value));
    return word?.confidence ?? 0;
  }
  return words.length > 0 ? Math.min(...words.map((w) => w.confidence)) : 0;
}

function agrees(again: unknown, value: unknown): boolean {
  return Array.isArray(again) ? again.includes(value) : again === value;
}

async function lookAgain(
  order: ExtractedOrder,
  field: string,
  pages: Page[],
  ocr: OcrEngine,
  pattern: string | null,
): Promise<void> {
  const meta = order.fieldMeta[field];
  const value = (order.order as unknown as Record<string, unknown>)[field];
  const src = meta?.source;
  if (
    !meta ||
    value === null ||
    value === undefined ||
    meta.confidence >= SECOND_LOOK_UNDER ||
    src?.kind !== 'box'
  )
    return;
  const page = pages.find((p) => p.number === src.page);
  if (!page?.image || page.source !== 'ocr') return;
  const read = await ocr.recognize(await cropOf(page, src), { crop: true });
  const words = read.words.map(cleanWord).filter((w) => w !== null);
  const text = words.map((w) => w.text).join(' ');
  const again = LOOKS[field]!(text, pattern);
  // A date crop that reads as no date says nothing either way (a PO crop that reads as nothing does).
  if (again === null && field !== 'poNumber') return;
  const agreed = again !== null && agrees(again.value, value);
  // A second reading that needed no repair is the stronger witness.
  // Read alike twice, apart, each misreading it is doubt the other must share: when the crop was
  // read surely, that product of doubts beats two plain raises (a first reading OCR doubted at
  // 0.16 for a speck beside it, the crop read at 0.9: 0.92, not 0.79).
  const both = 1 - (1 - meta.confidence) * (1 - cropConfidence(words, again?.value));
  const confidence = round3(
    !agreed
      ? lower(meta.confidence)
      : again.repaired
        ? raise(meta.confidence)
        : Math.max(raise(raise(meta.confidence)), both),
  );
  const second = typeof again?.value === 'string' ? again.value : text;
  // A disagreeing reading is kept: master data may later show which of the two was right.
  order.fieldMeta[field] = agreed
    ? { ...meta, confidence }
    : { ...meta, confidence, secondReading: { value: second, before: meta.confidence } };
  const said = agreed ? 'a second reading agreed' : `a second reading gave "${second}"`;
  order.findings = order.findings.map((f) => {
    if (f.code !== 'low_confidence' || f.field !== field) return f;
    const severity = agreed && confidence >= LOW_CONFIDENCE ? 'info' : f.severity;
    return { ...f, severity, message: `${f.message}; ${said} (now ${confidence.toFixed(2)})` };
  });
}

/**
 * Gives unsure PO numbers and dates of OCR'd pages a second look (see above), in place. `patternOf` names
 * the customer's PO format for an order, when its template has one.
 */
export async function secondLook(
  outcome: ExtractOutcome,
  pages: Page[],
  ocr: OcrEngine,
  patternOf: (order: ExtractedOrder) => string | null,
): Promise<void> {
  if (outcome.kind !== 'orders') return;
  for (const order of outcome.orders) {
    if (order.rejected) continue;
    for (const field of Object.keys(LOOKS)) await lookAgain(order, field, pages, ocr, patternOf(order));
  }
}
