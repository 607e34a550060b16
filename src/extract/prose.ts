/**
 * Orders written as prose rather than as a form: an e-mail body or a letter that says "os paso
 * pedido V-004130 ... entrega el 13/11/2026" and lists its articles one per line ("- 8 rollos
 * CAB-10015/AV Cable ... a 21,90 €"). Used where the form reader found no label or no table.
 */
import type { Word } from '../domain/page.ts';
import { emptyLine } from '../domain/order.ts';
import { type DateOrder, dateAtStart } from './dates.ts';
import { numberIn } from './header.ts';
import { bare, normalise, type TextLine } from './layout.ts';
import { FOUND_BY, type Reading, reading } from './meta.ts';
import { type NumberFormat, parseNumber } from './numbers.ts';
import type { LineReading } from './rows.ts';

/** Words that name the document itself, in the six languages: a code right after one is its number. */
const ORDER_WORDS = new Set(
  'pedido pedidos encomenda order po commande bestellung bestellnummer auftrag ordine ordinativo oc'.split(
    ' ',
  ),
);
/** Words that say a date is the delivery date: "entrega el", "livraison le", "delivery by". */
const DELIVERY_WORDS = new Set(
  'entrega entregar entregas livraison livrer delivery deliver required lieferung liefertermin liefern anlieferung consegna consegnare prazo'.split(
    ' ',
  ),
);

/** A document or article code: letters or separators with digits, 4+ characters, not a plain amount. */
export function codeShaped(text: string): boolean {
  const t = bare(text);
  if (t.length < 4 || !/\d/.test(t)) return false;
  if (/^\d{1,3}([.,]\d{3})*([.,]\d{1,3})?$/.test(t)) return false;
  return /[\p{L}/_-]/u.test(t) || /^\d{6,}$/.test(t);
}

/** "pedido V-004130", "encomenda ENC-11874", "order no. SME-26-0671": the order's number in a sentence. */
export function prosePoNumber(lines: TextLine[]): Reading<string> | null {
  for (const line of lines) {
    const ws = line.words;
    for (let i = 0; i < ws.length; i++) {
      if (!ORDER_WORDS.has(normalise(ws[i]!.text))) continue;
      // Up to two words between: "nº", "number", "de compra".
      for (let j = i + 1; j <= Math.min(ws.length - 1, i + 3); j++) {
        const w = ws[j]!;
        if (codeShaped(w.text) && dateAtStart([bare(w.text)]) === null) {
          return reading(bare(w.text), [w], line.page, FOUND_BY.pattern);
        }
        if (/\d/.test(w.text)) break;
      }
    }
  }
  return null;
}

/** "entrega como muy tarde el 13/11/2026", "livraison le 12 novembre 2026": a date a few words after a delivery word. */
export function proseDeliveryDate(lines: TextLine[], order: DateOrder): Reading<string> | null {
  for (const line of lines) {
    const ws = line.words;
    for (let i = 0; i < ws.length; i++) {
      if (!DELIVERY_WORDS.has(normalise(ws[i]!.text))) continue;
      // "Delivery: to our stores in Raheen by Monday, 9th November 2026": a few words may come first.
      for (let j = i + 1; j <= Math.min(ws.length - 1, i + 10); j++) {
        const d = dateAtStart(
          ws.slice(j).map((w) => w.text),
          order,
        );
        if (d) return reading(d.iso, ws.slice(j, j + d.count), line.page, FOUND_BY.pattern);
      }
    }
  }
  return null;
}

const UNIT_WORD = /^\p{L}{1,9}\.?$/u;
const PRICE_LEAD = /^(a|à|@|at|zu|je|por|per|x|un|le|the|each|p\.u\.|pu)$/i;

/** After the description, a number with its unit ("600 Stk", "500 PZ"): the quantity of a listed line. */
function quantityWithUnit(words: Word[], format: NumberFormat): Word | undefined {
  for (let i = words.length - 2; i >= 0; i--) {
    const n = parseNumber(bare(words[i]!.text), format);
    if (n !== null && n > 0 && UNIT_WORD.test(words[i + 1]!.text) && !PRICE_LEAD.test(words[i + 1]!.text)) {
      return words[i];
    }
  }
  return undefined;
}

/**
 * One article line in prose: a quantity (with or without its unit) and a code near the start,
 * the description after it, and the price at the end when one is written.
 * "- 8 rollos CAB-10015/AV Cable H07V-K 1,5 mm² a 21,90 €", "CAB-10015/AV x 8", "8 x CAB-10015".
 */
function proseLine(line: TextLine, lineNo: number, format: NumberFormat): LineReading | null {
  const ws = line.words.filter((w) => !/^[-*•·–—>]$/.test(w.text));
  if (ws.length < 2 || ws.length > 40) return null;
  const codeAt = ws.slice(0, 5).findIndex((w) => codeShaped(w.text));
  if (codeAt === -1) return null;
  const code = ws[codeAt]!;
  // "1. 8437… Nitrilhandschuh 600 Stk": a numbered list's "1." is no quantity.
  const listMark = /^\d{1,3}[.)]$/.test(ws[0]!.text) ? ws[0] : undefined;
  const qtyBefore = ws
    .slice(0, codeAt)
    .find((w) => w !== listMark && parseNumber(bare(w.text), format) !== null);
  const after = ws.slice(codeAt + 1);
  const xQty = /^x$/i.test(after[0]?.text ?? '') ? after[1] : undefined;
  const qtyWord = qtyBefore ?? xQty ?? (listMark ? quantityWithUnit(after, format) : undefined);
  const quantity = qtyWord ? parseNumber(bare(qtyWord.text).replace(/^x/i, ''), format) : null;
  if (quantity === null || quantity <= 0) return null;
  const trailing = qtyWord !== undefined && after.includes(qtyWord) && qtyWord !== xQty;
  const unitWord = trailing
    ? after[after.indexOf(qtyWord) + 1]
    : ws.slice(0, codeAt).find((w) => w !== qtyWord && UNIT_WORD.test(w.text) && !/^x$/i.test(w.text));
  // The price: the last number on the line, when a price word or a currency sign marks it.
  let price: { value: number; words: Word[] } | null = null;
  const rest = xQty ? after.slice(2) : after;
  for (let k = rest.length - 1; k > 0; k--) {
    const lead = rest[k - 1]!.text;
    const tail = rest
      .slice(k + 1)
      .map((w) => w.text)
      .join(' ');
    const marked =
      PRICE_LEAD.test(lead) || /^(€|eur|usd|\$|£|gbp)/i.test(tail) || /[€$£]/.test(rest[k]!.text);
    if (!marked) continue;
    price = numberIn(rest.slice(k), format);
    if (price) break;
  }
  const priceAt = price ? rest.indexOf(price.words[0]!) - 1 : rest.length;
  const descEnd = trailing ? Math.min(priceAt, rest.indexOf(qtyWord)) : priceAt;
  const descWords = rest
    .slice(0, Math.max(0, descEnd))
    .filter((w) => !PRICE_LEAD.test(w.text) || w.text.length > 2);
  const l = emptyLine(lineNo);
  const readings: LineReading['readings'] = {};
  const page = line.page;
  l.customerRef = bare(code.text);
  readings.customerRef = reading(l.customerRef, [code], page, FOUND_BY.pattern);
  l.quantity = quantity;
  readings.quantity = reading(quantity, [qtyWord!], page, FOUND_BY.pattern);
  if (unitWord) {
    l.unit = bare(unitWord.text);
    readings.unit = reading(l.unit, [unitWord], page, FOUND_BY.pattern);
  }
  if (descWords.length > 0) {
    l.description = descWords.map((w) => w.text).join(' ');
    readings.description = reading(l.description, descWords, page, FOUND_BY.pattern);
  }
  if (price) {
    l.unitPrice = price.value;
    readings.unitPrice = reading(price.value, price.words, page, FOUND_BY.pattern);
  }
  return { line: l, readings };
}

/**
 * The article lines of a prose order: consecutive lines (a blank line may separate them) that
 * each read as one article. A single such line amid text counts too: "Necesito 20 cajas de
 * CON-80303" is an order of one line.
 */
export function proseLines(lines: TextLine[], skip: Set<number>, format: NumberFormat): LineReading[] {
  const out: LineReading[] = [];
  for (const line of lines) {
    if (skip.has(line.index)) continue;
    const r = proseLine(line, out.length + 1, format);
    if (r) out.push(r);
  }
  return out;
}
