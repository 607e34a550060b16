/**
 * The confirmation settings: the sender loop's own (signature, retries, lease), then each reply
 * sender's, read by the sender itself (`readOptions` of every entry in `REPLY_SENDERS`).
 * src/config.ts calls this and nothing more.
 */
import type { OptionsContext, Reader } from '../config-source.ts';
import { REPLY_SENDERS, type ReplySenderOptions } from './senders.ts';

export interface ConfirmSendingConfig {
  /** Our name, signing the confirmations. */
  supplierName: string;
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** How long a sender holds a queued confirmation; a sender killed mid-send frees it after this. */
  leaseMs: number;
}

export type ConfirmConfig = ConfirmSendingConfig & ReplySenderOptions;

export function readConfirmConfig(r: Reader, ctx: OptionsContext): ConfirmConfig {
  const own = Object.assign({}, ...REPLY_SENDERS.map((s) => s.readOptions(r, ctx))) as ReplySenderOptions;
  return {
    ...own,
    supplierName: r.str('confirm.supplierName', 'ORDERCAP_SUPPLIER_NAME', 'order-capture'),
    maxAttempts: r.int('confirm.maxAttempts', 'ORDERCAP_CONFIRM_MAX_ATTEMPTS', 12, 1, 1000),
    backoffBaseMs: r.int('confirm.backoffBaseMs', 'ORDERCAP_CONFIRM_BACKOFF_MS', 5000, 1, 3_600_000),
    backoffMaxMs: r.int('confirm.backoffMaxMs', 'ORDERCAP_CONFIRM_BACKOFF_MAX_MS', 900_000, 1, 86_400_000),
    leaseMs: r.int('confirm.leaseMs', 'ORDERCAP_CONFIRM_LEASE_MS', 60_000, 1000, 3_600_000),
  };
}
