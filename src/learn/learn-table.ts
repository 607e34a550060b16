/**
 * Learning a layout's table from the confirmed lines: the row that prints each line, the words that
 * print its values (code, quantity, unit, price as printed, amount), the columns they stand in, the
 * column header above and the row that ends the table. Pure, like learn.ts.
 */
import type { OrderLine } from '../domain/order.ts';
import type { Word } from '../domain/page.ts';
import { type LineCodes, near, numberOf } from './learn.ts';
import type { ColumnRule, LearnedColumn, TableRule } from './model.ts';
import { canonicalUnit } from '../validate/line-checks.ts';
import { fold, labelToken, type Row, trimmed } from './words.ts';

/** A printed unit word that names the unit (`un.`, `UD` for EA), as master data's aliases have it. */
const sameUnitWord = (printed: string, unit: string) =>
  /\p{L}/u.test(printed) && canonicalUnit(trimmed(printed)) === canonicalUnit(unit);

export interface TableFound {
  rule: TableRule;
  lineRows: number[];
  lastRow: number;
  ignore: string[];
}

export function learnTable(
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
    // A line the person confirmed without a unit is in its article's catalog unit: the unit word
    // printed for it is learned only where it is that unit (`un.` for EA), not any short word.
    const catalog = line.unit === null ? (codes[n]?.unit ?? null) : null;
    const unitOf = catalog ?? line.unit;
    for (let i = from; i < rows.length; i++) {
      const found = pickCells(rows[i]!.words, { ...line, unit: unitOf }, format, codes[n]);
      if (catalog && found.pick.unit && !sameUnitWord(found.pick.unit[0]!.text, catalog))
        delete found.pick.unit;
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
    if (printed && unitOf && fold(printed) !== fold(unitOf)) units.set(fold(printed), unitOf);
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
  // On a tie, the customer's own code (then the SKU, then the GTIN), the order the cells are looked for.
  const rank = (f: TableRule['code']) => ['customerRef', 'sku', 'gtin'].indexOf(f ?? '');
  const codeField = [...counts].sort((a, b) => b[1] - a[1] || rank(a[0]) - rank(b[0]))[0]?.[0] ?? null;
  picks.forEach((p, i) => {
    if (fields[i] !== codeField) delete p.code;
  });
  const first = rows[lineRows[0]!]!;
  const columns: ColumnRule[] = [];
  for (const column of ['code', 'description', 'quantity', 'unit', 'price', 'amount'] as const) {
    const found = picks.flatMap((p, i) => {
      const ws = p[column];
      if (!ws) return [];
      const r = rows[lineRows[i]!]!;
      const center = ws.reduce((c, w) => c + (w.x + w.w / 2) / r.width, 0) / ws.length;
      return [{ ws, r, center }];
    });
    // A value found elsewhere on its row (a quantity of 50 in `Cinta 50 m`, OCR having lost the one in
    // its column) would stretch the column over the description: with three lines or more, a pick far
    // from where most of them stand is left out.
    const centers = found.map((f) => f.center).sort((a, b) => a - b);
    const median = centers[Math.floor(centers.length / 2)] ?? 0;
    const kept =
      column === 'description' || found.length < 3
        ? found
        : found.filter((f) => Math.abs(f.center - median) <= 0.06);
    const spans = kept.flatMap((f) => f.ws.map((w) => ({ w, r: f.r })));
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
  // Nor the last line's description wrapped onto the rows under it (`calidad industrial, embalaje`).
  const endRow = rows.slice(lastRow + 1).find((r) => {
    const lead = leadOf(r);
    return lead !== null && !ignore.has(lead) && !described.has(lead);
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
  const priced = (k: number) =>
    valued(line.unitPrice === null ? null : Math.round(line.unitPrice * k * 1e6) / 1e6).at(-1);
  take('price', priced(1));
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
  // Else the price as printed per 100 or per 1000 (`P. x 100`: 502,93 for 5.0293), once the quantity
  // has its word (0.1 per 1000 is 100, which may be the quantity).
  let per = 1;
  for (const k of [100, 1000]) {
    const w = pick.price ? undefined : priced(k);
    if (!w) continue;
    take('price', w);
    per = k;
  }
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
