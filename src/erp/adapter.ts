import type { ErpConfig } from '../config.ts';
import type { OptionsContext, Reader } from '../config-source.ts';
import type { CanonicalOrder } from '../domain/order.ts';

/** One order to hand to the ERP, read from the outbox row and the order it names. */
export interface Delivery {
  orderId: number;
  /** Stable for the life of the order: every resend of the same order carries the same key. */
  idempotencyKey: string;
  order: CanonicalOrder;
  documentId: number;
  receivedAt: Date;
}

/**
 * What one delivery attempt came to. Expected failures are values, never exceptions:
 * `retry` when trying again later may succeed (network, timeout, 5xx, 429), `failed` when it
 * cannot (the ERP refused the order). `retryAfterMs` carries the ERP's own wish (Retry-After).
 */
export type DeliveryResult =
  | { kind: 'delivered'; reference: string | null }
  | { kind: 'retry'; error: string; retryAfterMs?: number }
  | { kind: 'failed'; error: string };

/**
 * Hands canonical orders to one kind of ERP.
 *
 * An implementation MUST:
 * - send exactly the canonical order (CONTRACTS.md section 1), adding nothing to it;
 * - be idempotent per `idempotencyKey`: delivering the same key again (after a crash between
 *   sending and recording) must not create a second order in the ERP;
 * - translate every expected vendor failure into a `DeliveryResult` and not throw for it;
 * - validate its options when constructed, throwing `OrderCaptureError('config_invalid')`.
 */
export interface ErpAdapter {
  readonly identifier: string;
  deliver(delivery: Delivery): Promise<DeliveryResult>;
  /**
   * Makes durable what the deliveries that returned `delivered` since the last call wrote, for an
   * adapter that can do that more cheaply once for many (the file adapter syncs its folder). The
   * deliverer awaits it after a batch's sends and before recording any of them as delivered; a
   * throw turns those deliveries into retries.
   */
  flush?(): Promise<void>;
  /**
   * Resolves once what the adapter loads at start (a mapping module) is loaded and checked;
   * rejects with `OrderCaptureError('config_invalid')`. Awaited before the first delivery.
   */
  ready?(): Promise<void>;
  /** Releases what the adapter opened (connections, handles); called once, at shutdown. */
  close?(): Promise<void>;
}

/**
 * A registry entry: the adapter class itself, through its statics (Medusa-style provider).
 * `readOptions` reads the adapter's own settings (every one, whether the adapter is chosen or
 * not: their names are then known, documented and typos refused); `check` reports what needs the
 * whole ERP configuration; `fromConfig` MUST validate what it takes and fail at start-up, not at
 * the first delivery.
 */
export interface ErpAdapterProvider {
  readonly identifier: string;
  readOptions(r: Reader, ctx: OptionsContext): object;
  check?(config: ErpConfig, problems: string[]): void;
  fromConfig(config: ErpConfig): ErpAdapter;
}
