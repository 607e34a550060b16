import { describe, expect, it } from 'vitest';
import { findCurrency, isCurrencyWord } from './evidence.ts';
import { groupLines } from './layout.ts';
import { page } from './testing.ts';

const currency = (lines: string[]) => findCurrency(groupLines([page(lines)]))?.value ?? null;

describe('the currency a document names', () => {
  it('takes a symbol inside a word for the letter OCR misread, not for dollars or pounds', () => {
    // Faxes as OCR read them: "S.L.U." as "$.L.U.", "S:" as "$:", an e-mail address with a "£".
    expect(currency(['Almacenes Montes $.L.U. PEDIDO', 'Importe total 195,88 EUR'])).toBe('EUR');
    expect(currency(['P.O. $: P9986422 Vendor', 'Total 1,204.50'])).toBeNull();
    expect(currency(['Fax: 044 6288681 einkaufgwerkzeughandelhubeBa£ym: 25-11-2026'])).toBeNull();
  });

  it('reads ISO codes beyond the euro, dollar and pound', () => {
    expect(currency(['Bestellung 4711', "Total CHF 1'250.00"])).toBe('CHF');
    expect(currency(['Summa: 12 400,00 SEK'])).toBe('SEK');
  });

  it('reads symbols beside amounts and in column headings', () => {
    expect(currency(['Total: $1,200.00'])).toBe('USD');
    expect(currency(['Rolls at (£45.00/roll)'])).toBe('GBP');
    expect(currency(['Ref. Cantidad Importe(€)', 'A-1 10 12,00'])).toBe('EUR');
    expect(currency(['Total 795,80€'])).toBe('EUR');
  });

  it('counts a code above a stray symbol', () => {
    expect(currency(['Unit $ each', 'Total EUR 120,00'])).toBe('EUR');
  });

  it('knows the same currency words when it looks for unread prices', () => {
    for (const w of ['€', '$', 'EUR', 'eur', 'CHF', 'SEK', 'euros']) expect(isCurrencyWord(w)).toBe(true);
    for (const w of ['$.L.U.', 'Stk', 'UN', '12,50']) expect(isCurrencyWord(w)).toBe(false);
  });
});
