/**
 * What an operator decides about an order: approve (re-validated, queued for the ERP and the
 * customer's confirmation, what was taught learned), reject, or put on hold. Every change is an
 * event with the operator as actor; the order's version keeps two people from deciding it twice.
 */
import type { AppContext } from '../context.ts';
import { enqueueConfirmations } from '../confirm/outbox.ts';
import { guardOf } from '../orders/status.ts';
import { emptyEvidence, type FieldMeta } from '../domain/extraction.ts';
import type { CanonicalOrder, OrderLine } from '../domain/order.ts';
import { enqueueDelivery } from '../erp/outbox.ts';
import { wakeWorkers } from '../queue/signal.ts';
import { type EventInput, logEvents } from '../store/events.ts';
import { insertFindings, insertLines, orderValue } from '../store/orders.ts';
import type { Finding } from '../domain/findings.ts';
import { validateOrder } from '../validate/index.ts';
import { recordConfirmed } from '../learn/store.ts';
import { loadReviewOrder } from './queue.ts';
import { confirmationChannels } from '../confirm/senders.ts';

export interface Operator {
  id: number;
  login: string;
  name: string;
}

/** What the operator submitted: the whole order as it should be. */
export interface Correction {
  version: number;
  customerId: string | null;
  poNumber: string | null;
  orderDate: string | null;
  deliveryDate: string | null;
  currency: string | null;
  lines: Array<Pick<OrderLine, 'sku' | 'customerRef' | 'description' | 'quantity' | 'unit' | 'unitPrice'>>;
  /** Save the customer references mapped to SKUs as cross-references. */
  remember: boolean;
}

export type DecisionResult =
  | { ok: true; learned: Array<{ customerRef: string; sku: string }> }
  | {
      ok: false;
      reason: 'changed' | 'decided' | 'held' | 'invalid' | 'not_found';
      messages: string[];
      /** 'invalid': the findings that stand in the way, to be told in the operator's language. */
      findings?: Finding[];
    };

const actorOf = (op: Operator) => `user:${op.login}`;

function correctedOrder(before: CanonicalOrder, c: Correction): CanonicalOrder {
  return {
    ...before,
    customer: { ...before.customer, id: c.customerId },
    poNumber: c.poNumber,
    orderDate: c.orderDate,
    deliveryDate: c.deliveryDate,
    currency: c.currency,
    lines: c.lines.map((l, i) => ({
      lineNo: i + 1,
      sku: l.sku,
      customerRef: l.customerRef,
      gtin: before.lines[i]?.sku === l.sku ? (before.lines[i]?.gtin ?? null) : null,
      description: l.description,
      quantity: l.quantity,
      unit: l.unit,
      unitPrice: l.unitPrice,
      amount:
        l.quantity !== null && l.unitPrice !== null ? Math.round(l.quantity * l.unitPrice * 100) / 100 : null,
    })),
    total: null,
  };
}

/** Field-by-field differences, for the audit log: `poNumber`, `lines[1].quantity`, ... */
function changes(
  before: CanonicalOrder,
  after: CanonicalOrder,
): Array<{ field: string; from: unknown; to: unknown }> {
  const out: Array<{ field: string; from: unknown; to: unknown }> = [];
  const header = ['poNumber', 'orderDate', 'deliveryDate', 'currency'] as const;
  if (before.customer.id !== after.customer.id)
    out.push({ field: 'customer.id', from: before.customer.id, to: after.customer.id });
  for (const f of header) if (before[f] !== after[f]) out.push({ field: f, from: before[f], to: after[f] });
  const n = Math.max(before.lines.length, after.lines.length);
  for (let i = 0; i < n; i++) {
    const b = before.lines[i];
    const a = after.lines[i];
    if (!a || !b) {
      out.push({ field: `lines[${i}]`, from: b ?? null, to: a ?? null });
      continue;
    }
    for (const f of ['sku', 'customerRef', 'description', 'quantity', 'unit', 'unitPrice'] as const) {
      if (b[f] !== a[f]) out.push({ field: `lines[${i}].${f}`, from: b[f], to: a[f] });
    }
  }
  return out;
}

/**
 * Approves an order as the operator corrected it: validated again against master data (the
 * operator's values count as certain), refused while an error stands (unknown article, missing
 * field, duplicate), then stored, queued for the ERP and the confirmation, in one transaction
 * that also checks nobody changed or decided the order since the operator opened it.
 */
export async function approveOrder(
  ctx: AppContext,
  op: Operator,
  id: number,
  c: Correction,
): Promise<DecisionResult> {
  const current = await loadReviewOrder(ctx.db, id);
  if (!current) return { ok: false, reason: 'not_found', messages: [`order ${id} does not exist`] };
  if (current.status !== 'review') return { ok: false, reason: 'decided', messages: [current.status] };
  if (current.version !== c.version) return { ok: false, reason: 'changed', messages: [] };
  if (current.held_by !== null && current.held_by !== op.id) {
    return { ok: false, reason: 'held', messages: [current.held_by_name ?? ''] };
  }
  const edited = correctedOrder(current.data, c);
  const human: Record<string, FieldMeta> = {};
  const v = await validateOrder(
    ctx.db,
    {
      extracted: {
        order: edited,
        evidence: emptyEvidence(),
        fieldMeta: human,
        findings: [],
        confidence: 1,
        sourceText: null,
        reference: null,
      },
      channel: current.channel as never,
      sender: current.sender,
      channelCustomerId: c.customerId,
      documentId: current.document_id,
      earlierInDocument: [],
    },
    ctx.config.validation,
  );
  const errors = v.findings.filter((f) => f.severity === 'error');
  if (errors.length > 0)
    return { ok: false, reason: 'invalid', messages: errors.map((f) => f.message), findings: errors };
  const order = { ...v.order, total: v.order.total ?? orderValue(v.order) };
  // What the operator changed, not what validation filled in afterwards (a unit from the catalog).
  const diff = changes(current.data, edited);
  const result = await ctx.db.transaction(async (tx): Promise<DecisionResult> => {
    const updated = await tx.query(
      `UPDATE orders SET data = $3::jsonb, customer_id = $4, po_number = $5, order_date = $6, delivery_date = $7,
              currency = $8, total = $9, order_value = $9, status = 'accepted', version = version + 1,
              decided_by = $10, decided_at = now(), held_by = NULL, held_until = NULL
        WHERE id = $1 AND version = $2 AND status = $11 RETURNING id`,
      [
        id,
        c.version,
        JSON.stringify(order),
        order.customer.id,
        order.poNumber,
        order.orderDate,
        order.deliveryDate,
        order.currency,
        order.total,
        op.id,
        guardOf('review', 'accepted'),
      ],
    );
    if (updated.length === 0) return { ok: false, reason: 'changed', messages: [] };
    await tx.query(`DELETE FROM order_lines WHERE order_id = $1`, [id]);
    await insertLines(
      tx,
      order.lines.map((line) => ({ orderId: id, line })),
    );
    // The machine's findings stay (why the order went to review); the operator's become current.
    await tx.query(`UPDATE findings SET current = false WHERE order_id = $1`, [id]);
    await insertFindings(tx, current.document_id, id, v.findings, 'operator');
    // What the operator confirmed teaches the learner (layout, labels, cross-references), logged there.
    const taught =
      c.remember && order.customer.id
        ? await recordConfirmed(tx, {
            documentId: current.document_id,
            orderId: id,
            order,
            before: current.data,
            actor: actorOf(op),
            source: 'review',
          })
        : null;
    const learned = taught?.crossRefs ?? [];
    const events: EventInput[] = [
      ...diff.map((d) => ({
        actor: actorOf(op),
        kind: 'order.field_corrected',
        documentId: current.document_id,
        orderId: id,
        field: d.field,
        oldValue: d.from,
        newValue: d.to,
      })),
      {
        actor: actorOf(op),
        kind: 'order.approved',
        documentId: current.document_id,
        orderId: id,
        detail: {
          corrections: diff.length,
          warnings: v.findings.filter((f) => f.severity === 'warning').map((f) => f.code),
        },
      },
    ];
    await logEvents(tx, events);
    await enqueueDelivery(tx, [id], ctx.config.erp.adapter);
    await enqueueConfirmations(tx, [id], confirmationChannels(ctx.config.confirm));
    return { ok: true, learned };
  });
  if (result.ok) wakeWorkers();
  return result;
}

/** Rejects an order with the operator's reason, under the same version check as approval. */
export async function rejectOrder(
  ctx: AppContext,
  op: Operator,
  id: number,
  version: number,
  reason: string,
): Promise<DecisionResult> {
  return ctx.db.transaction(async (tx): Promise<DecisionResult> => {
    const updated = await tx.query<{ document_id: number }>(
      `UPDATE orders SET status = 'rejected', version = version + 1, decided_by = $3, decided_at = now(),
              held_by = NULL, held_until = NULL
        WHERE id = $1 AND version = $2 AND status = $4
          AND (held_by IS NULL OR held_until < now() OR held_by = $3)
        RETURNING document_id`,
      [id, version, op.id, guardOf('review', 'rejected')],
    );
    if (updated.length === 0) return { ok: false, reason: 'changed', messages: [] };
    await logEvents(tx, [
      {
        actor: actorOf(op),
        kind: 'order.rejected',
        documentId: updated[0]!.document_id,
        orderId: id,
        detail: { reason },
      },
    ]);
    // The customer is told, with the operator's reason, on the path a confirmation would take.
    await enqueueConfirmations(tx, [id], confirmationChannels(ctx.config.confirm), { reason });
    return { ok: true, learned: [] };
  });
}

/** Puts an order on hold with a reason (it stays to review, after the others); null reason takes it off. */
export async function parkOrder(
  ctx: AppContext,
  op: Operator,
  id: number,
  version: number,
  reason: string | null,
): Promise<DecisionResult> {
  return ctx.db.transaction(async (tx): Promise<DecisionResult> => {
    const updated = await tx.query<{ document_id: number }>(
      `UPDATE orders SET on_hold = $4, version = version + 1, held_by = NULL, held_until = NULL
        WHERE id = $1 AND version = $2 AND status = 'review'
          AND (held_by IS NULL OR held_until < now() OR held_by = $3)
        RETURNING document_id`,
      [id, version, op.id, reason],
    );
    if (updated.length === 0) return { ok: false, reason: 'changed', messages: [] };
    await logEvents(tx, [
      {
        actor: actorOf(op),
        kind: reason ? 'order.on_hold' : 'order.off_hold',
        documentId: updated[0]!.document_id,
        orderId: id,
        detail: { reason },
      },
    ]);
    return { ok: true, learned: [] };
  });
}
