import type { Db } from '../db/db.ts';
import { OrderCaptureError } from '../errors.ts';
import { moveOrders } from '../orders/status.ts';
import { wakeWorkers } from '../queue/signal.ts';
import { type EventInput, logEvents } from '../store/events.ts';

/** Which failed deliveries an operator sends again: every one, or the orders named. */
export type RetrySelection = { all: true } | { orderIds: number[] };

export interface RetryReport {
  /** Orders queued again, in arrival order (the order the deliverer will send them in). */
  queued: Array<{ orderId: number; idempotencyKey: string; previousError: string | null }>;
  /** Orders named that were not queued again, with the reason in words. */
  skipped: Array<{ orderId: number; reason: string }>;
}

/**
 * Sends failed ERP deliveries again: each named (or every) `failed` outbox row goes back to
 * `pending`, due now, with a fresh time allowance (`trying_since`), its attempts counted from zero
 * and its idempotency key unchanged, so an ERP that did take the order after all answers with
 * the first result instead of creating a second one. The order returns from `failed` to
 * `accepted`. Each order requeued gets an `order.delivery_resent` audit event naming `actor`.
 * All in one transaction; the deliverer claims them by arrival order, oldest first.
 */
export async function retryFailedDeliveries(
  db: Db,
  selection: RetrySelection,
  actor: string,
): Promise<RetryReport> {
  const named = 'orderIds' in selection ? [...new Set(selection.orderIds)] : null;
  if (named?.some((id) => !Number.isSafeInteger(id) || id <= 0)) {
    throw new OrderCaptureError('input_invalid', 'order ids are positive whole numbers');
  }
  const report = await db.transaction(async (tx) => {
    const rows = await tx.query<{
      order_id: number;
      document_id: number;
      adapter: string;
      idempotency_key: string;
      last_error: string | null;
      attempts: number;
    }>(
      `WITH old AS (
         SELECT b.order_id, b.attempts, b.last_error FROM erp_outbox b
          WHERE b.status = 'failed' AND ($1::bigint[] IS NULL OR b.order_id = ANY($1))
          FOR UPDATE),
       requeued AS (
         UPDATE erp_outbox b
            SET status = 'pending', attempts = 0, next_attempt_at = now(), trying_since = now(),
                locked_by = NULL, locked_until = NULL
           FROM old WHERE b.order_id = old.order_id
         RETURNING b.order_id, b.adapter, b.idempotency_key)
       SELECT r.order_id, o.document_id, r.adapter, r.idempotency_key, old.last_error, old.attempts
         FROM requeued r JOIN old ON old.order_id = r.order_id JOIN orders o ON o.id = r.order_id
        ORDER BY o.created_at, o.id`,
      [named],
    );
    const ids = rows.map((r) => r.order_id);
    if (ids.length > 0) {
      await moveOrders(tx, ids, 'failed', 'accepted');
      await logEvents(
        tx,
        rows.map(
          (r): EventInput => ({
            actor,
            kind: 'order.delivery_resent',
            orderId: r.order_id,
            documentId: r.document_id,
            detail: {
              adapter: r.adapter,
              idempotencyKey: r.idempotency_key,
              previousError: r.last_error,
              previousAttempts: r.attempts,
            },
          }),
        ),
      );
    }
    const skipped = named
      ? await whyNot(
          tx,
          named.filter((id) => !ids.includes(id)),
        )
      : [];
    return {
      queued: rows.map((r) => ({
        orderId: r.order_id,
        idempotencyKey: r.idempotency_key,
        previousError: r.last_error,
      })),
      skipped,
    };
  });
  if (report.queued.length > 0) wakeWorkers();
  return report;
}

/** Why each of these orders was not sent again, in words. */
async function whyNot(
  q: Pick<Db, 'query'>,
  ids: number[],
): Promise<Array<{ orderId: number; reason: string }>> {
  if (ids.length === 0) return [];
  const rows = await q.query<{ id: number; order_status: string; outbox_status: string | null }>(
    `SELECT o.id, o.status AS order_status, b.status AS outbox_status
       FROM orders o LEFT JOIN erp_outbox b ON b.order_id = o.id WHERE o.id = ANY($1)`,
    [ids],
  );
  return ids.map((orderId) => {
    const r = rows.find((x) => x.id === orderId);
    if (!r) return { orderId, reason: 'no such order' };
    if (r.outbox_status === null)
      return { orderId, reason: `never queued for the ERP (order is ${r.order_status})` };
    if (r.outbox_status === 'delivered') return { orderId, reason: 'already delivered' };
    return { orderId, reason: 'still being delivered (not failed)' };
  });
}
