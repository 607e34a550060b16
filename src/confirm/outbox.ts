/**
 * The confirmation outbox: one row per accepted order, queued in the accepting transaction, taken
 * by senders with a lease (FOR UPDATE SKIP LOCKED), retried with backoff, recorded with an audit
 * event. The primary key on the order keeps a confirmation from being queued twice.
 */
import type { Db, Queryable } from '../db/db.ts';
import type { CanonicalOrder } from '../domain/order.ts';
import { LeasedQueue, nextRetry } from '../queue/leased.ts';
import { logEvents } from '../store/events.ts';

const ACTOR = 'system:confirmations';

const OUTBOX = new LeasedQueue({
  table: 'confirmation_outbox',
  key: 'order_id',
  dueColumn: 'next_attempt_at',
});

export type ConfirmationKind = 'email' | 'ordrsp';

/** Which kinds this installation can send (e-mail needs an SMTP server configured). */
export interface ConfirmationChannels {
  email: boolean;
  ordrsp: boolean;
}

interface OrderFacts {
  id: number;
  document_id: number;
  channel: string;
  /** The format the order was read from (documents.format); absent or null: not known. */
  format?: string | null;
  sender: string | null;
  preference: string | null;
  emails: string[];
  edi_ids: string[];
}

/** Formats answered by an EDI reply file: EDIFACT (ORDRSP), X12 (855), UBL and cXML (replies.ts). */
const EDI_REPLY_FORMATS = new Set(['edifact', 'x12', 'ubl', 'cxml']);

/**
 * Where and how an order is confirmed: the customer's choice in master data (`none`, `email`,
 * `edi`), else the channel it came by (EDI gets an ORDRSP, everything else an e-mail). E-mail
 * goes to the address that sent the order when it is one of the customer's on file (the address
 * or its `@domain`), else the customer's first address: never to a sender the customer does not
 * own, who may have placed the order in its name. The same for the EDI id. Null: no
 * confirmation, with the reason.
 */
export function route(
  f: Omit<OrderFacts, 'id' | 'document_id'>,
  can: ConfirmationChannels,
): { kind: ConfirmationKind; recipient: string } | { kind: null; reason: string } {
  if (f.preference === 'none') return { kind: null, reason: 'the customer receives no confirmations' };
  // An order in a format without an EDI reply (Order-X, a sheet dropped in the EDI folder) is
  // answered by e-mail unless the customer asked for EDI.
  const ediFormat = f.format == null || EDI_REPLY_FORMATS.has(f.format);
  const kind: ConfirmationKind =
    f.preference === 'edi' || (f.preference === null && f.channel === 'edi' && ediFormat)
      ? 'ordrsp'
      : 'email';
  if (!can[kind]) {
    const what =
      kind === 'email' ? 'no SMTP server is configured for confirmations' : 'EDI confirmations are off';
    return { kind: null, reason: what };
  }
  if (kind === 'ordrsp') {
    const id =
      (f.channel === 'edi' && f.sender && f.edi_ids.includes(f.sender) ? f.sender : null) ?? f.edi_ids[0];
    return id ? { kind, recipient: id } : { kind: null, reason: 'the customer has no EDI id' };
  }
  const address =
    (f.channel === 'email' && ownAddress(f.sender, f.emails) ? f.sender : null) ??
    f.emails.find((e) => e.includes('@') && !e.startsWith('@'));
  return address
    ? { kind, recipient: address }
    : { kind: null, reason: 'the customer has no e-mail address' };
}

/** True when `sender` is one of the customer's addresses on file, or in a domain on file. */
function ownAddress(sender: string | null, emails: string[]): sender is string {
  const s = sender?.trim().toLowerCase();
  if (!s?.includes('@')) return false;
  const domain = s.slice(s.lastIndexOf('@'));
  return emails.some((e) => e.toLowerCase() === s || e.toLowerCase() === domain);
}

/**
 * Queues confirmations for accepted or approved orders (or, with `rejection`, the reply to an
 * order an operator rejected, saying why), inside the caller's transaction. An order that cannot
 * or must not be answered gets a `confirmation.skipped` event saying why. Calling it again for the
 * same order does nothing.
 */
export async function enqueueConfirmations(
  q: Queryable,
  orderIds: number[],
  can: ConfirmationChannels,
  rejection: { reason: string } | null = null,
): Promise<void> {
  if (orderIds.length === 0) return;
  const facts = await q.query<OrderFacts>(
    `SELECT o.id, o.document_id, d.channel, d.format, d.sender, c.confirmations AS preference,
            coalesce(c.emails, '{}') AS emails, coalesce(c.edi_ids, '{}') AS edi_ids
       FROM orders o JOIN documents d ON d.id = o.document_id
       LEFT JOIN customers c ON c.id = o.customer_id
      WHERE o.id = ANY($1) AND NOT EXISTS (SELECT 1 FROM confirmation_outbox b WHERE b.order_id = o.id)
      ORDER BY o.id`,
    [orderIds],
  );
  const routed = facts.map((f) => ({ f, r: route(f, can) }));
  const queued = routed.filter((x) => x.r.kind !== null);
  if (queued.length > 0) {
    await q.query(
      `INSERT INTO confirmation_outbox (order_id, kind, recipient, purpose, reason)
       SELECT o, k, r, $4, $5 FROM unnest($1::bigint[], $2::text[], $3::text[]) AS u(o, k, r)
       ON CONFLICT DO NOTHING`,
      [
        queued.map((x) => x.f.id),
        queued.map((x) => x.r.kind),
        queued.map((x) => ('recipient' in x.r ? x.r.recipient : '')),
        rejection ? 'rejection' : 'confirmation',
        rejection?.reason ?? null,
      ],
    );
  }
  await logEvents(
    q,
    routed.map(({ f, r }) => ({
      actor: ACTOR,
      kind: r.kind ? 'confirmation.queued' : 'confirmation.skipped',
      documentId: f.document_id,
      orderId: f.id,
      detail: r.kind
        ? {
            kind: r.kind,
            recipient: 'recipient' in r ? r.recipient : null,
            ...(rejection ? { purpose: 'rejection' } : {}),
          }
        : { reason: r.reason },
    })),
  );
}

/** A confirmation taken for one attempt, with what rendering and sending need. */
export interface ClaimedConfirmation {
  orderId: number;
  documentId: number;
  kind: ConfirmationKind;
  recipient: string;
  /** Null: the order is confirmed; else the operator's reason for rejecting it. */
  rejection: string | null;
  attempts: number;
  lease: string;
  order: CanonicalOrder;
  customer: { name: string | null; language: string | null; tax_id: string | null; edi_ids: string[] };
  /** The Message-ID of the e-mail the order came in, to answer in its thread. */
  inReplyTo: string | null;
  /** The format the order was read from (documents.format): EDI replies are written in it. */
  format: string | null;
  /** The order's reference in its document (a cXML payloadID, an EDIFACT message reference). */
  reference: string | null;
  subject: string | null;
}

export async function claimConfirmations(
  q: Queryable,
  opts: { lease: string; limit: number; leaseMs: number },
): Promise<ClaimedConfirmation[]> {
  const rows = await OUTBOX.claim<{
    order_id: number;
    document_id: number;
    kind: ConfirmationKind;
    recipient: string;
    purpose: string;
    reason: string | null;
    attempts: number;
    locked_by: string;
    data: CanonicalOrder;
    name: string | null;
    language: string | null;
    tax_id: string | null;
    edi_ids: string[] | null;
    meta: Record<string, unknown> | null;
    format: string | null;
    reference: string | null;
  }>(q, {
    holder: opts.lease,
    leaseMs: opts.leaseMs,
    limit: opts.limit,
    orderBy: 't.next_attempt_at, t.order_id',
    returning: 'b.order_id, b.kind, b.recipient, b.purpose, b.reason, b.attempts, b.locked_by',
    select: `SELECT c.*, o.document_id, o.data, o.reference, cu.name, cu.language, cu.tax_id, cu.edi_ids,
                    d.meta, d.format
       FROM claimed c JOIN orders o ON o.id = c.order_id JOIN documents d ON d.id = o.document_id
       LEFT JOIN customers cu ON cu.id = o.customer_id
      ORDER BY c.order_id`,
  });
  return rows.map((r) => ({
    orderId: r.order_id,
    documentId: r.document_id,
    kind: r.kind,
    recipient: r.recipient,
    rejection: r.purpose === 'rejection' ? (r.reason ?? '') : null,
    attempts: r.attempts,
    lease: r.locked_by,
    order: r.data,
    customer: { name: r.name, language: r.language, tax_id: r.tax_id, edi_ids: r.edi_ids ?? [] },
    inReplyTo: typeof r.meta?.messageId === 'string' ? r.meta.messageId : null,
    format: r.format,
    reference: r.reference,
    subject: typeof r.meta?.subject === 'string' ? r.meta.subject : null,
  }));
}

export type SendResult =
  | { kind: 'sent'; reference: string }
  | { kind: 'retry'; error: string }
  | { kind: 'failed'; error: string };

export interface RetryPolicy {
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
}

/**
 * Stores one attempt's result while the lease still holds (else does nothing and returns false:
 * the row's new holder records it). A retry past `maxAttempts` fails for good.
 */
export async function recordConfirmation(
  db: Db,
  c: ClaimedConfirmation,
  result: SendResult,
  policy: RetryPolicy,
): Promise<boolean> {
  const next =
    result.kind === 'retry' ? nextRetry(c.attempts, policy) : ({ retry: false, reason: '' } as const);
  const status = result.kind === 'sent' ? 'sent' : next.retry ? 'pending' : 'failed';
  const error =
    result.kind === 'sent'
      ? null
      : result.kind === 'retry' && !next.retry
        ? `${next.reason}: ${result.error}`
        : result.error;
  return db.transaction(async (tx) => {
    const held = await OUTBOX.settle(
      tx,
      [
        {
          key: c.orderId,
          lease: c.lease,
          status: status === 'pending' ? null : status,
          error,
          delayMs: next.retry ? next.delayMs : 0,
        },
      ],
      {
        reference: {
          type: 'text',
          values: [result.kind === 'sent' ? result.reference : null],
          set: 'reference = u.reference',
        },
      },
      `sent_at = CASE WHEN u.status = 'sent' THEN now() END`,
    );
    if (held.size === 0) return false;
    await logEvents(tx, [
      {
        actor: ACTOR,
        kind:
          status === 'sent'
            ? 'confirmation.sent'
            : status === 'failed'
              ? 'confirmation.failed'
              : 'confirmation.retry',
        documentId: c.documentId,
        orderId: c.orderId,
        detail: {
          kind: c.kind,
          recipient: c.recipient,
          attempts: c.attempts,
          error,
          reference: result.kind === 'sent' ? result.reference : null,
        },
      },
    ]);
    return true;
  });
}
