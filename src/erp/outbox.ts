import type { ErpConfig } from '../config.ts';
import type { Db, Queryable } from '../db/db.ts';
import type { Channel } from '../domain/document.ts';
import type { CanonicalOrder } from '../domain/order.ts';
import { OrderCaptureError } from '../errors.ts';
import { moveOrders } from '../orders/status.ts';
import { LeasedQueue, nextRetry } from '../queue/leased.ts';
import { type EventInput, logEvents } from '../store/events.ts';
import type { Delivery, DeliveryResult } from './adapter.ts';

const ACTOR = 'system:erp';

const OUTBOX = new LeasedQueue({ table: 'erp_outbox', key: 'order_id', dueColumn: 'next_attempt_at' });

export { backoffDelayMs, formatDuration } from '../queue/leased.ts';

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
  /** The channel the order came by (metrics). */
  channel: Channel;
  /** Attempts so far, this one included (counted at claim, so a crash mid-send counts too). */
  attempts: number;
  /** Time spent trying so far, by the database's clock: since queued, or since an operator's retry. */
  elapsedMs: number;
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
  channel: Channel;
  elapsed_ms: number;
}

/**
 * Takes up to `limit` due rows for `adapter`, oldest order first, never past an older order
 * still waiting out a retry's backoff: orders reach the ERP in the order they were accepted,
 * outages and retries included (only the oldest waiting order probes a failing ERP; the rest
 * follow it once it is through, or once it has failed for good). SKIP LOCKED lets several
 * deliverers claim at once without handing one order to two of them; a lease that runs out
 * (process killed mid-send) makes the row due again, and it is resent with the same key.
 */
export async function claimDeliveries(q: Queryable, opts: ClaimOptions): Promise<ClaimedDelivery[]> {
  const rows = await OUTBOX.claim<ClaimRow>(q, {
    holder: opts.lease,
    leaseMs: opts.leaseMs,
    limit: opts.limit,
    join: 'JOIN orders o ON o.id = t.order_id',
    where: `t.adapter = $4
          AND NOT EXISTS (
            SELECT 1 FROM erp_outbox w JOIN orders wo ON wo.id = w.order_id
             WHERE w.status = 'pending' AND w.adapter = t.adapter AND w.next_attempt_at > now()
               AND (wo.created_at, wo.id) < (o.created_at, o.id))`,
    params: [opts.adapter],
    orderBy: 'o.created_at, o.id',
    returning: `b.order_id, b.adapter, b.idempotency_key, b.attempts, b.locked_by,
                (extract(epoch FROM now() - b.trying_since) * 1000)::float8 AS elapsed_ms`,
    select: `SELECT c.*, o.data, o.document_id, d.received_at, d.channel
       FROM claimed c JOIN orders o ON o.id = c.order_id JOIN documents d ON d.id = o.document_id
      ORDER BY o.created_at, o.id`,
  });
  return rows.map((r) => ({
    orderId: r.order_id,
    idempotencyKey: r.idempotency_key,
    order: r.data,
    documentId: r.document_id,
    receivedAt: r.received_at,
    adapter: r.adapter,
    channel: r.channel,
    attempts: r.attempts,
    elapsedMs: r.elapsed_ms,
    lease: r.locked_by,
  }));
}

/**
 * Gives back claimed rows that were never sent (held back behind an older order that has to be
 * retried): the claim is undone, attempt included, and the row keeps its place in the queue.
 * Rows no longer held by their lease are left alone.
 */
export async function releaseClaims(q: Queryable, deliveries: readonly ClaimedDelivery[]): Promise<void> {
  await OUTBOX.release(
    q,
    deliveries.map((d) => ({ key: d.orderId, lease: d.lease })),
  );
}

export type RecordedOutcome = 'delivered' | 'retry' | 'failed';

/** What `recordResults` did with one attempt: its outcome, or nothing because the lease was gone. */
export type BatchOutcome = RecordedOutcome | 'lease_lost';

/** One sent delivery and what the adapter answered. */
export interface DeliveryAttempt {
  delivery: ClaimedDelivery;
  result: DeliveryResult;
}

type RetryConfig = Pick<ErpConfig, 'maxAttempts' | 'backoffBaseMs' | 'backoffMaxMs'> &
  Partial<Pick<ErpConfig, 'giveUpAfterMs'>>;

/**
 * Stores what one attempt came to, in one transaction with the order's status and the audit
 * event. Throws `lease_lost` (and stores nothing) when the row is no longer held by `d.lease`:
 * whoever holds it now resends under the same key and records the result once.
 */
export async function recordResult(
  db: Db,
  d: ClaimedDelivery,
  result: DeliveryResult,
  config: RetryConfig,
): Promise<RecordedOutcome> {
  const [outcome] = await recordResults(db, [{ delivery: d, result }], config);
  if (outcome === 'lease_lost' || outcome === undefined) {
    throw new OrderCaptureError(
      'lease_lost',
      `ERP delivery of order ${d.orderId} is no longer held by ${d.lease}`,
    );
  }
  return outcome;
}

/**
 * Stores what a batch of attempts came to in one transaction of at most three statements,
 * however long the batch: the outbox rows, the orders' status, the audit events. A row no longer
 * held by its attempt's lease is left alone and comes back as `lease_lost` (its current holder
 * records it); the others are stored all the same. Outcomes come back in the order given.
 */
export async function recordResults(
  db: Db,
  attempts: readonly DeliveryAttempt[],
  config: RetryConfig,
): Promise<BatchOutcome[]> {
  if (attempts.length === 0) return [];
  const decisions = attempts.map((a) => decide(a.delivery, a.result, config));
  const ids = decisions.map((x) => x.d.orderId);
  if (new Set(ids).size !== ids.length) {
    // UPDATE ... FROM would apply one of two results for the same row, silently.
    throw new OrderCaptureError('internal', `ERP results for one order given twice: ${ids.join(', ')}`);
  }
  const held = await db.transaction(async (tx) => {
    const ours = new Set((await updateHeld(tx, decisions)).map((r) => r.order_id));
    const kept = decisions.filter((x) => ours.has(x.d.orderId));
    const ended = kept.filter((x) => x.outcome !== 'retry');
    await updateOrders(tx, ended);
    await logEvents(tx, kept.map(eventOf));
    return ours;
  });
  return decisions.map((x) => (held.has(x.d.orderId) ? x.outcome : 'lease_lost'));
}

/** One attempt's result, decided before any write: what every column and the event will say. */
interface Decision {
  d: ClaimedDelivery;
  outcome: RecordedOutcome;
  reference: string | null;
  error: string | null;
  delayMs: number | null;
}

function decide(d: ClaimedDelivery, result: DeliveryResult, config: RetryConfig): Decision {
  const none = { d, reference: null, error: null, delayMs: null };
  if (result.kind === 'delivered') return { ...none, outcome: 'delivered', reference: result.reference };
  if (result.kind === 'failed') return { ...none, outcome: 'failed', error: result.error };
  const next = nextRetry(d.attempts, config, d.elapsedMs, result.retryAfterMs);
  if (!next.retry) return { ...none, outcome: 'failed', error: `${next.reason}: ${result.error}` };
  return { ...none, outcome: 'retry', error: result.error, delayMs: next.delayMs };
}

/**
 * Writes each decision to its outbox row and releases the lease, only where the row is still
 * held by that attempt's lease (a row re-claimed since does not match and is left alone).
 * A retry keeps the row's status; delivered and failed end it. Returns the rows written.
 */
async function updateHeld(tx: Queryable, decisions: Decision[]): Promise<{ order_id: number }[]> {
  const held = await OUTBOX.settle(
    tx,
    decisions.map((x) => ({
      key: x.d.orderId,
      lease: x.d.lease,
      status: x.outcome === 'retry' ? null : x.outcome,
      error: x.error,
      delayMs: x.delayMs,
    })),
    {
      reference: {
        type: 'text',
        values: decisions.map((x) => x.reference),
        set: `erp_reference = CASE u.status WHEN 'delivered' THEN u.reference ELSE b.erp_reference END`,
      },
    },
    `delivered_at = CASE u.status WHEN 'delivered' THEN now() ELSE b.delivered_at END`,
  );
  return [...held].map((order_id) => ({ order_id }));
}

/** The order follows its delivery's end: `delivered` (with the instant) or `failed`. */
async function updateOrders(tx: Queryable, ended: Decision[]): Promise<void> {
  for (const to of ['delivered', 'failed'] as const) {
    await moveOrders(
      tx,
      ended.filter((x) => x.outcome === to).map((x) => x.d.orderId),
      'accepted',
      to,
    );
  }
}

function eventOf(x: Decision): EventInput {
  const { d } = x;
  const base = { actor: ACTOR, orderId: d.orderId, documentId: d.documentId };
  const common = { adapter: d.adapter, attempts: d.attempts };
  if (x.outcome === 'delivered') {
    return {
      ...base,
      kind: 'order.delivered',
      detail: { ...common, reference: x.reference, idempotencyKey: d.idempotencyKey },
    };
  }
  if (x.outcome === 'retry') {
    return {
      ...base,
      kind: 'order.delivery_retry',
      detail: { ...common, error: x.error, retryInMs: x.delayMs },
    };
  }
  return { ...base, kind: 'order.delivery_failed', detail: { ...common, error: x.error } };
}

export interface OutboxCounts {
  pending: number;
  delivered: number;
  failed: number;
}

/**
 * Seconds since the oldest order not yet in the ERP (pending or failed) was queued; 0 when none.
 * What an operator watches during an outage: `/health`, the dashboard and a gauge show it.
 */
export async function oldestUndeliveredSeconds(q: Queryable): Promise<number> {
  const [row] = await q.query<{ s: number | null }>(
    `SELECT extract(epoch FROM now() - min(created_at))::float8 AS s
       FROM erp_outbox WHERE status IN ('pending', 'failed')`,
  );
  return row?.s === null || row?.s === undefined ? 0 : Math.max(0, Math.round(row.s));
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
