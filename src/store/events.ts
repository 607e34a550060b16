import type { Queryable } from '../db/db.ts';

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
  if (events.length === 0) return;
  const rows = events.map((_, i) => {
    const b = i * 8;
    return `($${b + 1},$${b + 2},$${b + 3},$${b + 4},$${b + 5},$${b + 6}::jsonb,$${b + 7}::jsonb,$${b + 8}::jsonb)`;
  });
  await q.query(
    `INSERT INTO events (actor, kind, document_id, order_id, field, old_value, new_value, detail)
     VALUES ${rows.join(',')}`,
    events.flatMap((e) => [
      e.actor,
      e.kind,
      e.documentId ?? null,
      e.orderId ?? null,
      e.field ?? null,
      json(e.oldValue),
      json(e.newValue),
      json(e.detail),
    ]),
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
