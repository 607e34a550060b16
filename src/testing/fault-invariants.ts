/**
 * The invariant a crash must never break, checked over the whole database after a scenario of
 * the fault-injection harness (./faults.ts) has settled. Each broken rule comes back as one
 * sentence; an empty list means the invariant holds.
 */
import { readdir } from 'node:fs/promises';
import { ourReference } from '../confirm/render.ts';
import type { Queryable } from '../db/db.ts';
import type { ErpServer } from './erp-server.ts';

/** What was put in front of the connectors. */
export interface Expected {
  /** Drop-folder files; `pos`: the POs of its orders, in order (null: not known, e.g. a fax read by OCR). */
  files: Array<{ channel: 'edi' | 'fax'; name: string; pos: string[] | null }>;
  mails: Array<{ messageId: string; po: string }>;
  /** A PO sent twice (two documents): exactly one of its orders may reach the ERP. */
  duplicatePo: string | null;
}

export interface InvariantReport {
  documents: number;
  orders: number;
  delivered: number;
  confirmations: number;
  /** Requests the ERP test server answered from its idempotency store (resends after a crash). */
  erpReplays: number;
  /** Why each rejected document was rejected (`file: reason`), to tell a broken input from a given-up one. */
  rejected: string[];
  violations: string[];
}

/** Work that is still to do; empty when the scenario has settled. */
export async function pendingWork(
  db: Queryable,
  inputs: { waitingFiles(): Promise<number>; waitingMails(): Promise<number> },
): Promise<string[]> {
  const [row] = await db.query<{
    docs: number;
    jobs: number;
    erp: number;
    confirm: number;
    accepted: number;
  }>(
    `SELECT (SELECT count(*) FROM documents WHERE status NOT IN ('processed', 'rejected'))::int AS docs,
            (SELECT count(*) FROM jobs WHERE status = 'pending')::int AS jobs,
            (SELECT count(*) FROM erp_outbox WHERE status = 'pending')::int AS erp,
            (SELECT count(*) FROM confirmation_outbox WHERE status = 'pending')::int AS confirm,
            (SELECT count(*) FROM orders WHERE status = 'accepted')::int AS accepted`,
  );
  const out = Object.entries(row!)
    .filter(([, n]) => n > 0)
    .map(([what, n]) => `${n} ${what}`);
  const files = await inputs.waitingFiles();
  const mails = await inputs.waitingMails();
  if (files > 0) out.push(`${files} files waiting`);
  if (mails > 0) out.push(`${mails} mails waiting`);
  return out;
}

interface DocRow {
  id: number;
  channel: string;
  filename: string | null;
  message_id: string | null;
  status: string;
  status_reason: string | null;
}
interface OrderRow {
  id: number;
  document_id: number;
  seq: number;
  status: string;
  customer_id: string | null;
  po_number: string | null;
  dup: boolean;
}

const count = <T>(xs: T[], pred: (x: T) => boolean) => xs.filter(pred).length;

export async function checkInvariant(
  db: Queryable,
  ctx: { expected: Expected; erp: ErpServer; ediDir: string },
): Promise<InvariantReport> {
  const v: string[] = [];
  const docs = await db.query<DocRow>(
    `SELECT id, channel, filename, meta->>'messageId' AS message_id, status, status_reason
       FROM documents ORDER BY id`,
  );
  const orders = await db.query<OrderRow>(
    `SELECT o.id, o.document_id, o.seq, o.status, o.customer_id, o.po_number,
            EXISTS (SELECT 1 FROM findings f WHERE f.order_id = o.id AND f.code = 'duplicate_order') AS dup
       FROM orders o ORDER BY o.id`,
  );
  const events = await db.query<{ kind: string; document_id: number | null; order_id: number | null }>(
    `SELECT kind, document_id, order_id FROM events`,
  );

  // Every document received exactly once, and finished.
  const { expected } = ctx;
  const want = expected.files.length + expected.mails.length;
  if (docs.length !== want) v.push(`${docs.length} documents stored, ${want} sent`);
  for (const f of expected.files) {
    const n = count(docs, (d) => d.filename === f.name && d.channel === f.channel);
    if (n !== 1) v.push(`${f.name} stored ${n} times`);
  }
  for (const m of expected.mails) {
    const n = count(docs, (d) => d.message_id === m.messageId);
    if (n !== 1) v.push(`mail ${m.messageId} stored ${n} times`);
  }
  for (const d of docs) {
    if (d.status !== 'processed' && d.status !== 'rejected') v.push(`document ${d.id} left ${d.status}`);
  }

  // Every order once per document, in a final state.
  for (const o of orders) {
    if (!['delivered', 'review', 'rejected'].includes(o.status)) v.push(`order ${o.id} left ${o.status}`);
  }
  const inputs = [...expected.files, ...expected.mails.map((m) => ({ name: m.messageId, pos: [m.po] }))];
  for (const f of inputs) {
    const doc = docs.find((d) => d.filename === f.name || d.message_id === f.name);
    if (!doc || f.pos === null) continue;
    const pos = orders.filter((o) => o.document_id === doc.id).map((o) => o.po_number);
    if (pos.join() !== f.pos.join()) v.push(`${f.name}: orders [${pos}], expected [${f.pos}]`);
    if (f.pos.length === 0 && doc.status !== 'rejected')
      v.push(`${f.name}: ${doc.status}, expected rejected`);
  }
  const live = new Map<string, OrderRow[]>();
  for (const o of orders.filter((x) => x.status === 'delivered' && x.po_number)) {
    const key = `${o.customer_id}/${o.po_number}`;
    live.set(key, [...(live.get(key) ?? []), o]);
  }
  for (const [key, list] of live) if (list.length > 1) v.push(`PO ${key} delivered ${list.length} times`);
  if (expected.duplicatePo) {
    const pair = orders.filter((o) => o.po_number === expected.duplicatePo);
    const review = count(pair, (o) => o.status === 'review' && o.dup);
    if (pair.length !== 2 || review !== 1) {
      v.push(`PO ${expected.duplicatePo}: ${pair.map((o) => `${o.status}${o.dup ? '/dup' : ''}`)}`);
    }
  }

  // No job left but dead ones, whose document is rejected.
  const jobs = await db.query<{ id: number; status: string; doc_status: string | null }>(
    `SELECT j.id, j.status, d.status AS doc_status FROM jobs j LEFT JOIN documents d ON d.id = j.document_id`,
  );
  for (const j of jobs) {
    if (j.status !== 'dead' || j.doc_status !== 'rejected') v.push(`job ${j.id} left ${j.status}`);
  }

  // The ERP has each delivered order exactly once: by Idempotency-Key and by PO.
  const outbox = await db.query<{ order_id: number; status: string; idempotency_key: string }>(
    `SELECT order_id, status, idempotency_key FROM erp_outbox ORDER BY order_id`,
  );
  const delivered = orders.filter((o) => o.status === 'delivered');
  for (const b of outbox)
    if (b.status !== 'delivered') v.push(`ERP delivery of order ${b.order_id} ${b.status}`);
  const keys = outbox.map((b) => b.idempotency_key).sort();
  const erpKeys = ctx.erp.received.map((r) => r.key).sort();
  if (erpKeys.join() !== keys.join()) v.push(`ERP holds keys [${erpKeys}], outbox [${keys}]`);
  if (outbox.length !== delivered.length)
    v.push(`${outbox.length} outbox rows, ${delivered.length} delivered`);
  const erpPos = ctx.erp.received.map((r) => (r.body as { poNumber: string }).poNumber).sort();
  const ourPos = delivered.map((o) => o.po_number).sort();
  if (erpPos.join() !== ourPos.join()) v.push(`ERP holds POs [${erpPos}], delivered [${ourPos}]`);

  // Confirmations sent once each: one ORDRSP file per EDI order, one `sent` event.
  const confirms = await db.query<{ order_id: number; kind: string; status: string }>(
    `SELECT order_id, kind, status FROM confirmation_outbox ORDER BY order_id`,
  );
  for (const c of confirms)
    if (c.status !== 'sent') v.push(`confirmation of order ${c.order_id} ${c.status}`);
  const files = (await readdir(ctx.ediDir).catch(() => [] as string[])).filter((n) => !n.startsWith('.'));
  const wantFiles = confirms
    .filter((c) => c.kind === 'ordrsp')
    .map((c) => `ORDRSP-${ourReference(c.order_id)}.edi`);
  if (files.sort().join() !== wantFiles.sort().join())
    v.push(`ORDRSP files [${files}], expected [${wantFiles}]`);

  v.push(...auditViolations(docs, orders, events, new Set(confirms.map((c) => c.order_id))));
  return {
    documents: docs.length,
    orders: orders.length,
    delivered: delivered.length,
    confirmations: confirms.length,
    erpReplays: ctx.erp.replays,
    rejected: docs
      .filter((d) => d.status === 'rejected')
      .map((d) => `${d.filename ?? d.message_id}: ${d.status_reason}`),
    violations: v,
  };
}

/** The audit log tells each document's and order's story once, and nothing else. */
function auditViolations(
  docs: DocRow[],
  orders: OrderRow[],
  events: Array<{ kind: string; document_id: number | null; order_id: number | null }>,
  confirmed: Set<number>,
): string[] {
  const v: string[] = [];
  const tally = new Map<string, number>();
  for (const e of events) {
    const key = e.order_id !== null ? `o${e.order_id}:${e.kind}` : `d${e.document_id}:${e.kind}`;
    tally.set(key, (tally.get(key) ?? 0) + 1);
  }
  const n = (key: string) => tally.get(key) ?? 0;
  const ids = new Set(docs.map((d) => d.id));
  const orderIds = new Set(orders.map((o) => o.id));
  for (const e of events) {
    if (e.document_id !== null && !ids.has(e.document_id)) v.push(`event ${e.kind} of a missing document`);
    if (e.order_id !== null && !orderIds.has(e.order_id)) v.push(`event ${e.kind} of a missing order`);
  }
  for (const d of docs) {
    const done =
      n(`d${d.id}:document.processed`) + n(`d${d.id}:document.rejected`) + n(`d${d.id}:document.failed`);
    if (n(`d${d.id}:document.received`) !== 1 || done !== 1) {
      v.push(`document ${d.id}: received x${n(`d${d.id}:document.received`)}, finished x${done}`);
    }
    if (d.status === 'processed' && n(`d${d.id}:document.processed`) !== 1)
      v.push(`document ${d.id}: no processed event`);
  }
  for (const o of orders) {
    const first = o.status === 'delivered' ? 'accepted' : o.status;
    const decided = ['accepted', 'review', 'rejected'].map((k) => n(`o${o.id}:order.${k}`));
    if (n(`o${o.id}:order.${first}`) !== 1 || decided.reduce((a, b) => a + b) !== 1) {
      v.push(`order ${o.id} (${o.status}): decision events [${decided}]`);
    }
    const wantDelivered = o.status === 'delivered' ? 1 : 0;
    if (n(`o${o.id}:order.delivered`) !== wantDelivered) {
      v.push(`order ${o.id}: order.delivered x${n(`o${o.id}:order.delivered`)}`);
    }
    if (o.status === 'delivered') {
      const routed = n(`o${o.id}:confirmation.queued`) + n(`o${o.id}:confirmation.skipped`);
      if (routed !== 1) v.push(`order ${o.id}: confirmation queued/skipped x${routed}`);
      const sent = n(`o${o.id}:confirmation.sent`);
      if (sent !== (confirmed.has(o.id) ? 1 : 0)) v.push(`order ${o.id}: confirmation.sent x${sent}`);
    }
  }
  return v;
}
