/**
 * Learning a layout from one document and the order a person confirmed for it: each confirmed
 * value is looked for among the words read on the pages, and where it was found (after which
 * label, in which column), how it was written and what surrounds it becomes the layout's model.
 * Pure: pages and order in, model and fingerprint out.
 */
import type { CanonicalOrder, OrderLine } from '../domain/order.ts';
import type { Page, Word } from '../domain/page.ts';
import { dateAtStart, parseNumber } from '../extract/index.ts';
import { fingerprintOf } from './fingerprint.ts';
import type { ColumnRule, HeaderRule, LayoutModel, LearnedColumn, TableRule } from './model.ts';
import { fold, labelToken, poShape, type Row, rowsOf, sameToken, trimmed } from './words.ts';

export interface Learned {
  model: LayoutModel;
  fingerprint: string[];
  /** What could not be placed on the pages (a value typed by the person that the page does not show). */
  missed: string[];
}

const near = (a: number | null, b: number | null) => a !== null && b !== null && Math.abs(a - b) < 0.005;

/** The number a word reads as in the document's format. */
export function numberOf(text: string, format: 'eu' | 'us'): number | null {
  return parseNumber(text.replace(/^[^\d\-−€$£]+|[^\d€$£]+$/gu, ''), format);
}

/** Codes a line's article may be printed as besides those in the order (cross-references, its GTIN). */
export interface LineCodes {
  refs: string[];
  gtins: string[];
}

export function learnLayout(
  pages: Page[],
  confirmed: CanonicalOrder,
  codes: LineCodes[] = [],
  /** The customer's tax id from master data, to learn where it is printed. */
  taxId: string | null = null,
): Learned {
  const rows = rowsOf(pages);
  // A confirmed order may leave line amounts out; they are quantity x unit price (CONTRACTS.md).
  const order = {
    ...confirmed,
    lines: confirmed.lines.map((l) => ({
      ...l,
      amount:
        l.amount ??
        (l.quantity !== null && l.unitPrice !== null
          ? Math.round(l.quantity * l.unitPrice * 100) / 100
          : null),
    })),
  };
  const number = numberFormatOf(rows, order);
  const valueWords = new Set<Word>();
  const missed: string[] = [];
  const header: LayoutModel['header'] = {};
  let date: 'dmy' | 'mdy' = 'dmy';

  const po = order.poNumber ? findPo(rows, order.poNumber) : null;
  if (po) header.poNumber = ruleFor(rows, po.row, po.words);
  else if (order.poNumber) missed.push('poNumber');
  for (const field of ['orderDate', 'deliveryDate'] as const) {
    const iso = order[field];
    if (!iso) continue;
    const hit = findDate(rows, iso);
    if (!hit) {
      missed.push(field);
      continue;
    }
    if (hit.order === 'mdy') date = 'mdy';
    header[field] = ruleFor(rows, hit.row, hit.words);
  }
  const table = learnTable(rows, order.lines, number, codes);
  if (!table && order.lines.length > 0) missed.push('lines');
  const below = table ? table.lastRow : -1;
  const total = order.total !== null ? findTotal(rows, order.total, number, below) : null;
  if (total) header.total = ruleFor(rows, total.row, total.words);
  else if (order.total !== null) missed.push('total');
  for (const hit of [po, total]) for (const w of hit?.words ?? []) valueWords.add(w);
  for (const field of ['orderDate', 'deliveryDate'] as const) {
    const iso = order[field];
    const hit = iso ? findDate(rows, iso) : null;
    for (const w of hit?.words ?? []) valueWords.add(w);
  }
  const tax = taxId ? findTaxId(rows, taxId) : null;
  const lineWords = new Set<Word>(table ? table.lineRows.flatMap((i) => rows[i]!.words) : []);
  const crossRefs = order.lines
    .filter((l) => l.customerRef && l.sku && l.customerRef !== l.sku)
    .map((l) => ({ ref: l.customerRef!, sku: l.sku! }));
  return {
    model: {
      version: 1,
      header,
      ...(tax ? { taxId: ruleFor(rows, tax.row, tax.words) } : {}),
      table: table?.rule ?? null,
      formats: { number, date, poShape: order.poNumber ? poShape(order.poNumber) : null },
      crossRefs,
      ignore: table?.ignore ?? [],
    },
    fingerprint: fingerprintOf(pages, (w) => valueWords.has(w) || lineWords.has(w)),
    missed,
  };
}

/** `eu` or `us`: the one under which more of the order's amounts are found on the pages. */
function numberFormatOf(rows: Row[], order: CanonicalOrder): 'eu' | 'us' {
  const values = [order.total, ...order.lines.flatMap((l) => [l.amount, l.unitPrice, l.quantity])].filter(
    (v): v is number => v !== null,
  );
  const score = (f: 'eu' | 'us') =>
    rows.reduce(
      (n, r) => n + r.words.filter((w) => values.some((v) => near(numberOf(w.text, f), v))).length,
      0,
    );
  return score('us') > score('eu') ? 'us' : 'eu';
}

function findPo(rows: Row[], po: string): { row: number; words: Word[] } | null {
  const want = fold(po);
  let loose: { row: number; words: Word[] } | null = null;
  for (const [i, r] of rows.entries()) {
    for (const w of r.words) {
      const t = fold(trimmed(w.text));
      if (t === want) return { row: i, words: [w] };
      // Glued to its label (`Nº:FL-2026-1001`) or read with one slip.
      if (!loose && (t.endsWith(want) || (want.length >= 5 && sameToken(t, want))))
        loose = { row: i, words: [w] };
    }
  }
  return loose;
}

/** The tax id as printed, with or without its country prefix (`ESB12345678`, `B-12345678`). */
function findTaxId(rows: Row[], taxId: string): { row: number; words: Word[] } | null {
  const bare = fold(taxId).replace(/^[a-z]{2}(?=[a-z0-9]*\d)/, '');
  if (bare.length < 6) return null;
  for (const [i, r] of rows.entries()) {
    for (const w of r.words) if (fold(w.text).endsWith(bare)) return { row: i, words: [w] };
  }
  return null;
}

/**
 * Where the date is printed: the first place where a label names it, else the first place at all.
 * A fax's transmission line (`03/11/2026 16:20 DE: +34 ...`) often carries the same date first, but
 * that is when it was sent, not where the layout prints the order date.
 */
function findDate(rows: Row[], iso: string): { row: number; words: Word[]; order: 'dmy' | 'mdy' } | null {
  let first: { row: number; words: Word[]; order: 'dmy' | 'mdy' } | null = null;
  for (const [i, r] of rows.entries()) {
    const texts = r.words.map((w) => w.text);
    for (let k = 0; k < texts.length; k++) {
      for (const order of ['dmy', 'mdy'] as const) {
        const hit = dateAtStart(texts.slice(k), order);
        if (hit?.iso !== iso) continue;
        const found = { row: i, words: r.words.slice(k, k + hit.count), order };
        if (ruleFor(rows, i, found.words).label.length > 0) return found;
        first = first ?? found;
      }
    }
  }
  return first;
}

/** The stated total: the lowest place on the pages (below the table when there is one) printing it. */
function findTotal(
  rows: Row[],
  total: number,
  format: 'eu' | 'us',
  afterRow: number,
): { row: number; words: Word[] } | null {
  let found: { row: number; words: Word[] } | null = null;
  for (const [i, r] of rows.entries()) {
    for (let k = 0; k < r.words.length; k++) {
      const w = r.words[k]!;
      const pair = r.words[k + 1];
      if (near(numberOf(w.text, format), total)) found = { row: i, words: [w] };
      // `1 234,56` read as two words.
      else if (pair && near(numberOf(`${w.text} ${pair.text}`, format), total))
        found = { row: i, words: [w, pair] };
    }
    // The first under the table is the one; later copies (a VAT block's gross) do not move it.
    if (found && found.row > afterRow) return found;
  }
  return found;
}

/** The label before the value on its row, else the label above it, else the value's place. */
function ruleFor(rows: Row[], at: number, words: Word[]): HeaderRule {
  const r = rows[at]!;
  const first = words[0]!;
  const last = words[words.length - 1]!;
  const box = {
    page: r.page,
    x: first.x / r.width,
    y: first.y / r.height,
    w: (last.x + last.w - first.x) / r.width,
    h: first.h / r.height,
  };
  const before = r.words.filter((w) => w.x + w.w <= first.x + 1);
  // The label's own words only: a run with no wide gap inside, ending before the value.
  let start = before.length - 1;
  while (start > 0 && before[start]!.x - (before[start - 1]!.x + before[start - 1]!.w) < 1.5 * first.h)
    start--;
  // A value far to the left, with nothing that ends a label (`:`), is another block's (`Pontevedra
  // CIF B36704153` beside a PO number printed under its label): no label of this one.
  const prev = before.at(-1);
  const apart =
    prev !== undefined &&
    /\d/.test(prev.text) &&
    first.x - (prev.x + prev.w) > 6 * first.h &&
    !/[:#]$/.test(prev.text);
  const leftLabel = apart ? [] : labelRun(before.slice(Math.max(0, start, before.length - 4)));
  if (leftLabel.length > 0) return { label: leftLabel, where: 'right', box, words: words.length };
  for (let i = at - 1; i >= Math.max(0, at - 3); i--) {
    const up = rows[i]!;
    if (up.page !== r.page) break;
    const over = up.words.filter((w) => w.x < last.x + last.w + first.h && w.x + w.w > first.x - first.h);
    const label = labelRun(over.slice(0, 4));
    if (label.length > 0) return { label, where: 'below', box, words: words.length };
  }
  return { label: [], where: 'place', box, words: words.length };
}

/** The folded tokens of a run of words, when it holds a label word. */
function labelRun(words: Word[]): string[] {
  const tokens = words.map((w) => fold(w.text)).filter((t) => t !== '' && !/^\d+$/.test(t));
  return tokens.some((t) => labelToken(t)) ? tokens : [];
}

interface TableFound {
  rule: TableRule;
  lineRows: number[];
  lastRow: number;
  ignore: string[];
}

function learnTable(
  rows: Row[],
  lines: OrderLine[],
  format: 'eu' | 'us',
  codes: LineCodes[],
): TableFound | null {
  if (lines.length === 0) return null;
  const lineRows: number[] = [];
  const picks: Array<Partial<Record<LearnedColumn, Word[]>>> = [];
  const fields: Array<TableRule['code']> = [];
  let from = 0;
  const units = new Map<string, string>();
  const pers: number[] = [];
  for (const [n, line] of lines.entries()) {
    let best: {
      row: number;
      pick: Partial<Record<LearnedColumn, Word[]>>;
      score: number;
      per: number;
      code: TableRule['code'];
    } | null = null;
    for (let i = from; i < rows.length; i++) {
      const found = pickCells(rows[i]!.words, line, format, codes[n]);
      const score = Object.keys(found.pick).filter((k) => k !== 'description').length;
      if (found.pick.quantity && score >= 2 && (!best || score > best.score)) {
        best = { row: i, pick: found.pick, score, per: found.per, code: found.code };
      }
      if (best && i > best.row + 3) break;
    }
    if (!best) continue;
    lineRows.push(best.row);
    picks.push(best.pick);
    fields.push(best.code);
    if (best.pick.price) pers.push(best.per);
    const printed = best.pick.unit?.[0] ? trimmed(best.pick.unit[0].text) : null;
    if (printed && line.unit && fold(printed) !== fold(line.unit)) units.set(fold(printed), line.unit);
    from = best.row + 1;
  }
  if (lineRows.length === 0) return null;
  // Prices printed per 100 on some lines and per unit on others (`PE 100` under 1 EUR): the column
  // does not say which, so the net price is worked out from the amount, as for a discount column.
  const per = pers.length > 0 && pers.every((k) => k === pers[0]) ? pers[0]! : null;
  if (per === null) for (const p of picks) delete p.price;
  // The code column prints one kind of code: the one most lines were found by (a customer's own code
  // OCR garbled on one line is found there by the GTIN printed beside it, in another column).
  const counts = new Map<TableRule['code'], number>();
  for (const f of fields) if (f) counts.set(f, (counts.get(f) ?? 0) + 1);
  const codeField = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
  picks.forEach((p, i) => {
    if (fields[i] !== codeField) delete p.code;
  });
  const first = rows[lineRows[0]!]!;
  const columns: ColumnRule[] = [];
  for (const column of ['code', 'description', 'quantity', 'unit', 'price', 'amount'] as const) {
    const spans = picks.flatMap((p, i) => (p[column] ?? []).map((w) => ({ w, r: rows[lineRows[i]!]! })));
    if (spans.length === 0) continue;
    columns.push({
      column,
      x0: Math.min(...spans.map((s) => s.w.x / s.r.width)),
      x1: Math.max(...spans.map((s) => (s.w.x + s.w.w) / s.r.width)),
    });
  }
  const headerRow = rows
    .slice(0, lineRows[0]!)
    .reverse()
    .find((r) => {
      // A column header is words: an order line OCR kept apart from its confirmed values is numbers.
      const labels = r.words.filter((w) => labelToken(w.text)).length;
      return r.page === first.page && labels >= 2 && labels > r.words.filter((w) => /\d/.test(w.text)).length;
    });
  const lastRow = lineRows[lineRows.length - 1]!;
  const described = new Set(lines.flatMap((l) => (l.description ?? '').split(/\s+/).map(fold)));
  const ignore = new Set<string>();
  const leadOf = (r: Row) => r.words.map((w) => labelToken(w.text)).find((t) => t !== null) ?? null;
  for (let i = lineRows[0]!; i < lastRow; i++) {
    if (lineRows.includes(i)) continue;
    const r = rows[i]!;
    const lead = leadOf(r);
    if (lead && !described.has(lead) && r.words.some((w) => /\d/.test(w.text))) ignore.add(lead);
  }
  // The row that ends the table: not one that also comes between the lines (`Liefertermin` under each).
  const endRow = rows.slice(lastRow + 1).find((r) => {
    const lead = leadOf(r);
    return lead !== null && !ignore.has(lead);
  });
  return {
    rule: {
      header: (headerRow?.words ?? []).map((w) => labelToken(w.text)).filter((t): t is string => t !== null),
      columns,
      code: codeField,
      price: picks.every((p) => p.price) || !picks.some((p) => p.amount) ? 'price' : 'amount',
      ...(per !== null && per !== 1 ? { per } : {}),
      end: (endRow?.words ?? [])
        .map((w) => labelToken(w.text))
        .filter((t): t is string => t !== null)
        .slice(0, 3),
      sequence: sequenceOf(rows, lineRows, picks),
      top: { page: first.page, y: first.top / first.height },
      ...(units.size > 0 ? { units: [...units].map(([printed, unit]) => ({ printed, unit })) } : {}),
    },
    lineRows,
    lastRow,
    ignore: [...ignore],
  };
}

/**
 * The words of a row that print a confirmed line's values. Equal numbers are told apart by
 * place: the amount is the rightmost, the price the next, the quantity the leftmost left.
 */
function pickCells(
  words: Word[],
  line: OrderLine,
  format: 'eu' | 'us',
  alt: LineCodes = { refs: [], gtins: [] },
): { pick: Partial<Record<LearnedColumn, Word[]>>; code: TableRule['code']; per: number } {
  const pick: Partial<Record<LearnedColumn, Word[]>> = {};
  const used = new Set<Word>();
  const take = (column: LearnedColumn, w: Word | Word[] | undefined) => {
    if (!w) return;
    const ws = Array.isArray(w) ? w : [w];
    pick[column] = ws;
    for (const x of ws) used.add(x);
  };
  let code: TableRule['code'] = null;
  const printed: Array<[TableRule['code'], string | null]> = [
    ['customerRef', line.customerRef],
    ['sku', line.sku],
    ['gtin', line.gtin],
    ...alt.refs.map((r): [TableRule['code'], string] => ['customerRef', r]),
    ...alt.gtins.map((g): [TableRule['code'], string] => ['gtin', g]),
  ];
  // A GTIN-14 with its leading zero is printed as an EAN-13.
  const key = (field: TableRule['code'], text: string) =>
    field === 'gtin' ? fold(text).replace(/^0+/, '') : fold(text);
  for (const [field, value] of printed) {
    const want = value ? key(field, value) : '';
    // OCR may split a code at its punctuation (`40.669 635` for 40.669.635): two words that fold to it.
    const one = want ? words.find((x) => key(field, x.text) === want) : undefined;
    const at =
      want && !one
        ? words.findIndex((x, i) => i + 1 < words.length && key(field, x.text + words[i + 1]!.text) === want)
        : -1;
    const w = one ?? (at >= 0 ? [words[at]!, words[at + 1]!] : undefined);
    if (w) {
      take('code', w);
      code = field;
      break;
    }
  }
  const valued = (v: number | null) =>
    words.filter((w) => !used.has(w) && v !== null && near(numberOf(w.text, format), v));
  take('amount', valued(line.amount).at(-1));
  // The price as printed: per unit, else per 100 or per 1000 (`P. x 100`: 502,93 for 5.0293).
  let per = 1;
  for (const k of [1, 100, 1000]) {
    const w = valued(line.unitPrice === null ? null : Math.round(line.unitPrice * k * 1e6) / 1e6).at(-1);
    if (!w) continue;
    take('price', w);
    per = k;
    break;
  }
  // A number inside the description ("Tubo 25 mm" x 25) is not the quantity when another word prints it.
  const inText = new Set((line.description ?? '').split(/\s+/).map(fold));
  const quantities = valued(line.quantity);
  // A quantity printed with a space between its thousands (`1 200`) is two words.
  const split = () => {
    const i = words.findIndex(
      (w, k) =>
        k + 1 < words.length &&
        !used.has(w) &&
        !used.has(words[k + 1]!) &&
        /^\d{1,3}$/.test(w.text) &&
        near(numberOf(`${w.text} ${words[k + 1]!.text}`, format), line.quantity),
    );
    return i >= 0 ? [words[i]!, words[i + 1]!] : undefined;
  };
  take('quantity', quantities.find((w) => !inText.has(fold(w.text))) ?? quantities[0] ?? split());
  if (line.unit) {
    const unit = fold(line.unit);
    take(
      'unit',
      words.find((w) => !used.has(w) && fold(w.text) === unit),
    );
  }
  const wanted = new Set((line.description ?? '').split(/\s+/).map(fold));
  wanted.delete('');
  // Numbers inside a description ("22 mm") belong to it; words elsewhere on the row do not.
  const inDesc = words.filter((w) => !used.has(w) && wanted.has(fold(w.text)));
  if (inDesc.length > 0) pick.description = inDesc;
  // A unit printed otherwise than the confirmed order names it (`RT` for the catalogue's `RL`): the
  // short word of letters beside the quantity, for the printed unit -> unit mapping.
  const qty = pick.quantity?.[0];
  if (line.unit && !pick.unit && qty) {
    const i = words.indexOf(qty);
    // Not the row's first word: that is a position number OCR read as a letter (`I` for 1).
    const beside = [words[i + 1], i > 1 ? words[i - 1] : undefined].find(
      (w) => w && !used.has(w) && !inDesc.includes(w) && /^\p{L}{1,4}$/u.test(trimmed(w.text)),
    );
    if (beside) take('unit', beside);
  }
  return { pick, code, per };
}

/** The roles of each taught row's words in order; kept when every taught row gives the same. */
function sequenceOf(
  rows: Row[],
  lineRows: number[],
  picks: Array<Partial<Record<LearnedColumn, Word[]>>>,
): string[] | null {
  let seen: string | null = null;
  let out: string[] | null = null;
  for (const [i, at] of lineRows.entries()) {
    const roleOf = new Map<Word, string>();
    for (const [column, ws] of Object.entries(picks[i]!)) for (const w of ws ?? []) roleOf.set(w, column);
    const seq: string[] = [];
    for (const w of rows[at]!.words) {
      const role = roleOf.get(w) ?? (/\d/.test(w.text) ? 'number' : `text:${fold(w.text)}`);
      if (role === 'description' && seq.at(-1) === 'description') continue;
      seq.push(role);
    }
    const key = seq.join(' ');
    if (seen !== null && key !== seen) return null;
    seen = key;
    out = seq;
  }
  return out;
}
