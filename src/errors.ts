/** Stable codes for unexpected failures. Expected outcomes (review, rejected) are values, not errors. */
export type ErrorCode =
  | 'config_invalid'
  | 'database_unavailable'
  | 'database_busy'
  | 'lease_lost'
  | 'document_missing'
  | 'erp_rejected'
  | 'erp_unavailable'
  | 'input_invalid'
  | 'internal';

export class OrderCaptureError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'OrderCaptureError';
  }
}
