import type { Queryable } from '../db/db.ts';
import type { FieldMeta } from '../domain/extraction.ts';
import type { Finding } from '../domain/findings.ts';
import { inContractOrder } from '../domain/canonical-json.ts';
import type { CanonicalOrder } from '../domain/order.ts';

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
}

/** Multi-row VALUES list: `($1,$2),($3,$4)` for rows of `width` parameters. */
function valuesList(rows: number, width: number, casts: string[] = []): string {
  const out: string[] = [];
  for (let r = 0; r < rows; r++) {
    const cells = Array.from({ length: width }, (_, c) => `$${r * width + c + 1}${casts[c] ?? ''}`);
    out.push(`(${cells.join(',')})`);
  }
  return out.join(',');
}

/** Stores an order, its lines and findings inside the caller's transaction; returns its id. */
export async function insertOrder(q: Queryable, o: NewOrder): Promise<number> {
  const c = o.order;
  const [row] = await q.query<{ id: number }>(
    `INSERT INTO orders (document_id, seq, reference, customer_id, po_number, order_date, delivery_date,
                         currency, total, status, confidence, data, field_meta, source_text, decided_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12::jsonb,$13::jsonb,$14, now()) RETURNING id`,
    [
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
    ],
  );
  const orderId = row!.id;
  if (c.lines.length > 0) {
    const params = c.lines.flatMap((l) => [
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
    ]);
    await q.query(
      `INSERT INTO order_lines (order_id, line_no, sku, customer_ref, gtin, description, quantity, unit,
                                unit_price, amount)
       VALUES ${valuesList(c.lines.length, 10)} ON CONFLICT (order_id, line_no) DO NOTHING`,
      params,
    );
  }
  await insertFindings(q, o.documentId, orderId, o.findings);
  return orderId;
}

export async function insertFindings(
  q: Queryable,
  documentId: number,
  orderId: number | null,
  findings: Finding[],
): Promise<void> {
  if (findings.length === 0) return;
  const params = findings.flatMap((f) => [documentId, orderId, f.code, f.severity, f.field, f.message]);
  await q.query(
    `INSERT INTO findings (document_id, order_id, code, severity, field, message)
     VALUES ${valuesList(findings.length, 6)}`,
    params,
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
    `SELECT order_id, code, severity, field, message FROM findings WHERE document_id = $1 ORDER BY id`,
    [documentId],
  );
  return rows.map((r) => ({
    orderId: r.order_id,
    code: r.code,
    severity: r.severity,
    field: r.field,
    message: r.message,
  }));
}
