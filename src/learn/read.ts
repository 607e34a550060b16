/**
 * The learned reader: a document of a known layout read with what was learned about it. Header
 * values are taken after (or under) the label they followed in the taught document, or from the
 * same place of the page; lines from the taught columns between the header row and the row that
 * ended the table. It reads nothing it was not taught: a field it cannot place stays null.
 */
import { LOW_CONFIDENCE } from '../domain/confidence.ts';
import type { ExtractedOrder, FieldMeta } from '../domain/extraction.ts';
import { emptyOrder } from '../domain/order.ts';
import type { Page, Word } from '../domain/page.ts';
import { dateAtStart } from '../extract/index.ts';
import { continuation, runFrom } from './learn.ts';
import type { HeaderRule, LayoutModel } from './model.ts';
import { numberIn, readLines } from './read-table.ts';
import {
  fitsShape,
  fold,
  labelToken,
  minConfidence,
  type Row,
  repairPo,
  rowsOf,
  sameToken,
  trimmed,
} from './words.ts';

/** Confidence of a PO number that does not have the shape taught: a person should look. */
const OFF_SHAPE = 0.6;

export interface LearnedReading {
  order: ExtractedOrder['order'];
  /** The customer's tax id as printed where it was taught, for master data to confirm. */
  taxId: string | null;
  fieldMeta: Record<string, FieldMeta>;
  /** Lines whose unit word is the one the customer printed for that unit on the confirmed order. */
  taughtUnits: number[];
}

export function readWithLayout(pages: Page[], model: LayoutModel): LearnedReading {
  const rows = rowsOf(pages);
  const order = emptyOrder();
  const taughtUnits: number[] = [];
  const fieldMeta: Record<string, FieldMeta> = {};
  const put = (path: string, words: Word[], factor = 1) => {
    fieldMeta[path] = { confidence: round3(minConfidence(words) * factor), source: boxOf(rows, words) };
  };
  const shape = model.formats.poShape;
  const poFits = (words: Word[]) =>
    words.some((w) => {
      const t = trimmed(w.text).replace(/^.*[:#]/, '');
      return /\d/.test(t) && shape !== null && (fitsShape(t, shape) || repairPo(t, shape) !== null);
    });
  const po = model.header.poNumber && valueWords(rows, model.header.poNumber, poFits);
  if (po) {
    const value = poFrom(po.words, model.formats.poShape);
    if (value) {
      order.poNumber = value.text;
      put('poNumber', [value.word], (value.fits ? 1 : OFF_SHAPE) * po.factor);
    }
  }
  for (const field of ['orderDate', 'deliveryDate'] as const) {
    const rule = model.header[field];
    // A date taught over two rows is read on with the row under it (`martes, 10 de` / `noviembre de 2026`).
    const whole = (words: Word[], row: number) => {
      if (!rule?.wraps || words.length === 0) return words;
      const head = runFrom(words, 0);
      return [...head, ...continuation(rows, row, head)];
    };
    const dated = (words: Word[]) =>
      dateAtStart(
        words.map((w) => w.text),
        model.formats.date,
      );
    const found = rule && valueWords(rows, rule, (words, row) => dated(whole(words, row)) !== null);
    const at = found ? { ...found, words: whole(found.words, found.row) } : null;
    const texts = at ? at.words.map((w) => w.text) : [];
    const hit = at ? dateAtStart(texts, model.formats.date) : null;
    if (hit && at) {
      order[field] = hit.iso;
      put(field, at.words.slice(0, hit.count), at.factor);
    }
  }
  const totalAt =
    model.header.total &&
    valueWords(rows, model.header.total, (words) => numberIn(words, model.formats.number) !== null);
  const total = totalAt ? numberIn(totalAt.words, model.formats.number) : null;
  if (total && totalAt) {
    order.total = total.value;
    put('total', total.words, totalAt.factor);
  }
  const taxAt = model.taxId ? valueWords(rows, model.taxId) : null;
  const taxWord = taxAt?.words.find((w) => /\d{4}/.test(w.text));
  const taxId = taxWord ? trimmed(taxWord.text) : null;
  if (model.table) {
    const lines = readLines(rows, model.table, model);
    order.lines = lines.map((l) => l.line);
    lines.forEach((l, i) => {
      for (const [key, words] of Object.entries(l.words)) if (words) put(`lines[${i}].${key}`, words);
      if (l.taughtUnit) taughtUnits.push(i);
    });
  }
  return { order, taxId, fieldMeta, taughtUnits };
}

/**
 * The words that hold a header value: after or under its label, or at its place on the page, with
 * the factor their confidence takes (1: a value is read only where the taught label or place is).
 * A label whose words OCR lost (`Dala` for `Data`) leaves the value at its taught place, which is
 * read only when `fits` takes it (a date in the learned format, a PO number of the learned shape).
 */
function valueWords(
  rows: Row[],
  rule: HeaderRule,
  fits: (words: Word[], row: number) => boolean = () => false,
): { words: Word[]; row: number; factor: number } | null {
  const labels = rule.label.length > 0 ? findLabel(rows, rule) : [];
  for (const { row, end, x0 } of labels) {
    const r = rows[row]!;
    if (rule.where === 'right') {
      // Words after the label, about where the value was taught across the page (not the next block's).
      const x0 = (rule.box.x - 0.08) * r.width;
      const x1 = (rule.box.x + rule.box.w + 0.08) * r.width;
      const after = r.words.filter((w) => w.x >= end - 1 && w.x + w.w > x0 && w.x < x1);
      if (after.length > 0) return { words: after.slice(0, Math.max(rule.words, 3)), row, factor: 1 };
    } else {
      for (let i = row + 1; i < Math.min(rows.length, row + 4); i++) {
        const down = rows[i]!;
        if (down.page !== r.page) break;
        const slack = rule.box.w * down.width * 0.5 + 20;
        const under = down.words.filter(
          (w) => w.x + w.w > x0 - slack && w.x < x0 + rule.box.w * down.width + slack,
        );
        if (under.length > 0) return { words: under.slice(0, Math.max(rule.words, 3)), row: i, factor: 1 };
      }
    }
  }
  // The value at its place on the page: a value without a label, or one whose label OCR lost.
  const placed = atPlace(rows, rule, rule.label.length > 0 ? 0.03 : 0.02);
  if (!placed) return null;
  // A taught label that is not on the page: read at the place only a value of the learned form whose
  // label OCR garbled (read with doubt). Other words read clearly there (`Solicitud de oferta:` where
  // `Nº pedido:` was taught) make it another document, and nothing is read.
  if (rule.label.length > 0 && !(fits(placed.words, placed.row) && labelGarbled(rows, placed, rule)))
    return null;
  return { words: placed.words, row: placed.row, factor: 1 };
}

/** OCR doubted the words where the rule's label stood (before the value, or over it): it may be the label. */
function labelGarbled(rows: Row[], placed: { row: number; words: Word[] }, rule: HeaderRule): boolean {
  const r = rows[placed.row]!;
  const first = placed.words[0]!;
  let there: Word[] = [];
  if (rule.where === 'right') {
    there = r.words.filter((w) => w.x + w.w <= first.x + 1).slice(-Math.max(1, rule.label.length));
  } else {
    const last = placed.words[placed.words.length - 1]!;
    const up = rows
      .slice(0, placed.row)
      .reverse()
      .find((x) => x.page === r.page && x.words.some((w) => w.x < last.x + last.w && w.x + w.w > first.x));
    there = up?.words.filter((w) => w.x < last.x + last.w + first.h && w.x + w.w > first.x - first.h) ?? [];
  }
  return there.length > 0 && minConfidence(there) < LOW_CONFIDENCE;
}

/** The words of the row nearest the rule's place (within `dy` of the page height) that overlap it. */
function atPlace(rows: Row[], rule: HeaderRule, dy: number): { row: number; words: Word[] } | null {
  let best: { row: number; d: number } | null = null;
  for (const [i, row] of rows.entries()) {
    if (row.page !== rule.box.page) continue;
    const d = Math.abs(row.top / row.height - rule.box.y);
    if (d < dy && (!best || d < best.d)) best = { row: i, d };
  }
  if (!best) return null;
  const r = rows[best.row]!;
  const x = rule.box.x * r.width;
  const near = r.words.filter((w) => w.x + w.w > x - 10 && w.x < x + rule.box.w * r.width + 10);
  return near.length > 0 ? { row: best.row, words: near } : null;
}

/** The places where the rule's label is printed, nearest the taught place first. */
function findLabel(rows: Row[], rule: HeaderRule): Array<{ row: number; end: number; x0: number }> {
  const hits: Array<{ row: number; end: number; x0: number; d: number }> = [];
  const n = rule.label.length;
  for (const [i, r] of rows.entries()) {
    const tokens = r.words.map((w) => fold(w.text));
    for (let k = 0; k + n <= tokens.length; k++) {
      let ok = true;
      for (let j = 0; j < n && ok; j++) ok = sameToken(tokens[k + j]!, rule.label[j]!);
      if (!ok) continue;
      const last = r.words[k + n - 1]!;
      const first = r.words[k]!;
      const d = Math.abs(first.y / r.height - rule.box.y) + Math.abs(first.x / r.width - rule.box.x) * 0.5;
      // The same words printed elsewhere across the page label another value (`Data` of `Data de
      // entrega` for the order date's `Data`): a label stands where it was taught, across the page.
      const edge = rule.where === 'below' ? first.x / r.width : (last.x + last.w) / r.width;
      if (
        rule.where === 'below'
          ? Math.abs(edge - rule.box.x) > 0.1
          : edge > rule.box.x + 0.02 || edge < rule.box.x - 0.4
      )
        continue;
      // The tail of a longer label is another label (`date` of `Delivery date:` for the order date's
      // `Date:`): a label was taught whole, up to four words, so a label word printed close before
      // it makes it a different one.
      if (rule.where === 'right' && n < 4 && k > 0) {
        const prev = r.words[k - 1]!;
        if (first.x - (prev.x + prev.w) < 1.5 * first.h && labelToken(prev.text)) continue;
      }
      hits.push({ row: i, end: last.x + last.w, x0: rule.where === 'below' ? first.x : last.x + last.w, d });
    }
  }
  return hits.sort((a, b) => a.d - b.d);
}

function poFrom(words: Word[], shape: string | null): { text: string; word: Word; fits: boolean } | null {
  const candidates = words
    .map((w) => ({ word: w, text: trimmed(w.text).replace(/^.*[:#]/, '') }))
    .filter((c) => /\d/.test(c.text));
  const fitting = candidates.find((c) => fitsShape(c.text, shape));
  if (fitting) return { ...fitting, fits: true };
  return candidates[0] ? { ...candidates[0], fits: shape === null } : null;
}

function boxOf(rows: Row[], words: Word[]): FieldMeta['source'] {
  if (words.length === 0) return null;
  const page = rows.find((r) => r.words.includes(words[0]!))?.page ?? 1;
  const x = Math.min(...words.map((w) => w.x));
  const y = Math.min(...words.map((w) => w.y));
  return {
    kind: 'box',
    page,
    x,
    y,
    w: Math.max(...words.map((w) => w.x + w.w)) - x,
    h: Math.max(...words.map((w) => w.y + w.h)) - y,
  };
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
