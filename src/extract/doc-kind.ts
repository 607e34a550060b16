/**
 * What kind of business document a page is titled as. Invoices, quotations, delivery notes and
 * order confirmations quote an order number too ("Your order: 4500123"), so a PO label alone does
 * not make an order; their title does. A document titled as one of those, and nowhere as an
 * order, is `not_an_order` with its title in words, instead of waiting for a person in review.
 */
import type { Word } from '../domain/page.ts';
import { dateAtStart } from './dates.ts';
import { bare, cellsOf, normalise, type TextLine } from './layout.ts';
import { FOUND_BY, type Reading, reading } from './meta.ts';
import { codeShaped } from './prose.ts';

/** Word lists written as `a|b|c` runs, several runs a list. */
function words(...runs: string[]): string[] {
  return runs.flatMap((r) => r.split('|'));
}

/** Titles of documents that are not purchase orders, in the six languages (normalised forms). */
const NOT_ORDER_TITLES: Record<string, string[]> = {
  invoice: words(
    'invoice|tax invoice|commercial invoice|proforma invoice|pro forma invoice|copy invoice|retail invoice',
    'factura|factura proforma|factura simplificada|facture|facture proforma|rechnung|proformarechnung',
    'fattura|fattura proforma|fatura|fatura recibo|factuur|kopie factuur|bill',
  ),
  'credit note': words(
    'credit note|credit memo|nota de credito|factura rectificativa|abono|avoir|gutschrift',
    'nota di credito|nota credito|creditnota',
  ),
  quotation: words(
    'quotation|quote|sales quote|presupuesto|oferta|cotizacion|devis|angebot|offerta|preventivo',
    'orcamento|proposta|offerte',
  ),
  'delivery note': words(
    'delivery note|packing list|packing slip|albaran|albaran de entrega|nota de entrega|bon de livraison',
    'lieferschein|documento di trasporto|ddt|guia de remessa|pakbon',
  ),
  'order confirmation': words(
    'order confirmation|order acknowledgement|order acknowledgment|sales order confirmation',
    'confirmacion de pedido|confirmation de commande|accuse de reception de commande',
    'auftragsbestatigung|bestellbestatigung|conferma d ordine|conferma ordine|confirmacao de encomenda',
    'orderbevestiging',
  ),
  receipt: words('receipt|payment receipt|recibo|recu|quittung|ricevuta|kwitantie'),
  statement: words('statement|statement of account|extracto de cuenta|releve de compte|kontoauszug'),
  'payment reminder': words('payment reminder|reminder|recordatorio de pago|relance|mahnung|sollecito'),
};

/**
 * Titles that make a document an order, whatever else it prints. The one-word ones count only
 * alone: an invoice quotes "Order No. 4711" or "Pedido 123" as its reference.
 */
const ORDER_TITLES = words(
  'purchase order|orden de compra|pedido de compra|nota de pedido|hoja de pedido|bon de commande',
  'commande fournisseur|bestellung|ordine d acquisto|ordine di acquisto|ordine fornitore|nota d ordine',
  'nota de encomenda|encomenda a fornecedor|pedido de encomenda|inkooporder|bestelling|bestelbon',
);
const ORDER_WORDS = ['order', 'po', 'pedido', 'commande', 'auftrag', 'ordine', 'encomenda'];

/** Words that may follow a title: its number sign, "number", a date word. */
const NUMBER_WORDS = new Set([
  'no',
  'nr',
  'n',
  'num',
  'numero',
  'number',
  'nummer',
  'ref',
  'de',
  'du',
  'del',
  'vom',
]);

/**
 * True when the cell is the title `title` alone, or followed by its number ("Invoice No. 1234").
 * A colon right after it makes it a label ("Quote: 55" on an order quotes the supplier's offer).
 */
function titled(cellText: string, title: string): boolean {
  if (cellText.includes(':') && normalise(cellText.split(':')[0]!) === title) return false;
  const tokens = normalise(cellText)
    .split(' ')
    .filter((t) => t !== '');
  const want = title.split(' ');
  if (tokens.length < want.length || !want.every((t, i) => tokens[i] === t)) return false;
  const rest = tokens.slice(want.length);
  if (rest.length === 0) return true;
  // The tail must be a number (with its sign): "Invoice address", "Factura a:" are not titles.
  return (
    rest.length <= 5 &&
    rest.some((t) => /\d/.test(t)) &&
    rest.every((t) => /\d/.test(t) || NUMBER_WORDS.has(t))
  );
}

/** How far down the first page a title is looked for: the first lines, before any table. */
const TITLE_LINES = 18;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/**
 * The kind of non-order document the first page is titled as (`invoice`, `quotation`, ...), or
 * null when it is titled as an order, or not titled as anything this knows.
 */
export function notOrderTitle(lines: TextLine[]): { kind: string; title: string } | null {
  const page = lines.filter((l) => l.page === lines[0]?.page);
  const height = median(page.flatMap((l) => l.words.map((w) => w.h)));
  let found: { kind: string; title: string } | null = null;
  for (const line of page.slice(0, TITLE_LINES)) {
    const cells = cellsOf(line.words);
    for (const c of cells) {
      if (ORDER_TITLES.some((t) => titled(c.text, t))) return null;
      if (ORDER_WORDS.some((t) => normalise(c.text) === t)) return null;
      // A title stands alone on its line or is printed larger than the text around it.
      const big = median(c.words.map((w) => w.h)) >= 1.3 * height;
      if (found || (cells.length > 1 && !big)) continue;
      for (const [kind, titles] of Object.entries(NOT_ORDER_TITLES)) {
        if (titles.some((t) => titled(c.text, t))) {
          found = { kind, title: c.text.trim().replace(/\s+/g, ' ') };
          break;
        }
      }
    }
  }
  return found;
}

/** A number sign between a title and its number: "N.", "Nº" (OCR loses the º), "No", "#", "Nr". */
const NUMBER_SIGNS = new Set(['n', 'no', 'nr', 'num', 'numero', 'number', 'nummer', '']);

/**
 * The number printed with the order's title when no label names it: "ENCOMENDA A FORNECEDOR" over
 * "N. ENC-11875", "PURCHASE ORDER # 4500123". Only a code shaped like a document number (letters or
 * separators with digits, or six digits and more) right after the title or under it counts.
 */
export function titleNumber(lines: TextLine[]): Reading<string> | null {
  const page = lines.filter((l) => l.page === lines[0]?.page).slice(0, TITLE_LINES + 10);
  for (const [i, line] of page.entries()) {
    for (const c of cellsOf(line.words)) {
      const text = normalise(c.text);
      const title = ORDER_TITLES.find((t) => text === t || text.startsWith(`${t} `));
      const word = title ?? ORDER_WORDS.find((t) => text === t || text.startsWith(`${t} `));
      if (!word) continue;
      // What follows the title's words on its line, else the next line's first words.
      const titleWords = word.split(' ').length;
      let seen = 0;
      const after = line.words.filter((w) => w.x >= c.x0).filter(() => seen++ >= titleWords);
      const same = numberAfterSign(after, line.page, false);
      if (same) return same;
      // Under the title only after a number sign, and only under a title that stands alone.
      const alone = cellsOf(line.words).length === 1;
      const below = alone ? numberAfterSign(page[i + 1]?.words ?? [], line.page, true) : null;
      if (below) return below;
    }
  }
  return null;
}

function numberAfterSign(ws: Word[], page: number, signed: boolean): Reading<string> | null {
  for (let j = 0; j < Math.min(ws.length, 3); j++) {
    const w = ws[j]!;
    if ((!signed || j > 0) && codeShaped(w.text) && dateAtStart([w.text]) === null) {
      return reading(bare(w.text), [w], page, FOUND_BY.pattern);
    }
    if (!NUMBER_SIGNS.has(normalise(w.text))) return null;
  }
  return null;
}
