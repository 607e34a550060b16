import type { Queryable } from '../db/db.ts';
import { insertMany } from '../db/insert-many.ts';
import type { FieldMeta } from '../domain/extraction.ts';
import type { Finding } from '../domain/findings.ts';
import { inContractOrder } from '../domain/canonical-json.ts';
import type { CanonicalOrder, OrderLine } from '../domain/order.ts';

export interface NewOrder {
  documentId: number;
  seq: number;
  reference: string | null;
  status: 'accepted' | 'review' | 'rejected';
  confidence: number;
  order: CanonicalOrder;
  fieldMeta: Record<string, FieldMeta>;
  findings: Finding[];
  sourceText: string | null;
  /** Why the order is urgent (review queue), null when it is not. */
  priority?: string | null;
  /** When the order is due (SLA), null when not computed. */
  dueAt?: Date | null;
}

/** Stores one order, its lines and findings inside the caller's transaction; returns its id. */
export async function insertOrder(q: Queryable, o: NewOrder): Promise<number> {
  const [id] = await insertOrders(q, [o]);
  return id!;
}

/**
 * Stores the orders of one document with their lines and findings in three statements, whatever
 * their number (a large EDIFACT interchange holds hundreds). Returns the ids in input order.
 */
export async function insertOrders(q: Queryable, orders: NewOrder[]): Promise<number[]> {
  if (orders.length === 0) return [];
  const rows = await insertMany<{ id: number; document_id: number; seq: number }>(
    q,
    `INSERT INTO orders (document_id, seq, reference, customer_id, po_number, order_date, delivery_date,
                         currency, total, status, confidence, data, field_meta, source_text, order_value,
                         priority, due_at, decided_at)`,
    orders.map((o) => {
      const c = o.order;
      return [
        o.documentId,
        o.seq,
        o.reference,
        c.customer.id,
        c.poNumber,
        c.orderDate,
        c.deliveryDate,
        c.currency,
        c.total,
        o.status,
        o.confidence,
        JSON.stringify(c),
        JSON.stringify(o.fieldMeta),
        o.sourceText,
        orderValue(c),
        o.priority ?? null,
        o.dueAt ?? null,
      ];
    }),
    { casts: ORDER_CASTS, rowTail: ', now()', suffix: 'RETURNING id, document_id, seq' },
  );
  const idOf = new Map(rows.map((r) => [`${r.document_id}/${r.seq}`, r.id]));
  const ids = orders.map((o) => idOf.get(`${o.documentId}/${o.seq}`)!);
  await insertLines(
    q,
    orders.flatMap((o, i) => o.order.lines.map((line) => ({ orderId: ids[i]!, line }))),
  );
  const findings = orders.flatMap((o, i) =>
    o.findings.map((f) => ({ documentId: o.documentId, orderId: ids[i]!, f })),
  );
  await insertFindingRows(q, findings);
  return ids;
}

const ORDER_CASTS = [
  '',
  '',
  '',
  '',
  '',
  '',
  '',
  '',
  '',
  '',
  '',
  '::jsonb',
  '::jsonb',
  '',
  '',
  '',
  '::timestamptz',
];

/** Stores order lines (of one or many orders) in one statement; a line already stored is kept. */
export async function insertLines(
  q: Queryable,
  lines: Array<{ orderId: number; line: OrderLine }>,
): Promise<void> {
  if (lines.length === 0) return;
  await insertMany(
    q,
    `INSERT INTO order_lines (order_id, line_no, sku, customer_ref, gtin, description, quantity, unit,
                              unit_price, amount)`,
    lines.map(({ orderId, line: l }) => [
      orderId,
      l.lineNo,
      l.sku,
      l.customerRef,
      l.gtin,
      l.description,
      l.quantity,
      l.unit,
      l.unitPrice,
      l.amount,
    ]),
    { suffix: 'ON CONFLICT (order_id, line_no) DO NOTHING' },
  );
}

/** The order's total, or the sum of its priced lines; null when neither is known. */
export function orderValue(o: CanonicalOrder): number | null {
  if (o.total !== null) return o.total;
  let sum = 0;
  let priced = false;
  for (const l of o.lines) {
    if (l.quantity === null || l.unitPrice === null) continue;
    sum += l.quantity * l.unitPrice;
    priced = true;
  }
  return priced ? Math.round(sum * 10_000) / 10_000 : null;
}

export async function insertFindings(
  q: Queryable,
  documentId: number,
  orderId: number | null,
  findings: Finding[],
  /** Who found them: the pipeline, or the validation of an operator's decision. */
  origin: 'machine' | 'operator' = 'machine',
): Promise<void> {
  await insertFindingRows(
    q,
    findings.map((f) => ({ documentId, orderId, f })),
    origin,
  );
}

async function insertFindingRows(
  q: Queryable,
  rows: Array<{ documentId: number; orderId: number | null; f: Finding }>,
  origin: 'machine' | 'operator' = 'machine',
): Promise<void> {
  await insertMany(
    q,
    'INSERT INTO findings (document_id, order_id, code, severity, field, message, params, origin)',
    rows.map(({ documentId, orderId, f }) => [
      documentId,
      orderId,
      f.code,
      f.severity,
      f.field,
      f.message,
      f.params ? JSON.stringify(f.params) : null,
      origin,
    ]),
  );
}

export interface StoredOrder {
  id: number;
  documentId: number;
  status: string;
  confidence: number;
  order: CanonicalOrder;
  findings: Finding[];
}

/** The orders of a document in document order, with their findings. */
export async function ordersOfDocument(q: Queryable, documentId: number): Promise<StoredOrder[]> {
  const orders = await q.query<{ id: number; status: string; confidence: number; data: CanonicalOrder }>(
    `SELECT id, status, confidence, data FROM orders WHERE document_id = $1 ORDER BY seq`,
    [documentId],
  );
  const findings = await findingsOf(q, documentId);
  return orders.map((o) => ({
    id: o.id,
    documentId,
    status: o.status,
    confidence: o.confidence,
    order: inContractOrder(o.data),
    findings: findings.filter((f) => f.orderId === o.id).map(({ orderId: _, ...f }) => f),
  }));
}

export async function findingsOf(
  q: Queryable,
  documentId: number,
): Promise<Array<Finding & { orderId: number | null }>> {
  const rows = await q.query<Finding & { order_id: number | null }>(
    `SELECT order_id, code, severity, field, message, params FROM findings
      WHERE document_id = $1 AND current ORDER BY id`,
    [documentId],
  );
  return rows.map((r) => ({
    orderId: r.order_id,
    code: r.code,
    severity: r.severity,
    field: r.field,
    message: r.message,
    ...(r.params ? { params: r.params } : {}),
  }));
}
