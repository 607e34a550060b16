/** Which fields decide an order's confidence, shared by extraction and validation. */
import type { FieldMeta } from './extraction.ts';
import type { CanonicalOrder } from './order.ts';

/** Under this, a field's reading is reported as `low_confidence`. */
export const LOW_CONFIDENCE = 0.8;

/**
 * Fields that do not decide the order: customer evidence (checked against master data, where
 * `unknown_customer` speaks for it) and a line's description when a code identifies the line.
 */
export function isSecondaryField(path: string, order: CanonicalOrder): boolean {
  if (path.startsWith('customer.')) return true;
  const m = /^lines\[(\d+)\]\.description$/.exec(path);
  const line = m ? order.lines[Number(m[1])] : undefined;
  return line !== undefined && (line.customerRef !== null || line.sku !== null || line.gtin !== null);
}

/** The weakest confidence among the order's deciding fields (1 when none was read). */
export function decidingConfidence(order: CanonicalOrder, fieldMeta: Record<string, FieldMeta>): number {
  let c = 1;
  for (const [path, meta] of Object.entries(fieldMeta)) {
    if (!isSecondaryField(path, order)) c = Math.min(c, meta.confidence);
  }
  return c;
}
