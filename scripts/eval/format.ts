/** Numbers, money and dates as a family's ERP prints them. */
import type { DateFormat, FamilySpec, NumberFormat } from './families.ts';
import { WORDS } from './words.ts';

const SEPARATORS: Record<NumberFormat, [string, string]> = {
  eu: ['.', ','],
  us: [',', '.'],
  fr: [' ', ','],
  ch: ["'", '.'],
};

/** At least `min` decimals, more when the value has them (a price of 0.125), at most 6. */
export function formatNumber(n: number, nf: NumberFormat, min = 2): string {
  let d = min;
  while (d < 6 && Math.abs(Number(n.toFixed(d)) - n) > 1e-9) d++;
  const [int, frac] = Math.abs(n).toFixed(d).split('.');
  const [thousands, decimal] = SEPARATORS[nf];
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, thousands);
  return `${n < 0 ? '-' : ''}${grouped}${frac ? decimal + frac : ''}`;
}

export function formatQuantity(q: number, f: FamilySpec): string {
  return formatNumber(q, f.numberFormat, f.qtyDecimals);
}

const SYMBOL: Record<string, string> = { EUR: '€', GBP: '£', USD: '$', CHF: 'CHF' };

/** A money amount of the totals block, with the currency as the family marks it. */
export function formatMoney(n: number, f: FamilySpec): string {
  const v = formatNumber(n, f.numberFormat);
  const c = f.customer.currency;
  if (f.currencyMark === 'none') return v;
  if (f.currencyMark === 'code') return `${v} ${c}`;
  return c === 'GBP' || c === 'USD' ? `${SYMBOL[c]}${v}` : `${v} ${SYMBOL[c]}`;
}

export function formatDate(iso: string, f: FamilySpec, format: DateFormat = f.dateFormat): string {
  const [y, m, d] = iso.split('-') as [string, string, string];
  const month = WORDS[f.lang].months[Number(m) - 1]!;
  const day = String(Number(d));
  switch (format) {
    case 'dmy-slash':
      return `${d}/${m}/${y}`;
    case 'dmy-dot':
      return `${d}.${m}.${y}`;
    case 'dmy-dash':
      return `${d}-${m}-${y}`;
    case 'mdy':
      return `${m}/${d}/${y}`;
    case 'iso':
      return iso;
    case 'abbr':
      return `${d}-${month.slice(0, 3).replace(/^./, (c) => c.toUpperCase())}-${y}`;
    case 'long':
      if (f.lang === 'en')
        return f.customer.country === 'US' ? `${month} ${day}, ${y}` : `${day} ${month} ${y}`;
      if (f.lang === 'de') return `${day}. ${month} ${y}`;
      if (f.lang === 'es' || f.lang === 'pt') return `${day} de ${month} de ${y}`;
      return `${day} ${month} ${y}`;
  }
}
