/**
 * A second look at fields nothing else can vouch for. Line codes are confirmed by master data and
 * amounts by arithmetic, but a PO number has no witness: when its OCR reading is unsure, the
 * field's box is cut from the page, enlarged and read again on its own. Two readings that agree
 * (after the customer's format, when the template gives one) raise the field's confidence; two
 * that disagree lower it, and the finding shows both.
 */
import sharp from 'sharp';
import { LOW_CONFIDENCE } from '../../domain/confidence.ts';
import type { ExtractedOrder, ExtractOutcome } from '../../domain/extraction.ts';
import type { Page } from '../../domain/page.ts';
import type { OcrEngine } from '../../ocr/index.ts';
import { cleanWord } from '../../extract/layout.ts';
import { lower, raise, round3 } from '../../extract/meta.ts';
import { checkShape, shapeOf } from '../../extract/shape.ts';

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
  return sharp(page.image!)
    .extract({ left, top, width, height })
    .resize(Math.round(width * ENLARGE), Math.round(height * ENLARGE), { kernel: 'cubic' })
    .threshold(160)
    .extend({ top: 24, bottom: 24, left: 24, right: 24, background: '#ffffff' })
    .png()
    .toBuffer();
}

async function lookAgain(
  order: ExtractedOrder,
  pages: Page[],
  ocr: OcrEngine,
  pattern: string | null,
): Promise<void> {
  const meta = order.fieldMeta.poNumber;
  const value = order.order.poNumber;
  const src = meta?.source;
  if (!meta || value === null || meta.confidence >= SECOND_LOOK_UNDER || src?.kind !== 'box') return;
  const page = pages.find((p) => p.number === src.page);
  if (!page?.image || page.source !== 'ocr') return;
  const read = await ocr.recognize(await cropOf(page, src), { crop: true });
  const text = read.words
    .map(cleanWord)
    .filter((w) => w !== null)
    .map((w) => w.text)
    .join(' ');
  const again = poNumberFrom(text, pattern);
  const agreed = again?.value === value;
  // A second reading that needed no repair is the stronger witness.
  const confidence = round3(
    !agreed
      ? lower(meta.confidence)
      : again.repaired
        ? raise(meta.confidence)
        : raise(raise(meta.confidence)),
  );
  order.fieldMeta.poNumber = { ...meta, confidence };
  const said = agreed ? 'a second reading agreed' : `a second reading gave "${again?.value ?? text}"`;
  order.findings = order.findings.map((f) => {
    if (f.code !== 'low_confidence' || f.field !== 'poNumber') return f;
    const severity = agreed && confidence >= LOW_CONFIDENCE ? 'info' : f.severity;
    return { ...f, severity, message: `${f.message}; ${said} (now ${confidence.toFixed(2)})` };
  });
}

/**
 * Gives unsure PO numbers of OCR'd pages a second look (see above), in place. `patternOf` names
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
    if (!order.rejected) await lookAgain(order, pages, ocr, patternOf(order));
  }
}
