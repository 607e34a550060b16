import type { IdentityConfig, ValidationConfig } from '../config.ts';
import type { Db, Queryable } from '../db/db.ts';
import type { ExtractedOrder, ExtractOutcome } from '../domain/extraction.ts';
import type { Finding } from '../domain/findings.ts';
import { finding } from '../domain/findings.ts';
import { type ConfirmationChannels, enqueueConfirmations } from '../confirm/outbox.ts';
import { enqueueDelivery } from '../erp/outbox.ts';
import { OrderCaptureError } from '../errors.ts';
import { faultPoint } from '../faults.ts';
import type { Logger } from '../log.ts';
import { ordersOut, secondsSince, type Stage, stageSeconds } from '../metrics.ts';
import { completeJob, type Job } from '../queue/jobs.ts';
import { documentFinished, wakeWorkers } from '../queue/signal.ts';
import type { DocumentRow } from '../store/documents.ts';
import { logEvents } from '../store/events.ts';
import { insertFindings, insertOrders, type NewOrder } from '../store/orders.ts';
import { insertPages } from '../store/pages.ts';
import { MasterDataCache, validateOrder } from '../validate/index.ts';
import { type CustomerFlags, type MasterDataGeneration, sharedMasterData } from '../validate/shared-cache.ts';
import { addBusinessHours, type BusinessCalendar, parseCalendar } from '../sla/calendar.ts';
import { decide } from './decide.ts';
import { DEFAULT_IDENTITY, senderIdentity } from './identity.ts';
import { priorityOf } from './priority.ts';
import { readDocumentInput } from './document-input.ts';
import { chooseFormat, type DocumentFormat, extractDocument } from '../formats/registry.ts';
import type { DocumentReader } from '../worker/reader-pool.ts';

export interface PipelineOptions {
  db: Db;
  log: Logger;
  validation: ValidationConfig;
  acceptThreshold: number;
  /** ERP adapter to queue accepted orders for; null posts nothing (`extract --data`). */
  deliverTo: string | null;
  formats?: readonly DocumentFormat[];
  /**
   * Where documents are read (worker threads, `ReaderPool`); absent: on this thread with
   * `formats` (the CLI, tests with fake readers).
   */
  reader?: DocumentReader;
  /** Confirmations to queue for accepted orders; absent: none (`extract --data`). */
  confirm?: ConfirmationChannels;
  /** The SLA clock; absent: 24 business hours, Monday to Friday 08:00-18:00, Madrid time. */
  sla?: { defaultHours: number; calendar: BusinessCalendar };
  /** Which gateways' word about a sender is believed; absent: none beyond the defaults. */
  identity?: IdentityConfig;
}

const DEFAULT_SLA = {
  defaultHours: 24,
  calendar: parseCalendar({ timeZone: 'Europe/Madrid', hours: '08:00-18:00', days: '1-5', holidays: '' }),
};

const ACTOR = 'system:pipeline';

/**
 * The `process_document` job: read -> extract -> validate -> decide, then one transaction stores
 * every order, finding and event, queues accepted orders for the ERP and removes the job. If the
 * worker dies before that commit, nothing is stored and the job runs again after its lease.
 */
export async function processDocument(opts: PipelineOptions, job: Job): Promise<void> {
  const { db } = opts;
  const input = job.document_id === null ? null : await readDocumentInput(db, job.document_id);
  if (!input)
    throw new OrderCaptureError('document_missing', `job ${job.id}: document ${job.document_id} not found`);
  const { doc, bytes } = input;
  if (doc.status === 'processed' || doc.status === 'rejected') {
    await db.transaction((tx) => completeJob(tx, job));
    return;
  }
  const log = opts.log.child({ documentId: doc.id });
  const started = Date.now();
  const timer = stageTimer(doc.channel);
  // Queue: from storing the document until a worker starts on it (retries' waits included).
  stageSeconds.observe(
    { stage: 'queue', channel: doc.channel },
    secondsSince(doc.created_at.getTime(), started),
  );
  if (!bytes) throw new OrderCaptureError('document_missing', `document ${doc.id}: stored bytes missing`);
  faultPoint('pipeline.after-read');
  timer.lap('read');

  const read = { bytes, filename: doc.filename, contentType: doc.content_type, sender: doc.sender };
  // Formats whose reading a sender can make expensive go to the reader threads, if there are any.
  const chosen = chooseFormat(read, opts.formats);
  const { format, outcome } =
    opts.reader && chosen && opts.reader.reads(chosen.id)
      ? await opts.reader.read(read)
      : await extractDocument(read, opts.formats);
  faultPoint('pipeline.after-extract');
  timer.lap('extract');
  // Master data as of the label read with the document, kept between documents while it holds.
  const masterData = sharedMasterData(db).at(input.masterDataVersion);
  const orders = await validateAll(db, opts, doc, outcome, masterData);
  faultPoint('pipeline.after-validate');
  timer.lap('validate');
  await db.transaction(async (tx) => {
    // A wrapper's payload format (AS2 around X12) is the document's: its reply is that format's.
    const stored = (outcome.kind === 'orders' && outcome.format) || format;
    await storeResult(tx, opts, doc, stored, outcome, orders, job.locked_by);
    await completeJob(tx, job);
    // Everything written, the transaction still open: a kill here must leave no trace of it.
    faultPoint('pipeline.before-commit');
  });
  timer.lap('store');
  for (const o of orders) ordersOut.inc({ channel: doc.channel, status: o.status });
  faultPoint('pipeline.after-commit');
  documentFinished(doc.id);
  // Wake a local ERP deliverer now that the outbox rows it must find are committed.
  if (opts.deliverTo && orders.some((o) => o.status === 'accepted')) wakeWorkers();
  log.info('document processed', {
    format,
    orders: orders.map((o) => o.status),
    ms: Date.now() - started,
  });
}

/** Observes each stage's duration as it ends: `lap(stage)` closes the stage begun at the last lap. */
function stageTimer(channel: string): { lap(stage: Stage): void } {
  let last = performance.now();
  return {
    lap(stage) {
      const now = performance.now();
      stageSeconds.observe({ stage, channel }, secondsSince(last, now));
      last = now;
    },
  };
}

async function validateAll(
  db: Db,
  opts: PipelineOptions,
  doc: DocumentRow,
  outcome: ExtractOutcome,
  masterData: MasterDataGeneration,
): Promise<NewOrder[]> {
  if (outcome.kind === 'rejected') return [];
  const earlier: Array<{ customerId: string | null; poNumber: string | null }> = [];
  const cache = new MasterDataCache(
    doc.id,
    outcome.orders.filter((o) => !o.rejected).map((o) => o.order),
    masterData,
  );
  const result: NewOrder[] = [];
  const identity = senderIdentity(
    doc,
    outcome.origin,
    opts.identity ?? DEFAULT_IDENTITY,
    outcome.interchangeSender ?? null,
  );
  for (const [seq, part] of outcome.orders.entries()) {
    const extracted: ExtractedOrder = { ...part, findings: [...outcome.findings, ...part.findings] };
    const v = await validateOrder(
      db,
      {
        extracted,
        channel: doc.channel,
        sender: doc.sender,
        channelCustomerId: doc.customer_id,
        identity,
        documentId: doc.id,
        earlierInDocument: [...earlier],
      },
      opts.validation,
      cache,
    );
    const decision = decide(
      { rejected: part.rejected, order: v.order, findings: v.findings, confidence: v.confidence },
      opts.acceptThreshold,
    );
    earlier.push({ customerId: v.order.customer.id, poNumber: v.order.poNumber });
    result.push({
      documentId: doc.id,
      seq,
      reference: part.reference,
      status: decision.status,
      confidence: v.confidence,
      order: v.order,
      fieldMeta: v.fieldMeta,
      findings: decision.findings,
      sourceText: part.sourceText,
      priority: priorityOf({
        sourceText: part.sourceText,
        subject: typeof doc.meta?.subject === 'string' ? doc.meta.subject : null,
        deliveryDate: v.order.deliveryDate,
        receivedAt: doc.received_at,
      }),
    });
  }
  const ids = [...new Set(result.map((o) => o.order.customer.id).filter((id): id is string => id !== null))];
  const flags = ids.length ? await masterData.customerFlags(db, ids) : new Map<string, CustomerFlags>();
  return withDeadlines(doc, withCustomerPriority(result, flags), flags, opts.sla ?? DEFAULT_SLA);
}

/** Each order's SLA deadline: arrival plus its customer's sla_hours (or the default), in business hours. */
function withDeadlines(
  doc: DocumentRow,
  orders: NewOrder[],
  flags: Map<string, CustomerFlags>,
  sla: { defaultHours: number; calendar: BusinessCalendar },
): NewOrder[] {
  return orders.map((o) => {
    const h = (o.order.customer.id ? flags.get(o.order.customer.id)?.slaHours : null) ?? sla.defaultHours;
    return { ...o, dueAt: addBusinessHours(doc.received_at, h, sla.calendar) };
  });
}

/** Orders of customers marked `priority` in master data are priority orders, whatever they say. */
function withCustomerPriority(orders: NewOrder[], flags: Map<string, CustomerFlags>): NewOrder[] {
  return orders.map((o) =>
    !o.priority && o.order.customer.id && flags.get(o.order.customer.id)?.priority
      ? { ...o, priority: 'a priority customer' }
      : o,
  );
}

async function storeResult(
  tx: Queryable,
  opts: PipelineOptions,
  doc: DocumentRow,
  format: string | null,
  outcome: ExtractOutcome,
  orders: NewOrder[],
  /** The worker that holds the job, recorded so a scale-out can be audited. */
  worker: string,
): Promise<void> {
  const rejected = orders.length === 0 || orders.every((o) => o.status === 'rejected');
  const reason = rejected ? rejectionReason(outcome, orders) : null;
  await tx.query(
    `UPDATE documents SET status = $2, status_reason = $3, format = $4, processed_at = now() WHERE id = $1`,
    [doc.id, rejected ? 'rejected' : 'processed', reason, format],
  );
  if (outcome.kind === 'rejected') await insertFindings(tx, doc.id, null, outcome.findings);
  if (outcome.pages && outcome.pages.length > 0) await insertPages(tx, doc.id, outcome.pages);
  const checked = await recheckDuplicates(tx, doc.id, orders);
  const ids = await insertOrders(tx, checked);
  // The document's event first, then its orders', in one statement.
  await logEvents(tx, [
    {
      actor: ACTOR,
      kind: rejected ? 'document.rejected' : 'document.processed',
      documentId: doc.id,
      detail: { format, orders: orders.length, reason, worker },
    },
    ...checked.map((o, i) => ({
      actor: ACTOR,
      kind: `order.${o.status}`,
      documentId: doc.id,
      orderId: ids[i]!,
      newValue: o.order,
      detail: { confidence: o.confidence, findings: o.findings.map((f) => f.code) },
    })),
  ]);
  const accepted = ids.filter((_, i) => checked[i]!.status === 'accepted');
  if (opts.deliverTo) await enqueueDelivery(tx, accepted, opts.deliverTo);
  if (opts.confirm) await enqueueConfirmations(tx, accepted, opts.confirm);
}

/**
 * Validation looked for earlier orders with the same PO outside the transaction; two workers may
 * have raced on two copies. Under locks on each (customer, PO), taken in sorted order so two
 * documents never wait on each other, the check is repeated before storing.
 */
async function recheckDuplicates(tx: Queryable, documentId: number, orders: NewOrder[]): Promise<NewOrder[]> {
  const open = orders.filter(
    (o) =>
      o.order.customer.id &&
      o.order.poNumber &&
      o.status !== 'rejected' &&
      !o.findings.some((f) => f.code === 'duplicate_order'),
  );
  if (open.length === 0) return orders;
  const keys = [...new Set(open.map((o) => `po:${o.order.customer.id}:${o.order.poNumber}`))].sort();
  await tx.query(
    `SELECT pg_advisory_xact_lock(hashtext(k)) FROM (SELECT k FROM unnest($1::text[]) AS k ORDER BY k) s`,
    [keys],
  );
  const earlier = await tx.query<{ customer_id: string; po_number: string; id: number }>(
    `SELECT customer_id, po_number, min(id) AS id FROM orders
      WHERE (customer_id, po_number) IN (SELECT * FROM unnest($1::text[], $2::text[]))
        AND status <> 'rejected' AND document_id <> $3
      GROUP BY customer_id, po_number`,
    [open.map((o) => o.order.customer.id), open.map((o) => o.order.poNumber), documentId],
  );
  if (earlier.length === 0) return orders;
  return orders.map((o) => {
    const hit = open.includes(o)
      ? earlier.find((e) => e.customer_id === o.order.customer.id && e.po_number === o.order.poNumber)
      : undefined;
    if (!hit) return o;
    const dup: Finding = finding(
      'duplicate_order',
      'error',
      'poNumber',
      `PO ${o.order.poNumber} of customer ${hit.customer_id} was already received (order ${hit.id}).`,
      { t: 'duplicate_order.order', po: o.order.poNumber, customer: hit.customer_id, order: hit.id },
    );
    return { ...o, status: 'review' as const, findings: [...o.findings, dup] };
  });
}

function rejectionReason(outcome: ExtractOutcome, orders: NewOrder[]): string {
  const findings = outcome.kind === 'rejected' ? outcome.findings : orders.flatMap((o) => o.findings);
  const first = findings.find((f) => f.severity === 'error') ?? findings[0];
  return first?.message ?? 'Nothing usable was found in the document.';
}
