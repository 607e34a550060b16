/** Who the customer is and which currency: patterns over the whole text (tax ids, e-mail, fax, signs). */
import type { Word } from '../domain/page.ts';
import { cellsOf, charWidth, type TextLine } from './layout.ts';
import { FOUND_BY, type Reading, reading } from './meta.ts';

const SPANISH_TAX_ID = /^(ES)?([ABCDEFGHJNPQRSUVW]\d{7}[0-9A-J]|\d{8}[A-Z]|[XYZ]\d{7}[A-Z])$/;
const EU_VAT =
  /^(AT|BE|BG|CY|CZ|DE|DK|EE|EL|FI|FR|GB|HR|HU|IE|IT|LT|LU|LV|MT|NL|PL|PT|RO|SE|SI|SK)[0-9A-Z]{8,12}$/;
const SUPPLIER =
  /\b(proveedor|supplier|vendor|suministrador|fornecedor|fournisseur|lieferant|fornitore|exmos|spett\.?le|messrs)\b/i;
const COMPANY =
  /\b(S\.?\s?L\.?(U\.?)?|S\.?\s?A\.?(U\.?)?|S\.?\s?COOP\.?|LTD\.?|LIMITED|INC\.?|GMBH|LLC|PLC|CORP\.?)$/i;
const EMAIL = /[\w.+-]+@[\w-]+(\.[\w-]+)+/;
const FAX = /\bfax\b\.?:?\s*((?:\+|00)?[\d][\d\s().-]{5,}\d)/i;

/** A word as a tax id (`B12345678`, `ESB-12345678`, `DE123456789`); null when it is not one. */
export function taxIdOf(text: string): string | null {
  const t = text.toUpperCase().replace(/[\s.-]/g, '');
  if (SPANISH_TAX_ID.test(t)) return t;
  return EU_VAT.test(t) && /\d{6}/.test(t) ? t : null;
}

const CUSTOMER_BLOCK = /\b(cliente|customer|comprador|buyer|facturar a|bill to|sold to|ship to)\b/i;

/**
 * True when the line sits in the supplier's (our) block: it or a line above it, within the same
 * block (no wide gap, no customer heading in between, three lines at most), names the supplier.
 */
export function supplierContext(lines: TextLine[], at: number, near?: Word): boolean {
  const line = lines[at]!;
  // Two blocks side by side share their lines: with a word given, only its own column counts.
  const own = near ? cellsOf(line.words).find((c) => c.words.includes(near)) : undefined;
  const textOf = (l: TextLine): string => {
    if (!own) return l.text;
    const slack = 2 * charWidth(l.words);
    return cellsOf(l.words)
      .filter((c) => c.x0 < own.x1 + slack && c.x1 > own.x0 - slack)
      .map((c) => c.text)
      .join(' ');
  };
  for (let i = at; i >= Math.max(0, at - 6); i--) {
    const l = lines[i]!;
    const below = lines[i + 1];
    if (l.page !== line.page) break;
    if (i < at && below && below.top - l.bottom > 1.5 * (l.bottom - l.top)) break;
    const text = textOf(l);
    if (SUPPLIER.test(text)) return true;
    if (CUSTOMER_BLOCK.test(text)) return false;
  }
  return false;
}

/** The buyer's tax id: the first in the document outside the supplier's block. */
export function findTaxId(lines: TextLine[]): Reading<string> | null {
  for (let at = 0; at < lines.length; at++) {
    const line = lines[at]!;
    for (const w of line.words) {
      const id = taxIdOf(w.text);
      if (id && !supplierContext(lines, at, w)) return reading(id, [w], line.page, FOUND_BY.pattern);
    }
  }
  return null;
}

/** Every tax id printed outside the supplier's block, in reading order, without repeats. */
export function findTaxIds(lines: TextLine[]): string[] {
  const out = new Set<string>();
  lines.forEach((line, at) => {
    for (const w of line.words) {
      const id = taxIdOf(w.text);
      if (id && !supplierContext(lines, at, w)) out.add(id);
    }
  });
  return [...out];
}

/** A company-looking line (`... S.L.`, `... Ltd`) near the top of page 1, outside the supplier's block. */
export function findCompanyName(lines: TextLine[]): Reading<string> | null {
  const firstPage = lines.filter((l) => l.page === lines[0]?.page).slice(0, 12);
  for (const [at, line] of firstPage.entries()) {
    if (supplierContext(lines, at)) continue;
    const words: Word[] = [];
    for (const w of line.words) {
      // A name starts after any label, number or phone (a fax header line: "... FROM +34... NAME SL").
      if (/:$|\d/.test(w.text)) words.length = 0;
      else words.push(w);
      const text = words.map((x) => x.text).join(' ');
      if (words.length >= 2 && COMPANY.test(text)) {
        return reading(text, [...words], line.page, FOUND_BY.layout);
      }
    }
  }
  return null;
}

export function findEmail(lines: TextLine[]): string | null {
  for (const l of lines) {
    const m = EMAIL.exec(l.text);
    if (m && !SUPPLIER.test(l.text)) return m[0].toLowerCase();
  }
  return null;
}

export function findFax(lines: TextLine[]): string | null {
  for (const l of lines) {
    const m = FAX.exec(l.text);
    if (m && !SUPPLIER.test(l.text)) return m[1]!.replace(/[\s().-]/g, '');
  }
  return null;
}

const PHONE = /(?<![\p{L}\d])(?:\+|00)?\d[\d\s().-]{6,18}\d(?![\p{L}\d])/gu;
const PHONE_CONTEXT =
  /\b(fax|tel|tfno|telf|telef|tlf|phone|t[ée]l[ée]phone|telefon|telefone|de|from|von|da|from:)\b|^\W*\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}/i;

/**
 * Every fax or phone number printed outside the supplier's block: after a phone word, or in a
 * fax header line (the first or last lines of a page, "03/11/2026 16:20 DE: +34 986 555 121").
 */
export function findPhones(lines: TextLine[]): string[] {
  const out = new Set<string>();
  lines.forEach((l, at) => {
    const samePage = lines.filter((x) => x.page === l.page);
    const edge = samePage.indexOf(l) < 2 || samePage.indexOf(l) >= samePage.length - 2;
    if (SUPPLIER.test(l.text) || supplierContext(lines, at) || !(edge || PHONE_CONTEXT.test(l.text))) return;
    for (const m of l.text.matchAll(PHONE)) {
      const digits = m[0].replace(/[\s().-]/g, '');
      const n = digits.replace(/^(\+|00)/, '').length;
      if (n >= 8 && n <= 14 && !/[/]/.test(m[0])) out.add(digits);
    }
  });
  return [...out];
}

/** Currency symbols, and the ISO 4217 code each stands for. */
const SYMBOLS: [RegExp, string][] = [
  [/€/, 'EUR'],
  [/US\$|\$/, 'USD'],
  [/£/, 'GBP'],
];
/** ISO 4217 codes an order prints (upper case, or "eur"/"euro(s)" as a word). */
const CODES = new Set([
  'EUR',
  'USD',
  'GBP',
  'CHF',
  'SEK',
  'NOK',
  'DKK',
  'PLN',
  'CZK',
  'HUF',
  'CAD',
  'AUD',
  'JPY',
  'CNY',
]);
/** Symbols and groups that can stand around an amount: "€", "12,50€", "US$1,200.00", "(£45.00/roll)". */
const AROUND_AMOUNT = /^[(]?(?:US)?[\d.,' ]*[€$£][\d.,' ]*(?:\/\p{L}+)?[)]?$/u;

/** True when the word alone names a currency: "€", "$", "EUR", "chf", "euros" (beside an amount, a price). */
export function isCurrencyWord(text: string): boolean {
  return /^(?:€|\$|£|US\$)$/.test(text) || CODES.has(text.toUpperCase()) || /^euros?$/i.test(text);
}

/**
 * The currency a word names: an ISO code or "euros" as a word, or a symbol standing alone or
 * beside an amount. A symbol inside a word is OCR's reading of a letter ("$.L.U." for S.L.U.,
 * "$:" for S:, "Ba£ym" in a garbled e-mail address), not a currency.
 */
function currencyOf(text: string): { code: string; weight: number } | null {
  const t = text.replace(/[:.,;)]+$/, '').replace(/^[(]/, '');
  if (CODES.has(t)) return { code: t, weight: 2 };
  if (/^(?:eur|euros?)$/i.test(t)) return { code: 'EUR', weight: 2 };
  if (/^(?:usd|gbp)$/i.test(t)) return { code: t.toUpperCase(), weight: 2 };
  // A column's currency: "Importe (€)", "Precio/€", "Total€".
  const column = /(?:\(|\/|\p{L})(€|£)\)?$|\((US\$|\$)\)$/u.exec(text);
  if (column) return { code: column[1] === '€' ? 'EUR' : column[1] === '£' ? 'GBP' : 'USD', weight: 1 };
  if (!AROUND_AMOUNT.test(text)) return null;
  const hit = SYMBOLS.find(([re]) => re.test(text));
  return hit ? { code: hit[1], weight: 1 } : null;
}

/**
 * The currency the document's words name most (`€`, `EUR`, `$`, `USD`, `£`, `GBP`, `CHF`...): a
 * code counts twice a symbol.
 */
export function findCurrency(lines: TextLine[]): Reading<string> | null {
  const counts = new Map<string, { n: number; word: Word; page: number }>();
  for (const l of lines) {
    for (const w of l.words) {
      const hit = currencyOf(w.text);
      if (!hit) continue;
      const c = counts.get(hit.code) ?? { n: 0, word: w, page: l.page };
      c.n += hit.weight;
      counts.set(hit.code, c);
    }
  }
  const best = [...counts.entries()].sort((a, b) => b[1].n - a[1].n)[0];
  return best ? reading(best[0], [best[1].word], best[1].page, FOUND_BY.pattern) : null;
}
