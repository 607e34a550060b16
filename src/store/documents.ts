import type { Queryable } from '../db/db.ts';
import type { Channel, DocumentStatus } from '../domain/document.ts';

export interface DocumentRow {
  id: number;
  sha256: string;
  channel: Channel;
  source_ref: string;
  sender: string | null;
  customer_id: string | null;
  filename: string | null;
  content_type: string | null;
  meta: Record<string, unknown>;
  received_at: Date;
  /** When it was stored (received_at is when the sender sent it, where the channel says). */
  created_at: Date;
  status: DocumentStatus;
  status_reason: string | null;
  format: string | null;
}

export async function getDocument(q: Queryable, id: number): Promise<DocumentRow | null> {
  const [row] = await q.query<DocumentRow>(
    `SELECT id, sha256, channel, source_ref, sender, customer_id, filename, content_type, meta, received_at,
            created_at, status, status_reason, format
       FROM documents WHERE id = $1`,
    [id],
  );
  return row ?? null;
}
