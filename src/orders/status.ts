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
