/** Finding codes (CONTRACTS.md section 4). Stable: add, never rename. */
export const FINDING_CODES = [
  'unknown_customer',
  'unknown_sku',
  'price_mismatch',
  'quantity_anomaly',
  'duplicate_order',
  'total_mismatch',
  'missing_field',
  'low_confidence',
  'credit_limit_exceeded',
  'unreadable_document',
  'invalid_edifact',
  'not_an_order',
  // Added: the order names another customer than the one whose access token sent it.
  'customer_mismatch',
  // Added: an X12, XML or spreadsheet order breaks its format's rules (envelope counts, required elements).
  'invalid_message',
  // Added: a signed message (AS2 / S/MIME) whose signature is missing, unknown or fails.
  'unverified_signature',
] as const;

export type FindingCode = (typeof FINDING_CODES)[number];

/** `error` and `warning` both keep an order out of automatic acceptance; `info` does not. */
export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  code: FindingCode;
  severity: Severity;
  /** Path into the canonical order, e.g. `lines[2].unitPrice`; null for the whole order/document. */
  field: string | null;
  /** The English sentence (CLI output, CONTRACTS.md); people read it rendered from code and params. */
  message: string;
  /**
   * The values the finding speaks of (line, article, prices...), so it can be told in the
   * reader's language (src/i18n/findings.ts). Absent: the reader gets `message` as it is.
   */
  params?: FindingParams;
}

export type FindingParams = Record<string, string | number | null>;

export function finding(
  code: FindingCode,
  severity: Severity,
  field: string | null,
  message: string,
  params?: FindingParams,
): Finding {
  return params ? { code, severity, field, message, params } : { code, severity, field, message };
}
