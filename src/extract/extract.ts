/** Pages of words -> one extracted order: header, table, evidence, cross-checks and confidence. */
import { notOrderTitle, titleNumber } from './doc-kind.ts';
import {
  type CustomerEvidence,
  emptyEvidence,
  type ExtractOutcome,
  type FieldMeta,
} from '../domain/extraction.ts';
import { isSecondaryField, LOW_CONFIDENCE } from '../domain/confidence.ts';
import { type Finding, finding } from '../domain/findings.ts';
import { type CanonicalOrder, emptyOrder } from '../domain/order.ts';
import type { Page } from '../domain/page.ts';
import { type DateOrder, dateAtStart, dateOrderOf, pageYear, yearSlip } from './dates.ts';
import {
  findCompanyName,
  findCurrency,
  findEmail,
  findFax,
  findPhones,
  findTaxId,
  findTaxIds,
} from './evidence.ts';
import { type HeaderReadings, readHeader } from './header.ts';
import { bare, groupLines, type TextLine } from './layout.ts';
import { FOUND_BY, lower, metaOf, type Reading, raise, reading, round3 } from './meta.ts';
import { detectNumberFormat, type NumberFormat } from './numbers.ts';
import {
  arithmeticAgrees,
  groupedQuantities,
  lostDecimalQuantities,
  type LineReading,
  readRows,
} from './rows.ts';
import { arithmeticRows } from './arithmetic-rows.ts';
import { findTable, type Table } from './table.ts';
import { checkTotal, chooseTotal } from './totals.ts';
import {
  codeShaped,
  proseDeliveryDate,
  proseLines,
  proseOrderDate,
  prosePoNumber,
  unreadListItems,
} from './prose.ts';
import { strayDate, unreadRows, witnessesAgree } from './self-witness.ts';
import { applyTemplate, matchTemplate, type Template } from './templates.ts';

/** What the channel knows about the sender, used as customer evidence beside the document's own. */
export interface ExtractHints {
  fax?: string | null;
  email?: string | null;
}

export interface ExtractOptions {
  templates?: Template[];
  hints?: ExtractHints;
}

export { LOW_CONFIDENCE };
/**
 * The most the generic extractor may claim for a whole order: a layout no template describes is
 * read by guesswork, so it goes to a person (above it only template-read orders are accepted).
 */
export const GENERIC_CAP = 0.85;

const NUMERIC_TOKEN = /\d/;

function documentFormats(
  lines: TextLine[],
  template: Template | null,
): { format: NumberFormat; order: DateOrder } {
  const tokens = lines.flatMap((l) => l.words.map((w) => w.text)).filter((t) => NUMERIC_TOKEN.test(t));
  const format = template?.numberFormat ?? detectNumberFormat(tokens);
  if (template?.dateFormat) return { format, order: dateOrderOf(template.dateFormat) };
  // Month-first only where the document looks American: US number format and dollars.
  const dollars = lines.some((l) => /\$|\bUSD\b/.test(l.text));
  return { format, order: format === 'us' && dollars ? 'mdy' : 'dmy' };
}

function rejected(
  code: 'not_an_order' | 'unreadable_document',
  message: string,
  pages: Page[],
): ExtractOutcome {
  const severity = 'error';
  return { kind: 'rejected', findings: [finding(code, severity, null, message)], pages };
}

/**
 * Reads the order held by a document's pages. A matching template's fields win over the generic
 * vocabulary; without one the generic extractor reads it with confidence capped at GENERIC_CAP.
 * A document with neither a PO-like label nor a line table is `not_an_order`.
 */
export function extractOrders(pages: Page[], opts: ExtractOptions = {}): ExtractOutcome {
  const lines = groupLines(pages);
  if (lines.length === 0)
    return rejected('unreadable_document', `no text found on ${pages.length} page(s)`, pages);
  const template = matchTemplate(lines, opts.templates ?? [], opts.hints ?? {});
  const titledAs = template ? null : notOrderTitle(lines);
  if (titledAs) {
    const article = /^[aeiou]/.test(titledAs.kind) ? 'an' : 'a';
    const what = `the document is titled "${titledAs.title}": ${article} ${titledAs.kind}, not a purchase order`;
    return rejected('not_an_order', what, pages);
  }
  const { format, order: dateOrder } = documentFormats(lines, template);
  // A template whose table description no longer fits the layout still gets the generic table.
  const table = findTable(lines, template?.tableHints ?? {}) ?? (template ? findTable(lines) : null);
  const header: HeaderReadings = readHeader(lines, rowLines(table), format, dateOrder, table?.headerLines);
  if (template) applyTemplate(template, lines, header, format, dateOrder);
  // Prose (a typed e-mail, a letter): the number after "pedido", the date after "entrega".
  header.poNumber ??= titleNumber(lines) ?? prosePoNumber(lines);
  header.deliveryDate ??= proseDeliveryDate(lines, dateOrder);
  // "notre commande PC26/3526 du 21-11-2026": a sentence's date beats a letter's date line.
  header.orderDate ??= proseOrderDate(lines, dateOrder) ?? header.letterDate;
  if (pages.some((p) => p.source === 'ocr')) mendYears(header, lines);
  const lineReadings = chooseRows(table, lines, format);
  if (!header.poLabelSeen && header.poNumber === null && lineReadings.length === 0) {
    const what = `no purchase order found: no PO number label and no line table in ${lines.length} text lines`;
    return rejected('not_an_order', what, pages);
  }
  const order = emptyOrder();
  const readings = headerFields(order, header, lines, template);
  lineReadings.forEach(({ line, readings: lr }, i) => {
    order.lines.push(line);
    for (const [f, r] of Object.entries(lr)) readings.set(`lines[${i}].${f}`, r);
  });
  chooseTotal(order, readings, header, lines, format);
  checkTotal(order, readings, header.subtotal);
  const evidence = evidenceOf(order, lines, opts.hints ?? {}, header.taxIds);
  const fieldMeta: Record<string, FieldMeta> = {};
  for (const [path, r] of readings) fieldMeta[path] = metaOf(r);
  const findings = lowConfidence(readings, order);
  if (order.deliveryDate === null && header.deliveryUnread !== null) {
    // A delivery date is printed and was not made out: the order must not pass without it.
    const msg = `deliveryDate: the delivery label is followed by "${header.deliveryUnread}", which read as no date`;
    findings.push(finding('missing_field', 'warning', 'deliveryDate', msg));
  } else if (order.deliveryDate === null && !header.deliveryOpen) {
    // No delivery date read and none said to be open ("a convenir"), yet the page prints a date
    // that is not the order date: it may be the delivery date under a label no vocabulary knows.
    const stray = strayDate(lines, rowLines(table), dateOrder, order.orderDate);
    if (stray) {
      const msg = `deliveryDate: none read, but the document also prints the date "${stray}", which may be it`;
      findings.push(finding('missing_field', 'warning', 'deliveryDate', msg));
    }
  }
  // Typed, and every line that looks like an article was read as one (nothing left out unseen).
  const typed = pages.every((p) => p.source === 'text-layer');
  const complete = typed && unreadListItems(lines, format) === 0 && unreadRows(table, lines) === 0;
  const agree = template !== null || witnessesAgree(order, readings, header, complete, lines);
  const cap = confidenceCap(order, agree);
  const headerVouches =
    !agree && cap === GENERIC_CAP && !!header.poNumber && order.orderDate !== null && readings.has('total');
  const confidence = orderConfidence(order, readings, cap);
  return {
    kind: 'orders',
    findings: [],
    pages,
    orders: [
      {
        order,
        evidence,
        fieldMeta,
        findings,
        confidence,
        confidenceCap: cap,
        ...(headerVouches ? { headerVouches } : {}),
        sourceText: lines.map((l) => l.text).join('\n'),
        ...(order.poNumber === null ? { poCandidates: poCandidates(lines, rowLines(table)) } : {}),
        reference: template ? `template ${template.customer} (${template.file})` : null,
      },
    ],
  };
}

/**
 * The order lines: the table's rows, unless more lines close their arithmetic (quantity x price =
 * amount) when read without its header (a header OCR lost, columns no vocabulary names); without
 * either, the article lines of a prose order.
 */
/**
 * OCR'd dates whose year is one look-alike digit from the year the page's other dates are written
 * in ("2028-11-13" among 2026 dates) take the page's year, at a lowered confidence.
 */
function mendYears(header: HeaderReadings, lines: TextLine[]): void {
  const year = pageYear(lines.map((l) => l.text));
  if (year === null) return;
  for (const field of ['orderDate', 'deliveryDate', 'letterDate'] as const) {
    const r = header[field];
    const mended = r ? yearSlip(r.value, year) : null;
    if (r && mended)
      header[field] = {
        ...r,
        value: mended,
        confidence: lower(r.confidence),
        note: `year read as ${r.value.slice(0, 4)}`,
      };
  }
}

function chooseRows(table: Table | null, lines: TextLine[], format: NumberFormat): LineReading[] {
  const chosen = rowsOf(table, lines, format);
  groupedQuantities(chosen);
  lostDecimalQuantities(chosen);
  return chosen;
}

function rowsOf(table: Table | null, lines: TextLine[], format: NumberFormat): LineReading[] {
  const fromTable = table && table.rows.length > 0 ? readRows(table.rows, format) : [];
  const closing = fromTable.filter((r) => arithmeticAgrees(r.line) === true).length;
  const byArithmetic = arithmeticRows(lines, format);
  const prose = fromTable.length === 0 ? proseLines(lines, new Set(), format) : [];
  if (byArithmetic.length > closing && byArithmetic.length >= fromTable.length) {
    // A listed order closes no arithmetic of its own, and a figure in one description may happen
    // to: the list wins when it reads more lines.
    return prose.length > byArithmetic.length ? prose : byArithmetic;
  }
  return fromTable.length > 0 ? fromTable : prose;
}

/** Most candidates a document offers for its unlabelled PO number. */
const MAX_PO_CANDIDATES = 40;

/** The code-shaped words outside the line table (not dates): where an unlabelled PO number is. */
function poCandidates(lines: TextLine[], rows: Set<number>): Array<{ value: string; meta: FieldMeta }> {
  const out: Array<{ value: string; meta: FieldMeta }> = [];
  for (const line of lines) {
    if (rows.has(line.index)) continue;
    for (const w of line.words) {
      const value = bare(w.text);
      if (!codeShaped(value) || dateAtStart([value]) !== null) continue;
      out.push({ value, meta: metaOf(reading(value, [w], line.page, FOUND_BY.pattern)) });
      if (out.length >= MAX_PO_CANDIDATES) return out;
    }
  }
  return out;
}

/** The table's lines the header search skips: its rows, not its header lines (read left of the table). */
function rowLines(table: Table | null): Set<number> {
  if (!table) return new Set();
  return new Set([...table.lineIndexes].filter((i) => !table.headerLines.has(i)));
}

/** Fills the order's header and customer from the readings; returns them keyed by canonical path. */
function headerFields(
  order: CanonicalOrder,
  header: HeaderReadings,
  lines: TextLine[],
  template: Template | null,
): Map<string, Reading<unknown>> {
  const readings = new Map<string, Reading<unknown>>();
  const put = <T>(path: string, r: Reading<T> | null, assign: (v: T) => void) => {
    if (!r) return;
    assign(r.value);
    readings.set(path, r);
  };
  put('poNumber', header.poNumber, (v) => (order.poNumber = v));
  put('orderDate', header.orderDate, (v) => (order.orderDate = v));
  put('deliveryDate', header.deliveryDate, (v) => (order.deliveryDate = v));
  put('total', header.total, (v) => (order.total = v));
  const currency = findCurrency(lines) ?? template?.currencyReading ?? null;
  if (currency && template?.currency === currency.value) currency.confidence = raise(currency.confidence);
  put('currency', currency, (v) => (order.currency = v));
  // A labelled tax id may be the supplier's (ours); the pattern search skips the supplier's block.
  const found = findTaxId(lines);
  const taxId = header.taxId && found?.value === header.taxId.value ? header.taxId : (found ?? header.taxId);
  put('customer.taxId', taxId, (v) => (order.customer.taxId = v));
  put('customer.name', header.customerName ?? findCompanyName(lines), (v) => (order.customer.name = v));
  if (template) order.customer.id = template.customer;
  return readings;
}

function evidenceOf(
  order: CanonicalOrder,
  lines: TextLine[],
  hints: ExtractHints,
  labelled: string[],
): CustomerEvidence {
  const e = emptyEvidence();
  e.taxId = order.customer.taxId;
  e.otherTaxIds = [...new Set([...labelled, ...findTaxIds(lines)])].filter((t) => t !== e.taxId);
  e.name = order.customer.name;
  // The channel's sender is who actually sent it; the document's own contact lines come second.
  e.email = hints.email ?? findEmail(lines);
  e.fax = hints.fax ?? findFax(lines);
  e.otherFaxes = findPhones(lines).filter((f) => f !== e.fax);
  return e;
}

function lowConfidence(readings: Map<string, Reading<unknown>>, order: CanonicalOrder): Finding[] {
  const out: Finding[] = [];
  for (const [path, r] of readings) {
    if (r.confidence >= LOW_CONFIDENCE) continue;
    const read = r.words.map((w) => w.text).join(' ');
    const note = r.note ? `, ${r.note}` : '';
    const msg = `${path} read as "${read}" with confidence ${round3(r.confidence).toFixed(2)}${note}`;
    out.push(finding('low_confidence', isSecondaryField(path, order) ? 'info' : 'warning', path, msg));
  }
  return [...out, ...gapsInColumns(order)];
}

/**
 * A price or amount that other lines of the same table have but this line lacks was in the
 * document and went unread (a smudge, a speck on the cell): the order must not pass without it.
 */
function gapsInColumns(order: CanonicalOrder): Finding[] {
  const out: Finding[] = [];
  for (const key of ['unitPrice', 'amount'] as const) {
    const have = order.lines.filter((l) => l[key] !== null).length;
    if (have === 0 || have === order.lines.length) continue;
    order.lines.forEach((l, i) => {
      if (l[key] !== null) return;
      const msg = `lines[${i}].${key} could not be read, though the other lines have one`;
      out.push(finding('low_confidence', 'warning', `lines[${i}].${key}`, msg));
    });
  }
  return out;
}

function hasColumnGaps(order: CanonicalOrder): boolean {
  return gapsInColumns(order).length > 0;
}

/**
 * What limits the order's confidence besides its fields' readings: a missing PO number, an order
 * with no lines, an unread quantity or price count as 0.5, and without a template the whole is
 * capped at GENERIC_CAP.
 */
function confidenceCap(order: CanonicalOrder, templated: boolean): number {
  let c = 1;
  if (order.poNumber === null || order.lines.length === 0) c = Math.min(c, 0.5);
  if (order.lines.some((l) => l.quantity === null) || hasColumnGaps(order)) c = Math.min(c, 0.5);
  if (!templated) c = Math.min(c, GENERIC_CAP);
  return c;
}

/** The weakest reading of the order decides (secondary fields aside), under its cap. */
function orderConfidence(
  order: CanonicalOrder,
  readings: Map<string, Reading<unknown>>,
  cap: number,
): number {
  let c = cap;
  for (const [path, r] of readings) if (!isSecondaryField(path, order)) c = Math.min(c, r.confidence);
  return round3(c);
}
