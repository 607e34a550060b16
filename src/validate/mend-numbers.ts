/**
 * Numbers on an OCR'd line that the line's other numbers and master data contradict, mended where
 * exactly one reading fits everything. Faxes lose decimal marks ("2450" for 24,50) and confuse
 * digits ("2,82" for 2,62, "38" for 36, "5,09" for 5,00). A line carries three numbers that must
 * agree (quantity x unit price = amount), and the article's price is known:
 * - a unit price one glyph (or a decimal mark) from the article's price, where quantity x that
 *   price is the amount as read, is that price;
 * - with the price confirmed, a quantity one glyph from amount / price is that quotient, and an
 *   amount one glyph from quantity x price is that product.
 * Without the arithmetic, a quantity OCR doubted that is no multiple of the article's pack is the
 * one multiple a look-alike digit away. A unit misread on a line at the article's price whose
 * arithmetic closes is the article's unit (`mendUnits`).
 * A mended number keeps a repaired confidence and a `low_confidence` warning that says what was
 * read; the witnesses counted afterwards (arithmetic, the total, the price list) decide whether it
 * is sure enough for the order to pass untouched.
 */
import { LOW_CONFIDENCE } from '../domain/confidence.ts';
import type { FieldMeta } from '../domain/extraction.ts';
import { type Finding, finding } from '../domain/findings.ts';
import type { CanonicalOrder } from '../domain/order.ts';
import { REPAIRED } from '../extract/meta.ts';
import { canonicalUnit, sameUnit } from './line-checks.ts';
import { samePrice } from './corroborate.ts';
import { editDistance } from '../extract/layout.ts';
import { sameAmount } from '../extract/rows.ts';
import type { ProductFacts } from './types.ts';

/** The digits of `n` written with `decimals` decimals ("0,048" -> "0048"). */
function digits(n: number, decimals: number): string {
  return n.toFixed(decimals).replace(/\D/g, '');
}

function decimalsOf(n: number): number {
  const s = String(n);
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
}

/**
 * True when `read` is one OCR slip from `want`: the same digits with the decimal mark lost or
 * moved, or one digit misread, dropped or added (written with as many decimals as either has).
 */
export function oneDigitSlip(read: number, want: number): boolean {
  if (read === want) return false;
  const d = Math.max(decimalsOf(read), Math.min(decimalsOf(want), 3));
  const a = digits(read, d);
  const b = digits(want, d);
  const bare = (s: string) => s.replace(/^0+|0+$/g, '');
  if (bare(a) === bare(b) && a.length !== b.length) return true;
  if (bare(digits(read, decimalsOf(read))) === bare(digits(want, decimalsOf(want)))) return true;
  return editDistance(a, b) <= 1;
}

/** Digits OCR reads for one another on a fax. */
const DIGIT_LOOKALIKES: Record<string, string> = {
  '0': '86',
  '1': '7',
  '3': '8',
  '5': '6',
  '6': '508',
  '7': '1',
  '8': '3060',
};

/**
 * A whole quantity that is no multiple of the article's pack size ("208" for a pack of 100): the
 * one reading a single look-alike digit away that is a multiple (and at least the minimum), or null.
 */
export function packSlip(q: number, product: ProductFacts): number | null {
  const pack = product.packSize;
  if (!pack || pack <= 1 || !Number.isInteger(q) || q % pack === 0) return null;
  const s = String(q);
  const fits = new Set<number>();
  for (let i = 0; i < s.length; i++) {
    for (const d of DIGIT_LOOKALIKES[s[i]!] ?? '') {
      const v = Number(s.slice(0, i) + d + s.slice(i + 1));
      if (v > 0 && v % pack === 0 && (product.minQty === null || v >= product.minQty)) fits.add(v);
    }
  }
  return fits.size === 1 ? [...fits][0]! : null;
}

/** Read by OCR: a confidence under 1 (a text layer's number is as its writer typed it). */
function ocr(meta: FieldMeta | undefined): meta is FieldMeta {
  return meta !== undefined && meta.confidence < 1;
}

/**
 * Mends the OCR'd numbers of `order`'s lines in place (values and `fieldMeta`); returns one
 * `low_confidence` warning per mended number. `products[i]` is line i's article, or null.
 */
export function mendNumbers(
  order: CanonicalOrder,
  products: ReadonlyArray<ProductFacts | null>,
  fieldMeta: Record<string, FieldMeta>,
  currency: { order: string | null; customer: string | null },
): Finding[] {
  const out: Finding[] = [];
  order.lines.forEach((line, i) => {
    const product = products[i];
    if (!product) return;
    const path = (f: string) => `lines[${i}].${f}`;
    const own = product.customerPrice !== null;
    const refCurrency = own ? (currency.customer ?? product.currency) : product.currency;
    if (currency.order && refCurrency && currency.order !== refCurrency) return;
    const price = own ? product.customerPrice! : product.unitPrice;
    const mend = (
      field: 'quantity' | 'unitPrice' | 'amount',
      value: number,
      why: string,
      by: 'total' | 'pack' | null = null,
    ) => {
      const read = line[field]!;
      const was = fieldMeta[path(field)]!;
      line[field] = value;
      fieldMeta[path(field)] = { ...was, confidence: Math.min(was.confidence, REPAIRED) };
      const msg = `${path(field)} read as ${read} fits neither the article nor the line; taken as ${value}: ${why}`;
      out.push(
        finding('low_confidence', 'warning', path(field), msg, {
          t: 'low_confidence.mended',
          field: path(field),
          read,
          value,
          why: by ?? field,
          sku: product.sku,
        }),
      );
    };
    const qMeta = fieldMeta[path('quantity')];
    const unchecked = line.unitPrice === null || line.amount === null;
    if (line.quantity !== null && unchecked && ocr(qMeta) && qMeta.confidence < LOW_CONFIDENCE) {
      // No arithmetic to say which: the article's pack size, where one misread digit explains it
      // and OCR itself doubted the digits (a quantity printed plainly off the pack stays reported).
      const packed = packSlip(line.quantity, product);
      if (packed !== null) mend('quantity', packed, `the nearest multiple of ${product.sku}'s pack`, 'pack');
    }
    const { quantity: q, unitPrice: p, amount: a } = line;
    if (p === null || q === null) return;
    if (a === null) {
      // No amount printed: the order total is the price's second witness.
      if (ocr(fieldMeta[path('unitPrice')]) && !samePrice(p, price) && oneDigitSlip(p, price)) {
        const others = order.lines.reduce(
          (s, l, j) =>
            s + (j === i ? 0 : (l.amount ?? (l.quantity ?? Number.NaN) * (l.unitPrice ?? Number.NaN))),
          0,
        );
        if (order.total !== null && sameAmount(others + q * price, order.total)) {
          mend(
            'unitPrice',
            price,
            `the price of ${product.sku}, and the lines then add up to the total`,
            'total',
          );
        }
      }
      return;
    }
    // To the half cent: a price that lost its last digit ("0,677" for 0,6771) agrees loosely.
    const cent = (x: number, y: number) => Math.abs(x - y) <= 0.005;
    if (cent(q * p, a) || (sameAmount(q * p, a) && !cent(q * price, a))) return;
    if (Math.abs(p - price) > 1e-9) {
      if (ocr(fieldMeta[path('unitPrice')]) && oneDigitSlip(p, price) && cent(q * price, a)) {
        mend('unitPrice', price, `the price of ${product.sku}, and quantity x price = amount`);
      }
      return;
    }
    // The price is right: the quantity or the amount is misread. Where both could be, the
    // printed total says which (the other lines as read).
    const quotient = Math.round((a / p) * 1000) / 1000;
    const times = Math.round(q * p * 100) / 100;
    const fixes: Array<() => void> = [];
    const sums: number[] = [];
    const others = order.lines.reduce((s, l, j) => s + (j === i ? 0 : (l.amount ?? 0)), 0);
    if (ocr(fieldMeta[path('quantity')]) && sameAmount(quotient * p, a) && oneDigitSlip(q, quotient)) {
      fixes.push(() => mend('quantity', quotient, `amount / the price of ${product.sku}`));
      sums.push(others + a);
    }
    if (ocr(fieldMeta[path('amount')]) && oneDigitSlip(a, times)) {
      fixes.push(() => mend('amount', times, `quantity x the price of ${product.sku}`));
      sums.push(others + times);
    }
    if (fixes.length === 1) fixes[0]!();
    else if (fixes.length === 2 && order.total !== null) {
      const fits = sums.map((s) => sameAmount(s, order.total!));
      if (fits[0] !== fits[1]) fixes[fits[0] ? 0 : 1]!();
    }
  });
  return out;
}

/** A mended unit's confidence: the arithmetic at the article's price says which unit the line is in. */
const UNIT_BY_PRICE = 0.9;

/**
 * OCR'd units that are not the article's ("RA", "K", "CO" on a fax) where the line's price is the
 * article's price per its unit and, when the line prints an amount, quantity x price = amount:
 * the line is in the article's unit, whatever the glyphs say. Without an amount, only a unit one
 * glyph from the article's is taken. In place; returns one `low_confidence` info per unit.
 */
export function mendUnits(
  order: CanonicalOrder,
  products: ReadonlyArray<ProductFacts | null>,
  fieldMeta: Record<string, FieldMeta>,
): Finding[] {
  const out: Finding[] = [];
  order.lines.forEach((line, i) => {
    const product = products[i];
    const path = `lines[${i}].unit`;
    if (!product || line.unit === null || sameUnit(line, product) || !ocr(fieldMeta[path])) return;
    const { quantity: q, unitPrice: p, amount: a } = line;
    if (q === null || p === null || !samePrice(p, product.customerPrice ?? product.unitPrice)) return;
    const read = line.unit;
    const near =
      editDistance(read.toUpperCase(), product.unit.toUpperCase()) <= 1 ||
      editDistance(canonicalUnit(read), canonicalUnit(product.unit)) <= 1;
    if (a === null ? !near : !sameAmount(q * p, a)) return;
    line.unit = product.unit;
    fieldMeta[path] = { ...fieldMeta[path]!, confidence: UNIT_BY_PRICE };
    const msg = `${path} read as "${read}"; taken as ${product.unit}, the unit of ${product.sku}, whose price the line has`;
    out.push(
      finding('low_confidence', 'info', path, msg, {
        t: 'low_confidence.unitByPrice',
        field: path,
        read,
        unit: product.unit,
        sku: product.sku,
      }),
    );
  });
  return out;
}
