/**
 * Orders written as prose rather than as a form: an e-mail body or a letter that says "os paso
 * pedido V-004130 ... entrega el 13/11/2026" and lists its articles one per line ("- 8 rollos
 * CAB-10015/AV Cable ... a 21,90 €"). Used where the form reader found no label or no table.
 */
import type { Word } from '../domain/page.ts';
import { emptyLine } from '../domain/order.ts';
import { type DateOrder, dateAtStart } from './dates.ts';
import { numberIn } from './header.ts';
import { bare, charWidth, normalise, type TextLine } from './layout.ts';
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

/**
 * A material number printed in dotted groups (`40.669.635`, Swiss and German ERPs): three or more
 * groups with no decimal part. As a number it would be tens of millions, which no order line
 * holds, so on an article line it is a code.
 */
export function dottedCode(text: string): boolean {
  return /^\d{2,3}(\.\d{3}){2,}$/.test(bare(text));
}

/** A document or article code: letters or separators with digits, 4+ characters, not a plain amount. */
export function codeShaped(text: string): boolean {
  const t = bare(text);
  if (t.length < 4 || !/\d/.test(t)) return false;
  if (dottedCode(t)) return true;
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

/**
 * "veuillez trouver notre commande PC26/3526 du 21-11-2026", "segue a nossa encomenda X de
 * 06/12/2026": the date a few words after the word that names the order, in the same sentence,
 * read as the order date, unless a delivery word comes between.
 */
export function proseOrderDate(lines: TextLine[], order: DateOrder): Reading<string> | null {
  for (const line of lines) {
    const ws = line.words;
    const at = ws.findIndex((w) => ORDER_WORDS.has(normalise(w.text)));
    if (at === -1) continue;
    for (let j = at + 1; j <= Math.min(ws.length - 1, at + 6); j++) {
      if (DELIVERY_WORDS.has(normalise(ws[j]!.text))) break;
      const d = dateAtStart(
        ws.slice(j).map((w) => w.text),
        order,
      );
      if (d) return reading(d.iso, ws.slice(j, j + d.count), line.page, FOUND_BY.pattern);
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
/** A currency written as a word or sign: never a unit, and allowed between a price and its discount. */
const CURRENCY = /^(€|\$|£|eur|euro|euros|usd|gbp|chf)$/i;

/**
 * The first word of a signature's contact or identity line ("Fax: +39 02 3917645", "N° TVA: FR
 * 27…", "UID: CHE-…"): such a line holds a number and a code-like word but is no article.
 */
const CONTACT_LABEL =
  /^(fax|telefax|tel|tél|tlf|tfno|telf|telefone|telefono|teléfono|phone|mobile|móvil|movil|cell|e-?mail|iban|bic|swift|nif|cif|vat|tva|uid|ust|ust-?id|ust-?idnr|mwst|p\.?iva|partita|nipc|contribuinte|steuernr|siret|siren)$/i;

function contactLine(words: Word[]): boolean {
  const label = (w: Word | undefined) => CONTACT_LABEL.test(w?.text.replace(/[:.]+$/, '') ?? '');
  // "N° TVA : FR 27…": the number sign comes before the label.
  return label(words[0]) || (/^(n°|nº|no\.?)$/i.test(words[0]?.text ?? '') && label(words[1]));
}

/** The words inside parentheses: a description's "(… 50 mm x 25 m)" holds numbers that are no price. */
function parenthesised(words: Word[]): Set<Word> {
  const inside = new Set<Word>();
  let depth = 0;
  for (const w of words) {
    if (w.text.startsWith('(')) depth++;
    if (depth > 0) inside.add(w);
    if (w.text.endsWith(')')) depth = Math.max(0, depth - 1);
  }
  return inside;
}

/** "-10%", "-10 %", "dto. 10%" right after a price: the line's discount in percent, 0 when none. */
function discountAfter(words: Word[], format: NumberFormat): number {
  // "0.018 USD -15%", "8,80 € -15%": the currency may stand between the price and its discount.
  const from = words.findIndex((w) => !CURRENCY.test(w.text));
  const text = words
    .slice(Math.max(0, from), Math.max(0, from) + 3)
    .map((w) => w.text)
    .join(' ');
  const m = /^(?:-\s*|(?:dto|desc|rabatt|remise|sconto)\.?:?\s*-?\s*)(\d{1,2}(?:[.,]\d{1,2})?)\s*%/i.exec(
    text,
  );
  const d = m ? parseNumber(m[1]!, format) : null;
  return d !== null && d > 0 && d < 100 ? d : 0;
}
const PRICE_LEAD = /^(a|à|@|at|zu|je|por|per|x|un|le|the|each|p\.u\.|pu)$/i;

/** The words of a number printed in groups whose last group is `words[end]` ("5 000"). */
function groupEndingAt(words: Word[], end: number): Word[] {
  const cw = charWidth(words);
  // Groups stand one space apart: "DIN 125  100 PCE" is a standard's number, then a quantity.
  const near = (a: Word, b: Word) => b.x - (a.x + a.w) <= 1.5 * cw;
  let start = end;
  while (
    start > 0 &&
    /^\d{3}(?:[.,]\d+)?$/.test(words[start]!.text) &&
    /^\d{1,3}$/.test(words[start - 1]!.text) &&
    near(words[start - 1]!, words[start]!)
  ) {
    start--;
    if (!/^\d{3}$/.test(words[start]!.text)) break;
  }
  return words.slice(start, end + 1);
}

/** After the description, a number with its unit ("600 Stk", "500 PZ"): the quantity of a listed line. */
function quantityWithUnit(words: Word[], format: NumberFormat): Word | undefined {
  for (let i = words.length - 2; i >= 0; i--) {
    const n = parseNumber(bare(words[i]!.text), format);
    const unit = words[i + 1]!.text;
    // "1 000 U": a zero group is the tail of a grouped number, read whole by the caller.
    const tailGroup =
      n === 0 && i > 0 && /^\d{3}$/.test(words[i]!.text) && /^\d{1,3}$/.test(words[i - 1]!.text);
    if (
      n !== null &&
      (n > 0 || tailGroup) &&
      UNIT_WORD.test(unit) &&
      !PRICE_LEAD.test(unit) &&
      !CURRENCY.test(unit)
    ) {
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
  if (ws.length < 2 || ws.length > 40 || contactLine(ws)) return null;
  const codeAt = ws.slice(0, 5).findIndex((w) => codeShaped(w.text));
  if (codeAt === -1) return null;
  const code = ws[codeAt]!;
  // "1. 8437… Nitrilhandschuh 600 Stk": a numbered list's "1." is no quantity.
  const listMark = /^\d{1,3}[.)]$/.test(ws[0]!.text) ? ws[0] : undefined;
  const before = ws.slice(0, codeAt);
  const qtyAt = before.findIndex((w) => w !== listMark && parseNumber(bare(w.text), format) !== null);
  // "1 200 x …", "5 000,00 un. …": a quantity printed in groups spans several words.
  const grouped = qtyAt === -1 ? null : numberIn(before.slice(qtyAt), format);
  const qtyBefore = qtyAt === -1 ? undefined : before[qtyAt];
  const after = ws.slice(codeAt + 1);
  const xQty = /^x$/i.test(after[0]?.text ?? '') ? after[1] : undefined;
  const qtyWord = qtyBefore ?? xQty ?? (listMark ? quantityWithUnit(after, format) : undefined);
  const trailing = qtyWord !== undefined && after.includes(qtyWord) && qtyWord !== xQty;
  // "… 5 000 PCE" after the description: the groups before the last one belong to it too.
  const qtyGroup = trailing ? groupEndingAt(after, after.indexOf(qtyWord!)) : null;
  const quantity =
    grouped && qtyBefore
      ? grouped.value
      : qtyGroup
        ? parseNumber(qtyGroup.map((w) => w.text).join(' '), format)
        : qtyWord
          ? parseNumber(bare(qtyWord.text).replace(/^x/i, ''), format)
          : null;
  if (quantity === null || quantity <= 0) return null;
  const qtyWords = grouped && qtyBefore ? grouped.words : (qtyGroup ?? [qtyWord!]);
  const unitWord = trailing
    ? after[after.indexOf(qtyWord) + 1]
    : before.find(
        // "n. 20 pz.": the number sign before a quantity is no unit.
        (w) => !qtyWords.includes(w) && UNIT_WORD.test(w.text) && !/^(x|n|nr|no|nº|n°)\.?$/i.test(w.text),
      );
  // The price: the last number on the line, when a price word or a currency sign marks it.
  let price: { value: number; words: Word[] } | null = null;
  const rest = xQty ? after.slice(2) : after;
  const inParens = parenthesised(rest);
  for (let k = rest.length - 1; k >= 0; k--) {
    if (inParens.has(rest[k]!)) continue;
    const lead = rest[k - 1]?.text ?? '';
    const tail = rest
      .slice(k + 1)
      .map((w) => w.text)
      .join(' ');
    // "50 mm x 25 m": a dimension, not "x" before a price.
    const dimension =
      /^x$/i.test(lead) &&
      /^\p{L}{1,3}\.?$/u.test(rest[k + 1]?.text ?? '') &&
      !CURRENCY.test(rest[k + 1]!.text);
    const marked =
      !dimension &&
      (PRICE_LEAD.test(lead) || /^(€|eur|usd|\$|£|gbp)/i.test(tail) || /[€$£]/.test(rest[k]!.text));
    if (!marked) continue;
    // "£45.00/roll", "12,50 €/ud.": the price per unit, the unit after the slash.
    const perUnit = rest.slice(k).map((w) => ({ ...w, text: w.text.replace(/\/\p{L}+\.?$/u, '') }));
    price = numberIn(perUnit, format);
    if (price) price = { ...price, words: price.words.map((w) => rest[perUnit.indexOf(w) + k]!) };
    if (price) break;
  }
  const priceAt = price ? rest.indexOf(price.words[0]!) - 1 : rest.length;
  const descEnd = trailing ? Math.min(priceAt, rest.indexOf(qtyWords[0]!)) : priceAt;
  const descWords = rest
    .slice(0, Math.max(0, descEnd))
    .filter((w) => !PRICE_LEAD.test(w.text) || w.text.length > 2);
  const l = emptyLine(lineNo);
  const readings: LineReading['readings'] = {};
  const page = line.page;
  l.customerRef = bare(code.text);
  readings.customerRef = reading(l.customerRef, [code], page, FOUND_BY.pattern);
  l.quantity = quantity;
  readings.quantity = reading(quantity, qtyWords, page, FOUND_BY.pattern);
  if (unitWord) {
    l.unit = bare(unitWord.text);
    readings.unit = reading(l.unit, [unitWord], page, FOUND_BY.pattern);
  }
  if (descWords.length > 0) {
    l.description = descWords.map((w) => w.text).join(' ');
    readings.description = reading(l.description, descWords, page, FOUND_BY.pattern);
  }
  if (price) {
    // "a 0,031 -10%": the canonical unit price is the net one (CONTRACTS.md section 1).
    const lastPriceWord = price.words[price.words.length - 1]!;
    const discount = discountAfter(rest.slice(rest.indexOf(lastPriceWord) + 1), format);
    l.unitPrice = discount > 0 ? Math.round(price.value * (1 - discount / 100) * 1e6) / 1e6 : price.value;
    readings.unitPrice = reading(l.unitPrice, price.words, page, FOUND_BY.pattern);
  }
  return { line: l, readings };
}

/**
 * How many lines look like items of a list ("2. …", "- …", with a figure) yet read as no article:
 * an order that has no price to add up must not pass with one of its lines left out.
 */
export function unreadListItems(lines: TextLine[], format: NumberFormat): number {
  let n = 0;
  for (const line of lines) {
    const first = line.words[0]?.text ?? '';
    if (/^(\d{1,3}[.)]|[-*•·–—>])$/.test(first) && line.words.some((w, i) => i > 0 && /\d/.test(w.text))) {
      if (proseLine(line, 1, format) === null) n++;
    }
  }
  return n;
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
