/** Compares what the pipeline produced with the expected canonical order; checks planted problems. */
import type { CanonicalOrder } from '../../src/domain/order.ts';
import type { Problem } from './content.ts';

export const HEADER_FIELDS = [
  'customer.id',
  'poNumber',
  'orderDate',
  'deliveryDate',
  'currency',
  'total',
] as const;

export interface CaseScore {
  headerCorrect: number;
  headerTotal: number;
  linesExpected: number;
  linesFound: number;
  linesCorrect: number;
  /** Every compared field and line right. */
  orderCorrect: boolean;
  wrongFields: string[];
}

function header(o: CanonicalOrder | null, field: (typeof HEADER_FIELDS)[number]): unknown {
  if (!o) return undefined;
  return field === 'customer.id' ? o.customer.id : o[field];
}

/** Money and prices compare to the hundredth of a cent: the reader rounds net prices to 6 decimals. */
function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) < 0.0001;
  return a === b;
}

const lineKey = (l: CanonicalOrder['lines'][number]) =>
  `${l.sku}|${l.quantity}|${l.unitPrice === null ? null : Math.round(l.unitPrice * 1e4) / 1e4}`;

export function scoreOrder(expected: CanonicalOrder, got: CanonicalOrder | null): CaseScore {
  const wrongFields: string[] = [];
  let headerCorrect = 0;
  for (const f of HEADER_FIELDS) {
    if (same(header(got, f), header(expected, f))) headerCorrect++;
    else
      wrongFields.push(
        `${f}: expected ${JSON.stringify(header(expected, f))}, got ${JSON.stringify(header(got, f))}`,
      );
  }
  const want = new Map<string, number>();
  for (const l of expected.lines) want.set(lineKey(l), (want.get(lineKey(l)) ?? 0) + 1);
  let linesCorrect = 0;
  for (const l of got?.lines ?? []) {
    const k = lineKey(l);
    const left = want.get(k) ?? 0;
    if (left > 0) {
      linesCorrect++;
      want.set(k, left - 1);
    } else {
      wrongFields.push(`line ${l.lineNo}: ${k} not expected`);
    }
  }
  for (const [k, n] of want) if (n > 0) wrongFields.push(`missing line ${k}${n > 1 ? ` x${n}` : ''}`);
  const linesFound = got?.lines.length ?? 0;
  return {
    headerCorrect,
    headerTotal: HEADER_FIELDS.length,
    linesExpected: expected.lines.length,
    linesFound,
    linesCorrect,
    orderCorrect: wrongFields.length === 0 && linesCorrect === expected.lines.length,
    wrongFields,
  };
}

/** The finding code that says a planted problem was seen. */
export const PROBLEM_CODE: Record<Problem, string> = {
  'unknown-article': 'unknown_sku',
  'price-off': 'price_mismatch',
  duplicate: 'duplicate_order',
  'not-an-order': 'not_an_order',
  unreadable: 'unreadable_document',
};

/** Found: the document was not accepted and a finding names the problem. */
export function problemFound(problem: Problem, status: string | undefined, codes: string[]): boolean {
  return status !== undefined && status !== 'accepted' && codes.includes(PROBLEM_CODE[problem]);
}
