import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../src/context.ts';
import type { Db } from '../../src/db/db.ts';
import type { Finding } from '../../src/domain/findings.ts';
import type { CanonicalOrder } from '../../src/domain/order.ts';
import { HttpError } from '../../src/http/errors.ts';
import { submit, waitForDocument } from '../../src/pipeline/submit.ts';
import { sha256 } from '../../src/store/blobs.ts';
import { getDocument } from '../../src/store/documents.ts';
import { findingsOf, ordersOfDocument } from '../../src/store/orders.ts';
import type { Principal } from './auth.ts';

/** What a web submission answers: the order once the pipeline has decided, else `received`. */
export interface Receipt {
  /** Order id as a string; null while the pipeline has not finished, or when nothing was usable. */
  id: string | null;
  documentId: string;
  /** accepted / review / rejected / delivered / failed, or `received` while still in the pipeline. */
  status: string;
  findings: Finding[];
}

export interface SubmitOutcome {
  receipt: Receipt;
  /** The pipeline finished within the synchronous wait. */
  finished: boolean;
  /** The same idempotency key was seen before: this answers the earlier submission. */
  replayed: boolean;
}

/** `Idempotency-Key` (API) or the form's submission id (portal): visible ASCII, bounded. */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/**
 * Stores a validated web order as a document of the authenticated customer, then waits up to
 * `http.syncWaitMs` for the pipeline. With a key, the document's source reference is derived from
 * it, so a retried request finds the first document instead of creating a second.
 */
export async function submitWebOrder(
  ctx: AppContext,
  principal: Principal,
  order: CanonicalOrder,
  opts: { key: string | null; via: 'api' | 'portal'; meta?: Record<string, unknown> },
): Promise<SubmitOutcome> {
  const owned: CanonicalOrder = { ...order, customer: { ...order.customer, id: principal.customerId } };
  const bytes = Buffer.from(`${JSON.stringify(owned, null, 2)}\n`);
  const sourceRef = opts.key
    ? `${opts.via}:${principal.customerId}:${opts.key}`
    : `${opts.via}:${randomUUID()}`;
  const { documentId, created } = await submit(ctx.db, {
    channel: 'web',
    sourceRef,
    sender: principal.customerId,
    customerId: principal.customerId,
    receivedAt: new Date(),
    filename: null,
    contentType: 'application/json',
    bytes,
    meta: { via: opts.via, ...(opts.key ? { idempotencyKey: opts.key } : {}), ...opts.meta },
  });
  if (!created) {
    const earlier = await getDocument(ctx.db, documentId);
    if (earlier && earlier.sha256 !== sha256(bytes)) {
      throw new HttpError(
        'idempotency_conflict',
        'this Idempotency-Key was already used for a different order',
      );
    }
  }
  const done = await waitForDocument(ctx.db, documentId, ctx.config.http.syncWaitMs);
  const receipt = done ? await receiptOf(ctx.db, documentId) : received(documentId);
  return { receipt, finished: receipt.status !== 'received', replayed: !created };
}

const received = (documentId: number): Receipt => ({
  id: null,
  documentId: String(documentId),
  status: 'received',
  findings: [],
});

/**
 * What the sender of an order naming another customer is told: that much and no more. The
 * findings written for the operator name the other customer; the rest of the order's findings
 * are withheld as well, so nothing about anyone else's master data can reach the caller.
 */
export const MISMATCH_FOR_CALLER: Finding = {
  code: 'customer_mismatch',
  severity: 'error',
  field: 'customer.id',
  message:
    'The order names another customer than the one this access token belongs to; it is held until our staff have checked it.',
};

/** The receipt of a document as it stands now. */
export async function receiptOf(db: Db, documentId: number): Promise<Receipt> {
  const doc = await getDocument(db, documentId);
  if (!doc || doc.status === 'received' || doc.status === 'processing') return received(documentId);
  const [order] = await ordersOfDocument(db, documentId);
  if (order?.findings.some((f) => f.code === 'customer_mismatch')) {
    // Not the caller's order (yet): no order id to follow, only the status and the mismatch.
    return {
      id: null,
      documentId: String(documentId),
      status: order.status,
      findings: [MISMATCH_FOR_CALLER],
    };
  }
  if (order) {
    return {
      id: String(order.id),
      documentId: String(documentId),
      status: order.status,
      findings: order.findings,
    };
  }
  const findings = (await findingsOf(db, documentId)).map(({ orderId: _, ...f }) => f);
  return { id: null, documentId: String(documentId), status: 'rejected', findings };
}

/** Row id from a path parameter, or null for anything that cannot be one. */
export function parseId(raw: unknown): number | null {
  return typeof raw === 'string' && /^[1-9]\d{0,14}$/.test(raw) ? Number(raw) : null;
}

/**
 * SQL condition: the order (alias o, document d) belongs to the customer in parameter $n. An order
 * whose sender and named customer differ (`customer_mismatch`) belongs to nobody until an
 * operator has decided it.
 */
const OWN_ORDER = (n: number) =>
  `((o.customer_id = $${n} OR d.customer_id = $${n}) AND (o.decided_by IS NOT NULL OR NOT EXISTS (
     SELECT 1 FROM findings f WHERE f.order_id = o.id AND f.code = 'customer_mismatch')))`;

/** One of a customer's orders as the API and the portal show it. */
export interface OwnOrder {
  id: string;
  documentId: string;
  status: string;
  order: CanonicalOrder;
  findings: Finding[];
  createdAt: Date;
}

/** One of the customer's own orders; null for an order of anyone else (answered as 404). */
export async function findOwnOrder(db: Db, customerId: string, orderId: number): Promise<OwnOrder | null> {
  const [row] = await db.query<{
    id: number;
    document_id: number;
    status: string;
    data: CanonicalOrder;
    created_at: Date;
  }>(
    `SELECT o.id, o.document_id, o.status, o.data, o.created_at
       FROM orders o JOIN documents d ON d.id = o.document_id
      WHERE o.id = $1 AND ${OWN_ORDER(2)}`,
    [orderId, customerId],
  );
  if (!row) return null;
  const findings = await db.query<Finding>(
    `SELECT code, severity, field, message, params FROM findings WHERE order_id = $1 AND current ORDER BY id`,
    [orderId],
  );
  return {
    id: String(row.id),
    documentId: String(row.document_id),
    status: row.status,
    order: row.data,
    // The contract's finding shape; params (for rendering in the reader's language) only when set.
    findings: findings.map(({ params, ...f }) => (params ? { ...f, params } : f)),
    createdAt: row.created_at,
  };
}

/** A row of the portal's order list: the customer's status page. */
export interface OrderSummary {
  id: string;
  poNumber: string | null;
  orderDate: string | null;
  deliveryDate: string | null;
  status: string;
  channel: string;
  /** When its document arrived. */
  receivedAt: Date;
  /** When it was accepted (by the machine or a person): the day it was confirmed. */
  confirmedAt: Date | null;
  createdAt: Date;
}

/** The customer's own orders, newest first. */
export async function listOwnOrders(db: Db, customerId: string, limit = 100): Promise<OrderSummary[]> {
  const rows = await db.query<{
    id: number;
    po_number: string | null;
    order_date: string | null;
    delivery_date: string | null;
    status: string;
    channel: string;
    received_at: Date;
    confirmed_at: Date | null;
    created_at: Date;
  }>(
    `SELECT o.id, o.po_number, o.order_date::text, o.delivery_date::text, o.status, d.channel,
            d.received_at, o.created_at,
            CASE WHEN o.status IN ('accepted', 'delivered') THEN coalesce(o.decided_at, o.created_at) END AS confirmed_at
       FROM orders o JOIN documents d ON d.id = o.document_id
      WHERE ${OWN_ORDER(1)} ORDER BY o.id DESC LIMIT $2`,
    [customerId, limit],
  );
  return rows.map((r) => ({
    id: String(r.id),
    poNumber: r.po_number,
    orderDate: r.order_date,
    deliveryDate: r.delivery_date,
    status: r.status,
    channel: r.channel,
    receivedAt: r.received_at,
    confirmedAt: r.confirmed_at,
    createdAt: r.created_at,
  }));
}

/** The customer's web documents the pipeline has not finished yet. */
export async function listPendingDocuments(
  db: Db,
  customerId: string,
): Promise<Array<{ id: string; receivedAt: Date }>> {
  const rows = await db.query<{ id: number; received_at: Date }>(
    `SELECT id, received_at FROM documents
      WHERE customer_id = $1 AND status IN ('received', 'processing') ORDER BY id DESC LIMIT 50`,
    [customerId],
  );
  return rows.map((r) => ({ id: String(r.id), receivedAt: r.received_at }));
}

/** True when the document was sent by this customer (web order, or EDI pushed with its token). */
export async function ownsDocument(db: Db, customerId: string, documentId: number): Promise<boolean> {
  const rows = await db.query(
    `SELECT 1 FROM documents
      WHERE id = $1 AND (customer_id = $2 OR (channel = 'edi' AND meta->>'authenticatedCustomer' = $2))`,
    [documentId, customerId],
  );
  return rows.length > 0;
}
