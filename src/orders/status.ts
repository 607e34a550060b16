/**
 * The one owner of an order's status: which moves are allowed, and the statement that makes one.
 * Every `UPDATE orders SET status` goes through `moveOrders` or guards itself with `guardOf`, so
 * an order never leaves a final state and never skips one (a rejected order is not delivered).
 */
import type { Queryable } from '../db/db.ts';
import type { OrderStatus } from '../domain/document.ts';
import { OrderCaptureError } from '../errors.ts';

export type { OrderStatus } from '../domain/document.ts';

/** From each status, where an order may go; `delivered` and `rejected` are final. */
export const TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  // An operator decides an order held for review.
  review: ['accepted', 'rejected'],
  // The ERP outbox records its delivery's end.
  accepted: ['delivered', 'failed'],
  // `order-capture erp retry` (or the dashboard's button) sends a failed delivery again.
  failed: ['accepted'],
  delivered: [],
  rejected: [],
};

export function canMove(from: OrderStatus, to: OrderStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/**
 * The status an UPDATE must find for the move `from` -> `to` (its WHERE guard); a move the table
 * does not allow is a programming error and throws before any statement runs.
 */
export function guardOf(from: OrderStatus, to: OrderStatus): OrderStatus {
  if (!canMove(from, to)) throw new OrderCaptureError('internal', `an order cannot go from ${from} to ${to}`);
  return from;
}

/**
 * Moves those of the orders `ids` that are `from` to `to`, inside the caller's transaction;
 * `delivered` also records the instant. Returns the ids that moved.
 */
export async function moveOrders(
  q: Queryable,
  ids: readonly number[],
  from: OrderStatus,
  to: OrderStatus,
): Promise<number[]> {
  const guard = guardOf(from, to);
  if (ids.length === 0) return [];
  const rows = await q.query<{ id: number }>(
    `UPDATE orders
        SET status = $2,
            delivered_at = CASE WHEN $2 = 'delivered' THEN now() ELSE delivered_at END
      WHERE id = ANY($1::bigint[]) AND status = $3
      RETURNING id`,
    [ids, to, guard],
  );
  return rows.map((r) => Number(r.id));
}

/**
 * Teaching (`teach`, `extract --teach`) records history, not a decision: the order a person
 * confirmed replaces whatever the reading made of a document that went nowhere (taught documents
 * are sent to no ERP and no customer). So the taught order becomes `accepted` and the document's
 * other orders `rejected`, whatever they were: the one move outside `TRANSITIONS`, made here only,
 * and refused for a document any of whose orders is queued for the ERP or a confirmation.
 */
export async function settleTaught(q: Queryable, documentId: number, orderId: number): Promise<void> {
  const sent = await q.query(
    `SELECT 1 FROM orders o
      WHERE o.document_id = $1
        AND (EXISTS (SELECT 1 FROM erp_outbox b WHERE b.order_id = o.id)
             OR EXISTS (SELECT 1 FROM confirmation_outbox c WHERE c.order_id = o.id))
      LIMIT 1`,
    [documentId],
  );
  if (sent.length > 0) {
    throw new OrderCaptureError(
      'internal',
      `document ${documentId} has orders sent to the ERP or the customer: it cannot be taught over`,
    );
  }
  await q.query(
    `UPDATE orders SET status = CASE WHEN id = $2 THEN 'accepted' ELSE 'rejected' END
      WHERE document_id = $1`,
    [documentId, orderId],
  );
}
