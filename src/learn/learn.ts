/**
 * Learning a layout from one document and the order a person confirmed for it: each confirmed
 * value is looked for among the words read on the pages, and where it was found (after which
 * label, in which column), how it was written and what surrounds it becomes the layout's model.
 * Pure: pages and order in, model and fingerprint out.
 */
import type { CanonicalOrder } from '../domain/order.ts';
import type { Page, Word } from '../domain/page.ts';
import { dateAtStart, parseNumber } from '../extract/index.ts';
import { fingerprintOf } from './fingerprint.ts';
import { learnTable } from './learn-table.ts';
import type { HeaderRule, LayoutModel } from './model.ts';
import { fold, labelToken, poShape, type Row, rowsOf, sameToken, trimmed } from './words.ts';

export interface Learned {
  model: LayoutModel;
  fingerprint: string[];
  /** What could not be placed on the pages (a value typed by the person that the page does not show). */
  missed: string[];
}

export const near = (a: number | null, b: number | null) =>
  a !== null && b !== null && Math.abs(a - b) < 0.005;

/** The number a word reads as in the document's format. */
export function numberOf(text: string, format: 'eu' | 'us'): number | null {
  return parseNumber(text.replace(/^[^\d\-−€$£]+|[^\d€$£]+$/gu, ''), format);
}

/** Codes a line's article may be printed as besides those in the order (cross-references, its GTIN). */
export interface LineCodes {
  refs: string[];
  gtins: string[];
  /**
   * The article's catalog unit: a confirmed line that names no unit is in it (CONTRACTS.md), so a
   * unit word the page prints for it (`un.` for EA) is one the person confirmed.
   */
  unit?: string | null;
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
    // A written date may wrap under itself (`martes, 10 de` / `noviembre de 2026`): the rule is the
    // first row's part, and says the value goes on on the next row.
    const head = hit.words.filter((w) => rows[hit.row]!.words.includes(w));
    const rule = ruleFor(rows, hit.row, head);
    header[field] = head.length < hit.words.length ? { ...rule, words: hit.words.length, wraps: true } : rule;
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
  type Found = { row: number; words: Word[]; order: 'dmy' | 'mdy' };
  // Labelled: the label is of the value's first row (the part of a wrapped date on it).
  const labelled = (f: Found) =>
    ruleFor(
      rows,
      f.row,
      f.words.filter((w) => rows[f.row]!.words.includes(w)),
    ).label.length > 0;
  let first: Found | null = null;
  let wrapped: Found | null = null;
  for (const [i, r] of rows.entries()) {
    const texts = r.words.map((w) => w.text);
    for (let k = 0; k < texts.length; k++) {
      for (const order of ['dmy', 'mdy'] as const) {
        const hit = dateAtStart(texts.slice(k), order);
        if (hit?.iso !== iso) continue;
        const found = { row: i, words: r.words.slice(k, k + hit.count), order };
        if (labelled(found)) return found;
        first = first ?? found;
      }
      // A date written over two rows, its second part right under the first (`martes, 10 de` /
      // `noviembre de 2026`).
      const head = runFrom(r.words, k);
      const both = [...head, ...continuation(rows, i, head)];
      if (both.length === head.length) continue;
      for (const order of ['dmy', 'mdy'] as const) {
        const hit = dateAtStart(
          both.map((w) => w.text),
          order,
        );
        if (hit?.iso !== iso || hit.count <= head.length) continue;
        const found = { row: i, words: both.slice(0, hit.count), order };
        if (!wrapped || (!labelled(wrapped) && labelled(found))) wrapped = found;
      }
    }
  }
  // A labelled date over two rows before an unlabelled one on one row.
  return wrapped && labelled(wrapped) ? wrapped : (first ?? wrapped);
}

/** The words from `k` on that follow each other with no wide gap (one block's words on the row). */
export function runFrom(words: Word[], k: number): Word[] {
  const out = [words[k]!];
  for (let j = k + 1; j < words.length; j++) {
    const prev = words[j - 1]!;
    if (words[j]!.x - (prev.x + prev.w) > 1.5 * words[j]!.h) break;
    out.push(words[j]!);
  }
  return out;
}

/**
 * The words of the row under `row` that go on from `head`: starting about where it starts, one
 * run of words (`noviembre de 2026` under `martes, 10 de`), not the next block across the page.
 */
export function continuation(rows: Row[], row: number, head: Word[]): Word[] {
  const r = rows[row];
  const down = rows[row + 1];
  const first = head[0];
  if (!r || !down || !first || down.page !== r.page) return [];
  // Right under it: not a row further down the page.
  const lineGap = down.top - r.bottom;
  if (lineGap > 1.5 * (r.bottom - r.top)) return [];
  const k = down.words.findIndex((w) => Math.abs(w.x - first.x) <= 2 * first.h);
  return k === -1 ? [] : runFrom(down.words, k);
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
