import type { Finding } from '../domain/findings.ts';
import { finding } from '../domain/findings.ts';
import type { CanonicalOrder } from '../domain/order.ts';

export type Decision = 'accepted' | 'review' | 'rejected';

export interface DecisionInput {
  rejected?: boolean;
  order: CanonicalOrder;
  findings: Finding[];
  confidence: number;
}

/**
 * Accepted only when the customer and every line resolve, no error or warning stands and the
 * confidence clears the threshold; rejected when nothing usable was read; review otherwise.
 * Returns the findings to store, with `low_confidence` added when the threshold alone decided.
 */
export function decide(input: DecisionInput, threshold: number): { status: Decision; findings: Finding[] } {
  const { order, findings } = input;
  if (input.rejected || nothingUsable(order)) return { status: 'rejected', findings };

  const blocking = findings.some((f) => f.severity === 'error' || f.severity === 'warning');
  const unresolved =
    order.customer.id === null || order.lines.length === 0 || order.lines.some((l) => l.sku === null);
  if (input.confidence < threshold) {
    // Under the threshold never passes, whatever else was found; say so unless a warning already does.
    const said = findings.some((f) => f.code === 'low_confidence' && f.severity !== 'info');
    const msg = `Extraction confidence ${input.confidence.toFixed(2)} is under the threshold ${threshold}.`;
    return {
      status: 'review',
      findings: said
        ? findings
        : [
            ...findings,
            finding('low_confidence', 'warning', null, msg, {
              t: 'low_confidence.threshold',
              confidence: Number(input.confidence.toFixed(2)),
              threshold,
            }),
          ],
    };
  }
  return { status: blocking || unresolved ? 'review' : 'accepted', findings };
}

function nothingUsable(o: CanonicalOrder): boolean {
  return o.customer.id === null && !o.customer.name && !o.poNumber && o.lines.length === 0;
}
