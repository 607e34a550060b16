/** Compares what the pipeline produced with the expected canonical order. */
import type { CanonicalOrder } from '../../src/domain/order.ts';

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

const lineKey = (l: CanonicalOrder['lines'][number]) => `${l.sku}|${l.quantity}|${l.unitPrice}`;

export function scoreOrder(expected: CanonicalOrder, got: CanonicalOrder | null): CaseScore {
  const wrongFields: string[] = [];
  let headerCorrect = 0;
  for (const f of HEADER_FIELDS) {
    if (header(got, f) === header(expected, f)) headerCorrect++;
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
