/**
 * The database side of the load harness (src/testing/load.ts): after the load, is every order
 * that got a 2xx answer stored exactly once, and did every stored one finish?
 */
import type { Db } from '../db/db.ts';

export interface CheckInput {
  channel: 'web' | 'edi';
  /** Source reference of every request sent -> the PO number in it. */
  sent: Map<string, string>;
  /** Source reference of every 2xx answer -> the document id the answer named. */
  answered: Map<string, number>;
  /** Source references of the requests answered with another status. */
  refused: Set<string>;
  /** How many requests may be cut off unanswered when the load stops: one per connection. */
  inFlightAtStop: number;
  /** A worker ran: every document must have finished, with one order carrying its PO number. */
  processed: boolean;
}

export interface EndpointCheck {
  /** Documents of the channel in the database. */
  stored: number;
  /** 2xx answers whose document is missing. */
  lost: number;
  /** Documents more than one per request. */
  duplicated: number;
  /** Requests cut off by the end of the load without an answer, and how many of them were stored. */
  unanswered: number;
  unansweredStored: number;
  /** How the stored documents ended: order status, or `rejected` for a document with no order. */
  outcomes: Record<string, number>;
  problems: string[];
}

const FINAL_ORDER_STATUSES = new Set(['accepted', 'review', 'rejected']);

export async function checkEndpoint(db: Db, input: CheckInput): Promise<EndpointCheck> {
  const docs = await db.query<{ id: number; source_ref: string; status: string }>(
    `SELECT id, source_ref, status FROM documents WHERE channel = $1 ORDER BY id`,
    [input.channel],
  );
  const byRef = new Map<string, Array<{ id: number; status: string }>>();
  for (const d of docs) byRef.set(d.source_ref, [...(byRef.get(d.source_ref) ?? []), d]);

  const problems: string[] = [];
  const note = (list: string[], what: string) => {
    if (list.length > 0)
      problems.push(
        `${list.length} ${what}: ${list.slice(0, 5).join(', ')}${list.length > 5 ? ', ...' : ''}`,
      );
  };
  const lost: string[] = [];
  const wrongId: string[] = [];
  let duplicated = 0;
  for (const [ref, id] of input.answered) {
    const found = byRef.get(ref) ?? [];
    if (found.length === 0) lost.push(ref);
    else if (found[0]!.id !== id) wrongId.push(`${ref} answered ${id}, stored ${found[0]!.id}`);
  }
  for (const found of byRef.values()) duplicated += Math.max(0, found.length - 1);
  const unanswered = [...input.sent.keys()].filter((r) => !input.answered.has(r) && !input.refused.has(r));
  const unansweredStored = unanswered.filter((r) => byRef.has(r)).length;
  const unknown = [...byRef.keys()].filter((r) => !input.sent.has(r));
  note(lost, 'answered 2xx but not stored (lost)');
  note(wrongId, 'answered with another document id than stored');
  if (duplicated > 0) problems.push(`${duplicated} documents stored twice (duplicated)`);
  if (unanswered.length > input.inFlightAtStop)
    problems.push(
      `${unanswered.length} requests without an answer, more than the ${input.inFlightAtStop} cut off at the end`,
    );
  note(unknown, 'documents no request sent');

  const outcomes: Record<string, number> = {};
  if (input.processed) {
    const orders = await db.query<{ document_id: number; po_number: string | null; status: string }>(
      `SELECT o.document_id, o.po_number, o.status
         FROM orders o JOIN documents d ON d.id = o.document_id
        WHERE d.channel = $1`,
      [input.channel],
    );
    const ordersOf = new Map<number, Array<{ po_number: string | null; status: string }>>();
    for (const o of orders) ordersOf.set(o.document_id, [...(ordersOf.get(o.document_id) ?? []), o]);
    const unfinished: string[] = [];
    const wrongOrders: string[] = [];
    for (const d of docs) {
      const own = ordersOf.get(d.id) ?? [];
      if (d.status === 'rejected' && own.length === 0) {
        outcomes.rejected = (outcomes.rejected ?? 0) + 1;
      } else if (d.status !== 'processed') {
        unfinished.push(`document ${d.id} ${d.status}`);
      } else if (own.length !== 1 || own[0]!.po_number !== input.sent.get(d.source_ref)) {
        wrongOrders.push(`document ${d.id}: ${own.map((o) => o.po_number).join('+') || 'no order'}`);
      } else {
        const status = own[0]!.status;
        outcomes[status] = (outcomes[status] ?? 0) + 1;
        if (!FINAL_ORDER_STATUSES.has(status)) wrongOrders.push(`document ${d.id}: order ${status}`);
      }
    }
    note(unfinished, 'documents not finished by the worker');
    note(wrongOrders, 'documents without exactly one order of their PO number');
  }
  return {
    stored: docs.length,
    lost: lost.length,
    duplicated,
    unanswered: unanswered.length,
    unansweredStored,
    outcomes,
    problems,
  };
}

/** Waits until no document is waiting for or in the pipeline; seconds taken, null if not in time. */
export async function waitForPipeline(db: Db, timeoutMs: number): Promise<number | null> {
  const t0 = performance.now();
  for (;;) {
    const [row] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM documents WHERE status IN ('received', 'processing')`,
    );
    if (Number(row?.n ?? 0) === 0) return (performance.now() - t0) / 1000;
    if (performance.now() - t0 > timeoutMs) return null;
    await new Promise((r) => setTimeout(r, 50));
  }
}
