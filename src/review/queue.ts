/**
 * The review queue's data: what waits for a person (priority first, then the SLA deadline),
 * holding an order while someone works on it, and the facts shown beside an order (the
 * customer's prices, usual quantities, credit left).
 */
import type { Queryable } from '../db/db.ts';
import type { FieldMeta } from '../domain/extraction.ts';
import type { Finding } from '../domain/findings.ts';
import type { CanonicalOrder } from '../domain/order.ts';
import { loadOpenAmount } from '../validate/repository.ts';

/** How long an opened order stays with its operator without activity. */
export const HOLD_MINUTES = 15;

export interface QueueFilters {
  channel?: string;
  customer?: string;
  code?: string;
  /** Only orders waiting at least this many hours. */
  olderThanHours?: number;
}

export interface QueueItem {
  id: number;
  document_id: number;
  channel: string;
  customer_id: string | null;
  customer_name: string | null;
  po_number: string | null;
  received_at: Date;
  deadline: Date;
  priority: string | null;
  codes: string[] | null;
  held_by_name: string | null;
  held_by: number | null;
  on_hold: string | null;
}

/** Orders waiting for a person: priority first, then the nearest SLA deadline (received + sla_hours). */
export async function listQueue(
  q: Queryable,
  f: QueueFilters = {},
  operatorId?: number,
): Promise<QueueItem[]> {
  return q.query<QueueItem>(
    `SELECT o.id, o.document_id, d.channel, o.customer_id, c.name AS customer_name, o.po_number,
            d.received_at, o.priority,
            coalesce(o.due_at, d.received_at + make_interval(secs => coalesce(c.sla_hours, 24) * 3600)) AS deadline,
            (SELECT array_agg(DISTINCT f.code ORDER BY f.code) FROM findings f
              WHERE f.order_id = o.id AND f.current AND f.severity <> 'info') AS codes,
            CASE WHEN o.held_until > now() AND o.held_by IS DISTINCT FROM $4 THEN u.name END AS held_by_name,
            CASE WHEN o.held_until > now() THEN o.held_by END AS held_by, o.on_hold
       FROM orders o JOIN documents d ON d.id = o.document_id
       LEFT JOIN customers c ON c.id = o.customer_id
       LEFT JOIN users u ON u.id = o.held_by
      WHERE o.status = 'review'
        AND ($1::text IS NULL OR d.channel = $1)
        AND ($2::text IS NULL OR o.customer_id = $2)
        AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM findings f WHERE f.order_id = o.id AND f.current AND f.code = $3))
        AND ($5::float8 IS NULL OR d.received_at <= now() - make_interval(secs => $5 * 3600))
      ORDER BY (o.on_hold IS NOT NULL), (o.priority IS NOT NULL) DESC, deadline, o.id
      LIMIT 500`,
    [f.channel || null, f.customer || null, f.code || null, operatorId ?? null, f.olderThanHours ?? null],
  );
}

export interface ReviewOrder {
  id: number;
  document_id: number;
  status: string;
  version: number;
  data: CanonicalOrder;
  field_meta: Record<string, FieldMeta>;
  source_text: string | null;
  priority: string | null;
  channel: string;
  sender: string | null;
  received_at: Date;
  filename: string | null;
  doc_customer_id: string | null;
  held_by: number | null;
  held_by_name: string | null;
  on_hold: string | null;
  findings: Finding[];
  /** The order's ERP delivery: null when never queued; its last error is the ERP's answer in words. */
  erp_status: 'pending' | 'delivered' | 'failed' | null;
  erp_error: string | null;
  erp_reference: string | null;
}

export async function loadReviewOrder(q: Queryable, id: number): Promise<ReviewOrder | null> {
  const [row] = await q.query<ReviewOrder>(
    `SELECT o.id, o.document_id, o.status, o.version, o.data, o.field_meta, o.source_text, o.priority, o.on_hold,
            d.channel, d.sender, d.received_at, d.filename, d.customer_id AS doc_customer_id,
            b.status AS erp_status, b.last_error AS erp_error, b.erp_reference,
            CASE WHEN o.held_until > now() THEN o.held_by END AS held_by,
            CASE WHEN o.held_until > now() THEN u.name END AS held_by_name,
            coalesce((SELECT json_agg(json_build_object('code', f.code, 'severity', f.severity,
                                                        'field', f.field, 'message', f.message,
                                                        'params', f.params) ORDER BY f.id)
                        FROM findings f WHERE f.order_id = o.id AND f.current), '[]') AS findings
       FROM orders o JOIN documents d ON d.id = o.document_id LEFT JOIN users u ON u.id = o.held_by
            LEFT JOIN erp_outbox b ON b.order_id = o.id
      WHERE o.id = $1`,
    [id],
  );
  return row ?? null;
}

/** Takes the order for `operatorId` unless someone else holds it; true when it is now theirs. */
export async function holdOrder(q: Queryable, id: number, operatorId: number): Promise<boolean> {
  const rows = await q.query(
    `UPDATE orders SET held_by = $2, held_until = now() + make_interval(mins => $3)
      WHERE id = $1 AND status = 'review'
        AND (held_by IS NULL OR held_until < now() OR held_by = $2)
      RETURNING id`,
    [id, operatorId, HOLD_MINUTES],
  );
  return rows.length > 0;
}

/** The next order in the queue after `afterId` that nobody else holds. */
export async function nextInQueue(
  q: Queryable,
  operatorId: number,
  afterId?: number,
): Promise<number | null> {
  const items = await listQueue(q, {}, operatorId);
  const free = items.filter((i) => i.held_by === null || i.held_by === operatorId);
  const at = afterId === undefined ? -1 : free.findIndex((i) => i.id === afterId);
  return (free[at + 1] ?? free.find((i) => i.id !== afterId))?.id ?? null;
}

/** What the operator should see beside a line and the header: the customer's price, usual quantity, credit. */
export interface OrderContext {
  lines: Array<{ customerPrice: number | null; usualQuantity: number | null }>;
  creditLeft: number | null;
  currency: string | null;
}

export async function orderContext(q: Queryable, order: CanonicalOrder): Promise<OrderContext> {
  const customerId = order.customer.id;
  const skus = order.lines.map((l) => l.sku ?? '');
  const rows = customerId
    ? await q.query<{ sku: string; price: number | null; usual: number | null }>(
        `SELECT s.sku,
                (SELECT coalesce(pr.unit_price, p.unit_price)::float8 FROM products p
                   LEFT JOIN prices pr ON pr.sku = p.sku AND pr.customer_id = $1 WHERE p.sku = s.sku) AS price,
                (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY h.quantity)::float8 FROM order_history h
                  WHERE h.customer_id = $1 AND h.sku = s.sku) AS usual
           FROM unnest($2::text[]) AS s(sku)`,
        [customerId, skus],
      )
    : [];
  const [customer] = customerId
    ? await q.query<{ credit_limit: number | null; currency: string | null }>(
        `SELECT credit_limit::float8 AS credit_limit, currency FROM customers WHERE id = $1`,
        [customerId],
      )
    : [];
  // Open orders of the last 30 days, this one included, as the credit check counts them.
  const open = customerId && customer?.credit_limit != null ? await loadOpenAmount(q, customerId, -1) : null;
  const credit = {
    left: open && customer?.credit_limit != null ? customer.credit_limit - Number(open.amount) : null,
    currency: customer?.currency ?? null,
  };
  const bySku = new Map(rows.map((r) => [r.sku, r]));
  return {
    lines: order.lines.map((l) => {
      const r = l.sku ? bySku.get(l.sku) : undefined;
      return { customerPrice: r?.price ?? null, usualQuantity: r?.usual ?? null };
    }),
    creditLeft: credit.left,
    currency: credit.currency,
  };
}

export interface RejectedDocument {
  id: number;
  channel: string;
  filename: string | null;
  sender: string | null;
  received_at: Date;
  status_reason: string | null;
  /** Its first finding, to be told in the reader's language. */
  finding: Pick<Finding, 'code' | 'message' | 'params'> | null;
}

/**
 * Documents the machine rejected (unreadable, not an order) in the last `days`: no order came of
 * them, so without this list a file dropped in a folder would be seen only by archive search.
 */
export async function listRejectedDocuments(q: Queryable, days = 7, limit = 50): Promise<RejectedDocument[]> {
  return q.query<RejectedDocument>(
    `SELECT d.id, d.channel, d.filename, d.sender, d.received_at, d.status_reason,
            (SELECT json_build_object('code', f.code, 'message', f.message, 'params', f.params)
               FROM findings f WHERE f.document_id = d.id AND f.current ORDER BY f.id LIMIT 1) AS finding
       FROM documents d
      WHERE d.status = 'rejected' AND d.received_at > now() - make_interval(days => $1)
      ORDER BY d.received_at DESC, d.id DESC LIMIT $2`,
    [days, limit],
  );
}
