/**
 * The learned reader: a document of a known layout read with what was learned about it. Header
 * values are taken after (or under) the label they followed in the taught document, or from the
 * same place of the page; lines from the taught columns between the header row and the row that
 * ended the table. It reads nothing it was not taught: a field it cannot place stays null.
 */
import { LOW_CONFIDENCE } from '../domain/confidence.ts';
import type { ExtractedOrder, FieldMeta } from '../domain/extraction.ts';
import { emptyLine, emptyOrder, type OrderLine } from '../domain/order.ts';
import type { Page, Word } from '../domain/page.ts';
import { dateAtStart } from '../extract/index.ts';
import { numberOf } from './learn.ts';
import type { ColumnRule, HeaderRule, LayoutModel, LearnedColumn, TableRule } from './model.ts';
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
}

export function readWithLayout(pages: Page[], model: LayoutModel): LearnedReading {
  const rows = rowsOf(pages);
  const order = emptyOrder();
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
    const at =
      rule &&
      valueWords(
        rows,
        rule,
        (words) =>
          dateAtStart(
            words.map((w) => w.text),
            model.formats.date,
          ) !== null,
      );
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
    });
  }
  return { order, taxId, fieldMeta };
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
  fits: (words: Word[]) => boolean = () => false,
): { words: Word[]; factor: number } | null {
  const labels = rule.label.length > 0 ? findLabel(rows, rule) : [];
  for (const { row, end, x0 } of labels) {
    const r = rows[row]!;
    if (rule.where === 'right') {
      // Words after the label, about where the value was taught across the page (not the next block's).
      const x0 = (rule.box.x - 0.08) * r.width;
      const x1 = (rule.box.x + rule.box.w + 0.08) * r.width;
      const after = r.words.filter((w) => w.x >= end - 1 && w.x + w.w > x0 && w.x < x1);
      if (after.length > 0) return { words: after.slice(0, Math.max(rule.words, 3)), factor: 1 };
    } else {
      for (let i = row + 1; i < Math.min(rows.length, row + 4); i++) {
        const down = rows[i]!;
        if (down.page !== r.page) break;
        const slack = rule.box.w * down.width * 0.5 + 20;
        const under = down.words.filter(
          (w) => w.x + w.w > x0 - slack && w.x < x0 + rule.box.w * down.width + slack,
        );
        if (under.length > 0) return { words: under.slice(0, Math.max(rule.words, 3)), factor: 1 };
      }
    }
  }
  // The value at its place on the page: a value without a label, or one whose label OCR lost.
  const placed = atPlace(rows, rule, rule.label.length > 0 ? 0.03 : 0.02);
  if (!placed) return null;
  // A taught label that is not on the page: read at the place only a value of the learned form whose
  // label OCR garbled (read with doubt). Other words read clearly there (`Solicitud de oferta:` where
  // `Nº pedido:` was taught) make it another document, and nothing is read.
  if (rule.label.length > 0 && !(fits(placed.words) && labelGarbled(rows, placed, rule))) return null;
  return { words: placed.words, factor: 1 };
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

function numberIn(words: Word[], format: 'eu' | 'us'): { value: number; words: Word[] } | null {
  for (let k = 0; k < words.length; k++) {
    const pair = words[k + 1];
    if (pair && /^\d{1,3}$/.test(words[k]!.text)) {
      const joined = numberOf(`${words[k]!.text} ${pair.text}`, format);
      if (joined !== null) return { value: joined, words: [words[k]!, pair] };
    }
    const v = numberOf(words[k]!.text, format);
    if (v !== null) return { value: v, words: [words[k]!] };
  }
  return null;
}

interface ReadLine {
  line: OrderLine;
  words: Partial<Record<string, Word[]>>;
}

/** The order lines: rows between a header row and the table's end whose quantity column holds a number. */
function readLines(rows: Row[], table: TableRule, model: LayoutModel): ReadLine[] {
  const lines = readTable(rows, table, model, HEADER_SHARE);
  // A fax or scan of a layout taught from its PDF may garble most of the column header
  // (`Cescrpción ... Canrcan Preco` for `Descripción Cantidad Precio`): with no table opened by the
  // header as taught, two of its words open it. The witnesses judge the lines read.
  let out = lines.length === 0 && table.header.length > 2 ? readTable(rows, table, model, 0) : lines;
  // A header OCR lost whole (`[ret vownissew Desa te VO` for `Réf. fournisseur Désignation ...`):
  // the table starts where the taught lines started.
  if (out.length === 0 && table.header.length > 0 && table.top) out = readTable(rows, table, model, null);
  // Typed text does not keep columns: rows in the taught order of words win when they give as many lines.
  if (table.sequence) {
    const typed = readSequences(rows, table, model);
    if (typed.length > 0 && typed.length >= out.length) return typed;
  }
  return out;
}

/** Share of the taught column header a row must show to open the table. */
const HEADER_SHARE = 0.6;

/** `share` null: no header row opens the table, it opens at the taught first line's place. */
function readTable(rows: Row[], table: TableRule, model: LayoutModel, share: number | null): ReadLine[] {
  const out: ReadLine[] = [];
  const ignore = new Set(model.ignore);
  const atTop = share === null;
  let inTable = table.header.length === 0 || atTop;
  let last: ReadLine | null = null;
  let half: {
    part: 'code' | 'numbers';
    cells: Cells;
    row: Row;
    read: ReadLine | null;
    lineNo: number;
  } | null = null;
  for (const r of rows) {
    // Without a header row to open it, the table starts near where the taught lines did.
    if (!aboveTable(r, table, atTop)) continue;
    const tokens = r.words.map((w) => labelToken(w.text)).filter((t): t is string => t !== null);
    if (isHeaderRow(tokens, table.header, share ?? 0)) {
      inTable = true;
      last = null;
      continue;
    }
    if (!inTable) continue;
    if (tokens[0] && ignore.has(tokens[0])) continue;
    if (startsWith(tokens, table.end)) {
      // A later header row (the next page's) opens the table again.
      inTable = false;
      continue;
    }
    const cells = assign(r, table.columns);
    let line = lineOf(cells, table, model, out.length + 1);
    const part = halfOf(cells);
    // A line whose code the row grouping put apart from its numbers (a description over two rows
    // with the code centred beside it): two halves, one right above the other, are one line.
    const next = (a: Row, b: Row) => a.page === b.page && b.top < a.bottom + (a.bottom - a.top);
    if (part === 'numbers' && half?.part === 'code' && next(half.row, r)) {
      line = lineOf(joinCells(half.cells, cells), table, model, out.length + 1);
    } else if (part === 'code' && half?.part === 'numbers' && next(half.row, r)) {
      const joined = lineOf(joinCells(half.cells, cells), table, model, half.lineNo);
      if (joined) {
        if (half.read) out[out.indexOf(half.read)] = joined;
        else out.push(joined);
        last = joined;
        half = null;
        continue;
      }
    }
    half = part ? { part, cells, row: r, read: line, lineNo: line?.line.lineNo ?? out.length + 1 } : null;
    if (line) {
      out.push(line);
      last = line;
    } else if (last && cells.description && !cells.quantity && part !== 'code') {
      // A description wrapped onto the next row.
      const more = cells.description.map((w) => w.text).join(' ');
      last.line.description = last.line.description ? `${last.line.description} ${more}` : more;
    }
  }
  return out;
}

type Cells = Partial<Record<LearnedColumn, Word[]>>;

/** A row that is half a line: a code and no quantity, or a quantity and no code. */
function halfOf(cells: Cells): 'code' | 'numbers' | null {
  const code = codeIn(cells.code ?? []).length > 0;
  const quantity = (cells.quantity ?? []).some((w) => /\d/.test(w.text));
  if (code && !quantity) return 'code';
  return quantity && !code ? 'numbers' : null;
}

function joinCells(a: Cells, b: Cells): Cells {
  const out: Cells = { ...a };
  for (const [k, ws] of Object.entries(b) as Array<[LearnedColumn, Word[]]>)
    out[k] = [...(out[k] ?? []), ...ws];
  return out;
}

/** False for a row of the taught table's first page well above where its first line stood. */
function aboveTable(r: Row, table: TableRule, atTop = false): boolean {
  const top = table.top;
  if (!top || (table.header.length > 0 && !atTop) || r.page !== top.page) return true;
  // Under a header row lost to OCR, the first line stands right below it: not a tenth of the page up.
  return r.top / r.height >= top.y - (atTop ? 0.02 : 0.1);
}

function isHeaderRow(tokens: string[], header: string[], share = HEADER_SHARE): boolean {
  if (header.length < 2) return false;
  const hits = header.filter((h) => tokens.some((t) => sameToken(t, h))).length;
  return hits >= Math.max(2, Math.ceil(header.length * share));
}

function startsWith(tokens: string[], end: string[]): boolean {
  return end.length > 0 && sameToken(tokens[0] ?? '', end[0]!);
}

/** Each word to the taught column it overlaps most (or is nearest, within a little). */
function assign(r: Row, columns: ColumnRule[]): Partial<Record<LearnedColumn, Word[]>> {
  const out: Partial<Record<LearnedColumn, Word[]>> = {};
  const slack = 0.015;
  for (const w of r.words) {
    const x0 = w.x / r.width;
    const x1 = (w.x + w.w) / r.width;
    let best: { c: ColumnRule; score: number } | null = null;
    for (const c of columns) {
      const overlap = Math.min(x1, c.x1 + slack) - Math.max(x0, c.x0 - slack);
      if (overlap > 0 && (!best || overlap > best.score)) best = { c, score: overlap };
    }
    if (best) out[best.c.column] = [...(out[best.c.column] ?? []), w];
  }
  return out;
}

function lineOf(
  cells: Partial<Record<LearnedColumn, Word[]>>,
  table: TableRule,
  model: LayoutModel,
  lineNo: number,
): ReadLine | null {
  const fmt = model.formats.number;
  const quantity = cells.quantity ? numberIn(cells.quantity, fmt) : null;
  if (!quantity || quantity.value <= 0) return null;
  const line = emptyLine(lineNo);
  const words: ReadLine['words'] = { quantity: quantity.words };
  line.quantity = quantity.value;
  const codeWords = codeIn(cells.code ?? []);
  const codeWord = codeWords[0];
  if (codeWord) {
    const code = codeWords.map((w) => trimmed(w.text)).join(' ');
    const field = table.code ?? 'customerRef';
    const mapped = model.crossRefs.find((c) => c.ref === code)?.sku;
    if (field === 'sku') line.sku = code;
    else if (field === 'gtin') line.gtin = code;
    else {
      line.customerRef = code;
      if (mapped) line.sku = mapped;
    }
    words[field] = codeWords;
  }
  if (cells.description) {
    line.description = cells.description.map((w) => w.text).join(' ');
    words.description = cells.description;
  }
  if (!codeWord && !line.description) return null;
  const unit = cells.unit?.[0];
  if (unit) {
    // A unit the customer prints otherwise is the unit the confirmed order named for it.
    const printed = trimmed(unit.text);
    line.unit =
      table.units?.find((u) => u.printed === fold(printed))?.unit ?? (printed.toUpperCase() || null);
  }
  const price = cells.price ? numberIn(cells.price, fmt) : null;
  const amount = cells.amount ? numberIn(cells.amount, fmt) : null;
  if (amount) {
    line.amount = amount.value;
    words.amount = amount.words;
  }
  if (table.price === 'amount' && amount) {
    line.unitPrice = Math.round((amount.value / quantity.value) * 1e6) / 1e6;
    words.unitPrice = [...amount.words, ...quantity.words];
  } else if (price) {
    line.unitPrice = price.value;
    words.unitPrice = price.words;
  }
  return { line, words };
}

/**
 * The words of the code cell that make the code: its first word, and the next one too where OCR
 * split the code at its dash (`CAB 20506` for `CAB-20506`: letters, then digits), as the generic
 * reader joins them; master data then finds the article one slip away, as for the generic reading.
 */
function codeIn(cell: Word[]): Word[] {
  const words = cell.filter((w) => /[\p{L}\d]/u.test(w.text));
  const [a, b] = words;
  if (!a) return [];
  if (b && /^\p{L}+$/u.test(trimmed(a.text)) && /^\d/.test(trimmed(b.text))) return [a, b];
  return [a];
}

/** Typed e-mails: rows whose words follow the taught sequence of roles. */
function readSequences(rows: Row[], table: TableRule, model: LayoutModel): ReadLine[] {
  const seq = table.sequence!;
  const out: ReadLine[] = [];
  const ignore = new Set(model.ignore);
  // Where the page prints the taught column header, the lines are under it, not in the letterhead.
  const opens = rows.findIndex((r) =>
    isHeaderRow(
      r.words.map((w) => labelToken(w.text)).filter((t): t is string => t !== null),
      table.header,
    ),
  );
  for (const r of rows.slice(Math.max(0, opens))) {
    const lead = r.words.map((w) => labelToken(w.text)).find((t) => t !== null);
    if (lead && ignore.has(lead)) continue;
    const cells = matchSequence(r.words, seq);
    if (!cells) continue;
    const line = lineOf(cells, table, model, out.length + 1);
    if (line) out.push(line);
  }
  return out;
}

function matchSequence(words: Word[], seq: string[]): Partial<Record<LearnedColumn, Word[]>> | null {
  const out: Partial<Record<LearnedColumn, Word[]>> = {};
  let k = 0;
  for (const [i, role] of seq.entries()) {
    if (role === 'description') {
      // Greedy up to what the rest of the sequence needs.
      const rest = seq.length - i - 1;
      const take = words.length - k - rest;
      if (take < 1) return null;
      out.description = words.slice(k, k + take);
      k += take;
      continue;
    }
    const w = words[k++];
    if (!w) return null;
    if (role.startsWith('text:')) {
      if (!sameToken(fold(w.text), role.slice(5))) return null;
    } else if (role === 'number') {
      if (!/\d/.test(w.text)) return null;
    } else {
      // Numbers, and codes (`A-1001`, a GTIN), carry digits; a word of the letterhead does not.
      if (['quantity', 'price', 'amount', 'code'].includes(role) && !/\d/.test(w.text)) return null;
      out[role as LearnedColumn] = [w];
    }
  }
  return k === words.length ? out : null;
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
