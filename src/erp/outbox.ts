import type { ErpConfig } from '../config.ts';
import type { Db, Queryable } from '../db/db.ts';
import type { CanonicalOrder } from '../domain/order.ts';
import { OrderCaptureError } from '../errors.ts';
import { logEvent } from '../store/events.ts';
import type { Delivery, DeliveryResult } from './adapter.ts';

const ACTOR = 'system:erp';

/**
 * Queues an order for the ERP inside the caller's transaction (the one that accepts the order),
 * so the outbox row exists exactly when the accepted order does. Calling it again is harmless.
 *
 * The idempotency key hashes the order id, the document's sha256 and the order's creation
 * instant (microseconds): stable for this order forever, and different for another installation
 * whose order 1 came from the same file at another moment.
 */
export async function enqueueDelivery(
  q: Queryable,
  orderIds: number | number[],
  adapter: string,
): Promise<void> {
  const ids = Array.isArray(orderIds) ? orderIds : [orderIds];
  if (ids.length === 0) return;
  const inserted = await q.query<{ order_id: number }>(
    `INSERT INTO erp_outbox (order_id, adapter, idempotency_key)
     SELECT o.id, $2, 'oc-' || o.id || '-' || left(encode(sha256(convert_to(
              o.id || '/' || o.seq || '/' || d.sha256 || '/' ||
              to_char(o.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), 'UTF8')), 'hex'), 24)
       FROM orders o JOIN documents d ON d.id = o.document_id
      WHERE o.id = ANY($1)
     ON CONFLICT DO NOTHING
     RETURNING order_id`,
    [ids, adapter],
  );
  if (inserted.length === ids.length) return;
  const found = await q.query<{ id: number }>(`SELECT id FROM orders WHERE id = ANY($1)`, [ids]);
  const missing = ids.filter((id) => !found.some((f) => f.id === id));
  if (missing.length > 0) {
    throw new OrderCaptureError(
      'internal',
      `cannot queue order ${missing.join(', ')} for the ERP: no such order`,
    );
  }
}

/** An outbox row claimed for one attempt; `lease` is what every result write must still find. */
export interface ClaimedDelivery extends Delivery {
  adapter: string;
  /** Attempts so far, this one included (counted at claim, so a crash mid-send counts too). */
  attempts: number;
  lease: string;
}

export interface ClaimOptions {
  adapter: string;
  /** Unique per claim: a lease that ran out and was re-taken, even by the same worker, no longer matches. */
  lease: string;
  limit: number;
  leaseMs: number;
}

interface ClaimRow {
  order_id: number;
  adapter: string;
  idempotency_key: string;
  attempts: number;
  locked_by: string;
  data: CanonicalOrder;
  document_id: number;
  received_at: Date;
}

/**
 * Takes up to `limit` due rows for `adapter`, oldest order first. SKIP LOCKED lets several
 * deliverers claim at once without handing one order to two of them; a lease that runs out
 * (process killed mid-send) makes the row due again, and it is resent with the same key.
 */
export async function claimDeliveries(q: Queryable, opts: ClaimOptions): Promise<ClaimedDelivery[]> {
  const rows = await q.query<ClaimRow>(
    `WITH due AS (
       SELECT b.order_id FROM erp_outbox b JOIN orders o ON o.id = b.order_id
        WHERE b.status = 'pending' AND b.adapter = $3 AND b.next_attempt_at <= now()
          AND (b.locked_until IS NULL OR b.locked_until < now())
        ORDER BY o.created_at, o.id
        LIMIT $4
        FOR UPDATE OF b SKIP LOCKED),
     claimed AS (
       UPDATE erp_outbox b
          SET locked_by = $1, locked_until = now() + ($2 || ' milliseconds')::interval,
              attempts = b.attempts + 1
         FROM due WHERE b.order_id = due.order_id
       RETURNING b.order_id, b.adapter, b.idempotency_key, b.attempts, b.locked_by)
     SELECT c.*, o.data, o.document_id, d.received_at
       FROM claimed c JOIN orders o ON o.id = c.order_id JOIN documents d ON d.id = o.document_id
      ORDER BY o.created_at, o.id`,
    [opts.lease, String(opts.leaseMs), opts.adapter, opts.limit],
  );
  return rows.map((r) => ({
    orderId: r.order_id,
    idempotencyKey: r.idempotency_key,
    order: r.data,
    documentId: r.document_id,
    receivedAt: r.received_at,
    adapter: r.adapter,
    attempts: r.attempts,
    lease: r.locked_by,
  }));
}

export type RecordedOutcome = 'delivered' | 'retry' | 'failed';

/**
 * Stores what an attempt came to, in one transaction with the order's status and the audit
 * event. Throws `lease_lost` (and stores nothing) when the row is no longer held by `d.lease`:
 * whoever holds it now resends under the same key and records the result once.
 */
export async function recordResult(
  db: Db,
  d: ClaimedDelivery,
  result: DeliveryResult,
  config: Pick<ErpConfig, 'maxAttempts' | 'backoffBaseMs' | 'backoffMaxMs'>,
): Promise<RecordedOutcome> {
  if (result.kind === 'delivered') {
    await recordDelivered(db, d, result.reference);
    return 'delivered';
  }
  if (result.kind === 'failed') {
    await recordFailed(db, d, result.error);
    return 'failed';
  }
  if (d.attempts >= config.maxAttempts) {
    await recordFailed(db, d, `gave up after ${d.attempts} attempts: ${result.error}`);
    return 'failed';
  }
  const jitter = backoffDelayMs(d.attempts, config.backoffBaseMs, config.backoffMaxMs);
  const delayMs = Math.min(Math.max(jitter, result.retryAfterMs ?? 0), config.backoffMaxMs);
  await recordRetry(db, d, result.error, delayMs);
  return 'retry';
}

/**
 * Exponential backoff with full jitter: a random delay between `baseMs` and a ceiling that
 * doubles with each attempt up to `maxMs`, so deliverers that failed together do not retry
 * together.
 */
export function backoffDelayMs(
  attempts: number,
  baseMs: number,
  maxMs: number,
  random = Math.random,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
  const floor = Math.min(baseMs, ceiling);
  return Math.round(floor + random() * (ceiling - floor));
}

async function recordDelivered(db: Db, d: ClaimedDelivery, reference: string | null): Promise<void> {
  await db.transaction(async (tx) => {
    await updateHeld(
      tx,
      d,
      `status = 'delivered', erp_reference = $3, delivered_at = now(), last_error = NULL`,
      [reference],
    );
    await tx.query(`UPDATE orders SET status = 'delivered', delivered_at = now() WHERE id = $1`, [d.orderId]);
    await logEvent(tx, {
      actor: ACTOR,
      kind: 'order.delivered',
      orderId: d.orderId,
      documentId: d.documentId,
      detail: { adapter: d.adapter, attempts: d.attempts, reference, idempotencyKey: d.idempotencyKey },
    });
  });
}

async function recordRetry(db: Db, d: ClaimedDelivery, error: string, delayMs: number): Promise<void> {
  await db.transaction(async (tx) => {
    await updateHeld(tx, d, `last_error = $3, next_attempt_at = now() + ($4 || ' milliseconds')::interval`, [
      error,
      String(delayMs),
    ]);
    await logEvent(tx, {
      actor: ACTOR,
      kind: 'order.delivery_retry',
      orderId: d.orderId,
      documentId: d.documentId,
      detail: { adapter: d.adapter, attempts: d.attempts, error, retryInMs: delayMs },
    });
  });
}

async function recordFailed(db: Db, d: ClaimedDelivery, error: string): Promise<void> {
  await db.transaction(async (tx) => {
    await updateHeld(tx, d, `status = 'failed', last_error = $3`, [error]);
    await tx.query(`UPDATE orders SET status = 'failed' WHERE id = $1`, [d.orderId]);
    await logEvent(tx, {
      actor: ACTOR,
      kind: 'order.delivery_failed',
      orderId: d.orderId,
      documentId: d.documentId,
      detail: { adapter: d.adapter, attempts: d.attempts, error },
    });
  });
}

/** Applies `set` (params from $3) and releases the lease, only while the row is still ours. */
async function updateHeld(tx: Queryable, d: ClaimedDelivery, set: string, params: unknown[]): Promise<void> {
  const rows = await tx.query(
    `UPDATE erp_outbox SET ${set}, locked_by = NULL, locked_until = NULL
      WHERE order_id = $1 AND locked_by = $2 RETURNING order_id`,
    [d.orderId, d.lease, ...params],
  );
  if (rows.length === 0) {
    throw new OrderCaptureError(
      'lease_lost',
      `ERP delivery of order ${d.orderId} is no longer held by ${d.lease}`,
    );
  }
}

export interface OutboxCounts {
  pending: number;
  delivered: number;
  failed: number;
}

/** Rows per status (metrics, health). */
export async function outboxCounts(q: Queryable): Promise<OutboxCounts> {
  const rows = await q.query<{ status: keyof OutboxCounts; n: number }>(
    `SELECT status, count(*)::int8 AS n FROM erp_outbox GROUP BY status`,
  );
  const counts: OutboxCounts = { pending: 0, delivered: 0, failed: 0 };
  for (const r of rows) counts[r.status] = r.n;
  return counts;
}
