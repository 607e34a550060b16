/**
 * The learned reader's table: the order lines between the taught column header (or, where OCR lost
 * it, the taught first line's place) and the row that ended the taught table, each word to the
 * taught column it stands in; typed e-mails by the taught order of words.
 */
import type { OrderLine } from '../domain/order.ts';
import { emptyLine } from '../domain/order.ts';
import type { Word } from '../domain/page.ts';
import { numberOf } from './learn.ts';
import type { ColumnRule, LayoutModel, LearnedColumn, TableRule } from './model.ts';
import { fold, labelToken, type Row, sameToken, trimmed } from './words.ts';

export function numberIn(words: Word[], format: 'eu' | 'us'): { value: number; words: Word[] } | null {
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

export interface ReadLine {
  line: OrderLine;
  words: Partial<Record<string, Word[]>>;
  /** The unit word is one the customer printed for this unit on the confirmed order (`un.` for EA). */
  taughtUnit?: boolean;
}

/** The order lines: rows between a header row and the table's end whose quantity column holds a number. */
export function readLines(rows: Row[], table: TableRule, model: LayoutModel): ReadLine[] {
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
    const cells = assign(r, table.columns);
    // A row the taught table had no line on (`C/ Gremi de Teixidors, 35` in the left margin) may share
    // its row with an order line on the next document: a code and a quantity in their columns keep it.
    if (tokens[0] && ignore.has(tokens[0]) && !holdsLine(cells)) continue;
    if (startsWith(tokens, table.end)) {
      // A later header row (the next page's) opens the table again.
      inTable = false;
      continue;
    }
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

/** An article code in the code column and a number in the quantity column: an order line's row. */
function holdsLine(cells: Cells): boolean {
  return (
    codeIn(cells.code ?? []).some((w) => /\d/.test(w.text)) &&
    (cells.quantity ?? []).some((w) => /\d/.test(w.text))
  );
}

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

/** A number and a short unit word printed as one word (`7un.`, `12UD`). */
const GLUED = /^\d+(?:[.,]\d+)?\p{L}{1,4}\.?$/u;

function lineOf(
  cells: Partial<Record<LearnedColumn, Word[]>>,
  table: TableRule,
  model: LayoutModel,
  lineNo: number,
): ReadLine | null {
  const fmt = model.formats.number;
  // A quantity OCR glued to its unit (`7un.` for `7 un.`) stands over both columns: read from the
  // one word, its digits the quantity, its letters the unit.
  const glued = [...(cells.quantity ?? []), ...(cells.unit ?? [])].find(
    (w) => GLUED.test(trimmed(w.text)) && numberOf(w.text, fmt) !== null,
  );
  if (glued) {
    const others = (ws: Word[] | undefined, kind: RegExp) =>
      (ws ?? []).some((w) => w !== glued && kind.test(w.text));
    if (!others(cells.quantity, /\d/)) cells = { ...cells, quantity: [glued] };
    if (!others(cells.unit, /\p{L}/u)) cells = { ...cells, unit: [glued] };
  }
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
  // A unit is a word of letters (`UD`, `un.`): digits alone in the unit's column are something else.
  const unit = cells.unit?.find((w) => /\p{L}/u.test(w.text));
  let taughtUnit = false;
  if (unit) {
    // A unit the customer prints otherwise is the unit the confirmed order named for it.
    const printed = unit === glued ? trimmed(unit.text).replace(/^[\d.,]+/, '') : trimmed(unit.text);
    const taught = table.units?.find((u) => u.printed === fold(printed))?.unit;
    line.unit = taught ?? (printed.toUpperCase() || null);
    words.unit = [unit];
    taughtUnit = taught !== undefined;
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
    line.unitPrice = table.per ? Math.round((price.value / table.per) * 1e6) / 1e6 : price.value;
    words.unitPrice = price.words;
  }
  return { line, words, ...(taughtUnit ? { taughtUnit } : {}) };
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
    const cells = matchSequence(r.words, seq);
    if (!cells || (lead && ignore.has(lead) && !holdsLine(cells))) continue;
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
