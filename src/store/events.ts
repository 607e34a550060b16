import type { Queryable } from '../db/db.ts';
import { insertMany } from '../db/insert-many.ts';

export interface EventInput {
  /** `system:<component>` for the machine, `user:<login>` for a person, `customer:<id>` for a token. */
  actor: string;
  kind: string;
  documentId?: number | null;
  orderId?: number | null;
  field?: string | null;
  oldValue?: unknown;
  newValue?: unknown;
  detail?: unknown;
}

const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));

/** Appends to the audit log, inside the caller's transaction. */
export async function logEvent(q: Queryable, e: EventInput): Promise<void> {
  await logEvents(q, [e]);
}

/** Appends several events in one statement, in the order given. */
export async function logEvents(q: Queryable, events: EventInput[]): Promise<void> {
  await insertMany(
    q,
    'INSERT INTO events (actor, kind, document_id, order_id, field, old_value, new_value, detail)',
    events.map((e) => [
      e.actor,
      e.kind,
      e.documentId ?? null,
      e.orderId ?? null,
      e.field ?? null,
      json(e.oldValue),
      json(e.newValue),
      json(e.detail),
    ]),
    { casts: ['', '', '', '', '', '::jsonb', '::jsonb', '::jsonb'] },
  );
}

export interface EventRow {
  id: number;
  at: Date;
  actor: string;
  kind: string;
  document_id: number | null;
  order_id: number | null;
  field: string | null;
  old_value: unknown;
  new_value: unknown;
  detail: unknown;
}

export function eventsForDocument(q: Queryable, documentId: number): Promise<EventRow[]> {
  return q.query<EventRow>(
    `SELECT * FROM events WHERE document_id = $1
        OR order_id IN (SELECT id FROM orders WHERE document_id = $1) ORDER BY id`,
    [documentId],
  );
}
