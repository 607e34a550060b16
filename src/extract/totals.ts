/**
 * The order's total: which printed amount it is (total, net total, or an amount below the lines
 * they add up to) and how the line amounts vouch for it.
 */
import type { CanonicalOrder } from '../domain/order.ts';
import { type HeaderReadings, numberIn } from './header.ts';
import type { TextLine } from './layout.ts';
import { FOUND_BY, lower, type Reading, raise, reading } from './meta.ts';
import { type NumberFormat, round } from './numbers.ts';
import { arithmeticAgrees, sameAmount } from './rows.ts';
import { linesSum } from './self-witness.ts';

/**
 * The order's total is its net total (CONTRACTS.md section 1): of every amount under a total or
 * net-total label, the one the lines add up to; else the first net total (a VAT block's base);
 * else the last total printed.
 */
export function chooseTotal(
  order: CanonicalOrder,
  readings: Map<string, Reading<unknown>>,
  header: HeaderReadings,
  lines: TextLine[],
  format: NumberFormat,
): void {
  const sum = linesSum(order);
  const agreeing = sum === null ? undefined : header.amounts.find((a) => sameAmount(sum, a.reading.value));
  const net = header.amounts.find((a) => a.field === 'subtotal');
  const chosen =
    agreeing?.reading ??
    net?.reading ??
    header.total ??
    (sum === null ? null : sumPrintedBelow(order, readings, lines, sum, format));
  if (!chosen) return;
  order.total = chosen.value;
  readings.set('total', chosen);
}

/**
 * No total label read (OCR mangled "Total HT" into "Tote! HT"): an amount printed below the last
 * line that equals what two or more lines add up to is the total. Its confidence is that of a
 * label read through a slip; validation's sum witness does the rest.
 */
function sumPrintedBelow(
  order: CanonicalOrder,
  readings: Map<string, Reading<unknown>>,
  lines: TextLine[],
  sum: number,
  format: NumberFormat,
): Reading<number> | null {
  if (order.lines.length < 2 || sum <= 0) return null;
  let page = 0;
  let bottom = 0;
  order.lines.forEach((_, i) => {
    for (const [path, r] of readings) {
      if (!path.startsWith(`lines[${i}].`)) continue;
      for (const w of r.words) {
        if (r.page > page) [page, bottom] = [r.page, w.y + w.h];
        else if (r.page === page) bottom = Math.max(bottom, w.y + w.h);
      }
    }
  });
  for (const line of lines) {
    if (line.page < page || (line.page === page && line.top < bottom)) continue;
    for (let i = 0; i < line.words.length; i++) {
      const n = numberIn(line.words.slice(i), format);
      if (n && sameAmount(n.value, sum)) return reading(n.value, n.words, line.page, FOUND_BY.fuzzyLabel);
    }
  }
  return null;
}

/**
 * Sum of line amounts = document total (or the pre-tax subtotal when the total includes VAT)
 * raises the total and every amount; a mismatch with both lowers the total.
 */
export function checkTotal(
  order: CanonicalOrder,
  readings: Map<string, Reading<unknown>>,
  subtotal: Reading<number> | null,
): void {
  const total = readings.get('total');
  const amounts = order.lines.map((l) => l.amount);
  if (!total || order.total === null || amounts.length === 0 || amounts.some((a) => a === null)) return;
  const sum = round(amounts.reduce<number>((s, a) => s + (a ?? 0), 0));
  const toTotal = sameAmount(sum, order.total);
  if (!toTotal && !(subtotal && sameAmount(sum, subtotal.value))) {
    total.confidence = lower(total.confidence, 0.7);
    return;
  }
  if (toTotal) total.confidence = raise(total.confidence);
  order.lines.forEach((l, i) => {
    const r = readings.get(`lines[${i}].amount`);
    // A line whose own arithmetic failed stays doubted, whatever the total says.
    if (r && arithmeticAgrees(l) !== false) r.confidence = raise(r.confidence);
  });
}
