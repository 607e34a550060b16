/** The line table: header row by column keywords, words to columns by x overlap, rows until an end marker. */
import type { Word } from '../domain/page.ts';
import { type Cell, cellsOf, charWidth, normalise, type TextLine, tokensOf } from './layout.ts';
import { parseNumber } from './numbers.ts';
import { type ColumnRole, COLUMN_LABELS, isCarried, isTableEnd, matchLabel } from './vocab.ts';

/** One column of the table, as its header word(s) placed it. */
export interface Column {
  role: ColumnRole | 'other';
  x0: number;
  x1: number;
  /** False when the header was read through an OCR slip (fuzzy label match). */
  exact: boolean;
  /** The header words, normalised. */
  label: string;
  /** A price column's quantity per price ("Preço/100", "P.U. les 100"): 100; absent when 1. */
  per?: number;
}

/** One table row: the words of each column, across a wrapped description's extra lines. */
export interface Row {
  page: number;
  cells: Map<ColumnRole, Word[]>;
  /** Lines (document indexes) that make up the row. */
  lines: number[];
  /** Column header exactness per role. */
  exact: Map<ColumnRole, boolean>;
  /** The quantity the price column's header says its prices are for ("Preço/100"); 1 when none. */
  per?: number;
}

export interface Table {
  rows: Row[];
  /** Document line indexes that belong to the table (headers and rows), for the header search to skip. */
  lineIndexes: Set<number>;
  /**
   * Header lines and where their first column starts: a box grid or sidebar may share the line
   * with the table's header ("FECHA DE ENTREGA  Descripción  Ref.  Cant."), left of the table.
   */
  headerLines: Map<number, number>;
  /** The line that ended the table (`Total ...`), if any. */
  endLine: number | null;
}

/** Optional knowledge a template brings about the table. */
export interface TableHints {
  /** Keywords that must all be on the header line. */
  header?: string[];
  /** Header text per role, overriding the vocabulary for those columns. */
  columns?: { role: ColumnRole; header: string }[];
  /** Text opening the line that ends the table. */
  end?: string[];
  wrapDescriptions?: boolean;
}

const ITEM_WORDS = new Set(['articulo', 'art', 'item', 'producto']);
const IDENTIFIERS: ColumnRole[] = ['description', 'customerRef', 'sku', 'gtin'];
const CODES: ColumnRole[] = ['customerRef', 'sku', 'gtin'];
/** Labels are a few words long: matching looks this far, so a long line costs linear time. */
const LABEL_REACH = 8;

/** Words that qualify a column label without naming another column: "net", "HT", "€", "(EUR)". */
const QUALIFIER =
  /^\(?(net|netto|neto|nett|líquido|liquido|ht|ttc|brut|brutto|gross|excl\.?|incl\.?|€|eur|usd|gbp|chf|%)\)?$/i;

/** "Preço/100", "Price per 100", "P.U. les 100", "Preis je 1000": the quantity a price is for. */
function perOfLabel(words: Word[]): number {
  const text = words.map((w) => w.text).join(' ');
  const m = /\/\s*(100|1000)\b|\b(?:per|les|je|pro|por|al|x)\s+(100|1000)\b/i.exec(text);
  return m ? Number(m[1] ?? m[2]) : 1;
}

function columnsFromCell(c: Cell): Column[] {
  const cols: Column[] = [];
  let i = 0;
  let afterLabel = false;
  while (i < c.words.length) {
    const word = c.words[i]!;
    const last = cols[cols.length - 1];
    // "P.U. net  Total", "Preis EUR  Betrag": a qualifier belongs to the label before it, and the
    // next label may follow.
    if (last && afterLabel && QUALIFIER.test(word.text)) {
      last.x1 = Math.max(last.x1, word.x + word.w);
      i++;
      continue;
    }
    const m =
      cols.length === 0 || afterLabel ? matchLabel(c.words.slice(i, i + LABEL_REACH), COLUMN_LABELS) : null;
    if (m) {
      const ws = c.words.slice(i, i + m.count);
      const label = normalise(ws.map((w) => w.text).join(' '));
      const per = m.field === 'unitPrice' ? perOfLabel(c.words.slice(i, i + m.count + 2)) : 1;
      cols.push({
        role: m.field,
        x0: ws[0]!.x,
        x1: Math.max(...ws.map((w) => w.x + w.w)),
        exact: m.exact,
        label,
        ...(per > 1 ? { per } : {}),
      });
      i += m.count;
      afterLabel = true;
      continue;
    }
    if (last) last.x1 = Math.max(last.x1, word.x + word.w);
    afterLabel = false;
    i++;
  }
  return cols;
}

/** The columns of a table header line, or null when the line is not one. */
export function headerColumns(line: TextLine, hints: TableHints = {}): Column[] | null {
  if (hints.header && !hints.header.every((k) => normalise(line.text).includes(normalise(k)))) return null;
  const cols = cellsOf(line.words).flatMap(columnsFromCell);
  for (const h of hints.columns ?? []) placeHinted(line, cols, h);
  // "Artículo" names the code column, unless another column has the code and none the description.
  const refs = cols.filter((c) => c.role === 'customerRef');
  if (refs.length > 1 && !cols.some((c) => c.role === 'description')) {
    const item = refs.find((c) => ITEM_WORDS.has(c.label));
    if (item) item.role = 'description';
  }
  const seen = new Set<string>();
  for (const c of cols) {
    if (seen.has(c.role)) c.role = 'other';
    seen.add(c.role);
  }
  cols.sort((a, b) => a.x0 - b.x0);
  const roles = new Set(cols.map((c) => c.role));
  if (!roles.has('quantity') || !IDENTIFIERS.some((r) => roles.has(r)) || roles.size < 3) return null;
  return cols;
}

/** A template's column header names its role, over whatever the vocabulary thought. */
function placeHinted(line: TextLine, cols: Column[], hint: { role: ColumnRole; header: string }): void {
  const want = normalise(hint.header).split(' ');
  const tokens = tokensOf(line.words);
  const at = tokens.findIndex((_, i) => want.every((t, k) => tokens[i + k]?.token === t));
  if (at === -1) return;
  const words = line.words.slice(tokens[at]!.word, tokens[at + want.length - 1]!.word + 1);
  const x0 = words[0]!.x;
  const x1 = Math.max(...words.map((w) => w.x + w.w));
  const mid = (x0 + x1) / 2;
  const col = cols.find((c) => c.x0 <= mid && mid <= c.x1);
  if (col) col.role = hint.role;
  else cols.push({ role: hint.role, x0, x1, exact: true, label: want.join(' ') });
  for (const c of cols) if (c !== col && c.role === hint.role) c.role = 'other';
}

function overlap(w: Word, c: Column): number {
  return Math.min(w.x + w.w, c.x1) - Math.max(w.x, c.x0);
}

function distance(w: Word, c: Column): number {
  const mid = w.x + w.w / 2;
  return mid < c.x0 ? c.x0 - mid : mid > c.x1 ? mid - c.x1 : 0;
}

/**
 * The column a word belongs to: the header it overlaps most; else, for text, the column it starts
 * in (descriptions run on to the right of their header), for numbers the nearest header.
 */
export function columnOf(w: Word, cols: Column[]): Column {
  let best = cols[0]!;
  for (const c of cols) if (overlap(w, c) > overlap(w, best)) best = c;
  if (overlap(w, best) > 0) return best;
  if (/\p{L}/u.test(w.text)) {
    const starts = cols.filter((c) => c.x0 <= w.x);
    if (starts.length > 0) return starts[starts.length - 1]!;
  }
  for (const c of cols) if (distance(w, c) < distance(w, best)) best = c;
  return best;
}

const TEXT_ROLES = new Set<string>(['description', 'customerRef', 'sku', 'gtin', 'unit', 'other']);
/** Columns read for nothing: their words are kept out of their neighbours. */
const IGNORED = new Set<string>(['other', 'position']);

/**
 * Where one column's stretch of the line ends and the next one's begins: text is left-aligned
 * under its header and runs on to the next column, so a text column begins just before its
 * header; between two number columns (right-aligned) the border is the middle of the gap.
 */
function borders(cols: Column[], cw: number): number[] {
  const out: number[] = [];
  for (let i = 1; i < cols.length; i++) {
    const a = cols[i - 1]!;
    const b = cols[i]!;
    out.push(TEXT_ROLES.has(b.role) || TEXT_ROLES.has(a.role) ? b.x0 - cw : (a.x1 + b.x0) / 2);
  }
  return out;
}

/**
 * Words to columns by the stretch of the line each column owns. A number is placed by its right
 * edge (figures are right-aligned and may stick out left of a short header), a word by its left
 * edge: "2P 40 A 30" inside a description stays there, "7,00 UD PRO-22413" split into three.
 */
function assign(line: TextLine, cols: Column[]): Map<ColumnRole, Word[]> {
  const cells = new Map<ColumnRole, Word[]>();
  const cw = charWidth(line.words);
  const edges = borders(cols, cw);
  let prev: { w: Word; col: Column } | null = null;
  for (const w of line.words) {
    if (/^[:;,.]$/.test(w.text)) continue;
    const numeric = /^[-+(]?[€$£]?\d/.test(w.text);
    const x = numeric ? w.x + w.w - cw / 2 : w.x + cw / 2;
    let k = 0;
    while (k < edges.length && x >= edges[k]!) k++;
    let c = cols[k]!;
    // A unit written right after its quantity ("9 un.", "20 Stk") stays with it.
    const stuck = prev && /^[-+(]?\d/.test(prev.w.text) && w.x - (prev.w.x + prev.w.w) <= 1.2 * cw;
    if (stuck && prev!.col.role === 'quantity' && /^\p{L}{1,5}\.?$/u.test(w.text)) c = prev!.col;
    // A long description runs on into the unit column ("… 50 mm x 50 m"): a word one space after
    // the description's last word is still the description's.
    const runOn = prev && prev.col.role === 'description' && w.x - (prev.w.x + prev.w.w) <= 1.2 * cw;
    if (runOn && c.role === 'unit') c = prev!.col;
    // "1 000" right-aligned under a narrow header: the leading group sticks out into the column on
    // its left, but a lone group of three digits right after it is the same number.
    const group = prev && /^\d{3}(?:[.,]\d+)?$/.test(w.text) && /^\d{1,3}$/.test(prev.w.text);
    if (
      group &&
      prev!.col !== c &&
      NUMERIC_ROLES.includes(c.role as ColumnRole) &&
      w.x - (prev!.w.x + prev!.w.w) <= 1.2 * cw
    ) {
      const from = cells.get(prev!.col.role as ColumnRole);
      if (from?.[from.length - 1] === prev!.w) {
        from.pop();
        if (from.length === 0) cells.delete(prev!.col.role as ColumnRole);
        cells.set(c.role as ColumnRole, [...(cells.get(c.role as ColumnRole) ?? []), prev!.w]);
      }
    }
    prev = { w, col: c };
    const role = c.role;
    if (role === 'other' || IGNORED.has(role)) continue;
    cells.set(role, [...(cells.get(role) ?? []), w]);
  }
  shiftCrowded(cells, cols);
  return cells;
}

/**
 * Headers are often left-aligned over right-aligned figures ("Preis  PE  Betrag" over
 * "37,34  1  186,70"): a price can then land in the next column's stretch, which then holds two
 * numbers while the price's own column is empty. The first of them goes back where it belongs.
 */
function shiftCrowded(cells: Map<ColumnRole, Word[]>, cols: Column[]): void {
  for (let k = 1; k < cols.length; k++) {
    const left = cols[k - 1]!.role as ColumnRole;
    const here = cols[k]!.role as ColumnRole;
    if (!NUMERIC_ROLES.includes(left) || !NUMERIC_ROLES.includes(here) || cells.has(left)) continue;
    const ws = cells.get(here) ?? [];
    if (ws.length < 2 || !ws.every((w) => /^[-+(]?[€$£]?\d/.test(w.text))) continue;
    // "1 186,70" is one amount printed in groups, not a price beside an amount.
    if (parseNumber(ws.map((w) => w.text).join(' '), 'eu') !== null) continue;
    if (parseNumber(ws.map((w) => w.text).join(' '), 'us') !== null) continue;
    cells.set(left, [ws[0]!]);
    cells.set(here, ws.slice(1));
  }
}

const NUMERIC_ROLES: ColumnRole[] = ['quantity', 'unitPrice', 'amount', 'discount', 'priceUnit'];
const NUMBER_LIKE =
  /^[-+(]?[€$£]?\d[\d.,\s'’\u00a0\u202f]*[%€$£)]?-?$|^\d{1,3}(:\d{3})+([.,]\d+)?$|^(€|\$|£|[a-zA-Z]{1,6}\.?)$|^\d[\d.,'’]*[a-zA-Z]{1,3}\.?$/;

/** Numeric columns hold numbers, signs and short unit words only: a stray sentence is no row. */
function cleanNumbers(cells: Map<ColumnRole, Word[]>): boolean {
  return NUMERIC_ROLES.every((r) => (cells.get(r) ?? []).every((w) => NUMBER_LIKE.test(w.text)));
}

/**
 * A table row: an identifier and clean numbers. A row whose quantity OCR lost is kept (quantity
 * null) when its price or amount was read: a dropped line would go unnoticed. On a page the header
 * did not repeat on, a running head ("Pedido 7788") could pass for a row, so a price is required.
 */
function isRow(cells: Map<ColumnRole, Word[]>, cols: Column[], headerOnPage: boolean): boolean {
  if (!IDENTIFIERS.some((r) => cells.has(r)) || !cleanNumbers(cells)) return false;
  const priced = hasNumber(cells.get('unitPrice')) || hasNumber(cells.get('amount'));
  const hasPriceColumns = cols.some((c) => c.role === 'unitPrice' || c.role === 'amount');
  if (!headerOnPage && hasPriceColumns && !priced) return false;
  // A summary under the table ("Nº de líneas 6", "Portes 12,00") has a number but neither a code
  // nor a quantity: an order line names its article by a code, or at least says how many.
  const coded = CODES.some((r) => (cells.get(r) ?? []).some((w) => /\d/.test(w.text)));
  const counted = hasNumber(cells.get('quantity'));
  if (!coded && !counted) return false;
  return counted || priced;
}

function hasNumber(words: Word[] | undefined): boolean {
  return (words ?? []).some((w) => /\d/.test(w.text));
}

function isPageMark(line: TextLine): boolean {
  return /\b(p[aá]gina|page|p[aá]g\.?)\s*\d/i.test(line.text);
}

function lineHeight(line: TextLine): number {
  return line.bottom - line.top;
}

function endsTable(line: TextLine, hints: TableHints): boolean {
  if (isTableEnd(line.words)) return true;
  const first = line.text.toLowerCase();
  return (hints.end ?? []).some((e) => first.startsWith(e.toLowerCase()));
}

/**
 * Finds the line table: the first header line, then rows on this and following pages (a repeated
 * header on a later page replaces the columns), until an end marker. A line holding only
 * description text right under a row continues that row's description. After a wide vertical gap
 * the rest of the page is footer; the table may go on on the next page.
 */
export function findTable(lines: TextLine[], hints: TableHints = {}): Table | null {
  const start = lines.findIndex((l) => headerColumns(l, hints) !== null);
  if (start === -1) return null;
  let cols = headerColumns(lines[start]!, hints)!;
  const table: Table = {
    rows: [],
    lineIndexes: new Set([start]),
    headerLines: new Map([[start, cols[0]!.x0]]),
    endLine: null,
  };
  let exact = new Map(cols.filter((c) => c.role !== 'other').map((c) => [c.role as ColumnRole, c.exact]));
  let prev: TextLine = lines[start]!;
  let above: TextLine = prev;
  let pausedPage: number | null = null;
  let headerPage = lines[start]!.page;
  for (const line of lines.slice(start + 1)) {
    if (line.page === pausedPage) continue;
    const samePage = line.page === prev.page;
    const gap = line.top - prev.bottom;
    if (isCarried(line.words)) {
      // "À reporter" / "Suma anterior": a running total between pages, not an article.
      table.lineIndexes.add(line.index);
      continue;
    }
    if (endsTable(line, hints)) {
      table.endLine = line.index;
      break;
    }
    const header = headerColumns(line, hints);
    if (header) {
      cols = header;
      headerPage = line.page;
      table.headerLines.set(line.index, cols[0]!.x0);
      exact = new Map(cols.filter((c) => c.role !== 'other').map((c) => [c.role as ColumnRole, c.exact]));
      table.lineIndexes.add(line.index);
      prev = line;
      above = line;
      continue;
    }
    // The blank before a footer: measured from the line just above, whether or not it was a row
    // (a few rows OCR mangled are no blank space).
    const blank = above && above.page === line.page ? line.top - above.bottom : gap;
    above = line;
    if (samePage && table.rows.length > 0 && gap > 3 * lineHeight(prev) && blank > 3 * lineHeight(prev)) {
      pausedPage = line.page;
      continue;
    }
    if (isPageMark(line)) continue;
    const cells = assign(line, cols);
    const last = table.rows[table.rows.length - 1];
    const onlyDescription = cells.size === 1 && cells.has('description');
    if (isRow(cells, cols, line.page === headerPage)) {
      const per = cols.find((c) => c.role === 'unitPrice')?.per;
      table.rows.push({ page: line.page, cells, lines: [line.index], exact, ...(per ? { per } : {}) });
      table.lineIndexes.add(line.index);
      prev = line;
    } else if (
      onlyDescription &&
      last &&
      hints.wrapDescriptions !== false &&
      samePage &&
      last.lines.includes(prev.index) &&
      gap < 1.5 * lineHeight(prev)
    ) {
      last.cells.set('description', [...(last.cells.get('description') ?? []), ...cells.get('description')!]);
      last.lines.push(line.index);
      table.lineIndexes.add(line.index);
      prev = line;
    }
  }
  return table;
}
