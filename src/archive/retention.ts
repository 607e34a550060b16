import type { Db, Queryable } from '../db/db.ts';
import type { Logger } from '../log.ts';
import { PollLoop } from '../queue/poll-loop.ts';
import { logEvent } from '../store/events.ts';

export interface RetentionOptions {
  /** Documents received more than this many days ago are deleted. */
  days: number;
  /** Documents per transaction. */
  batch: number;
  /** Who deletes, for the deletion log ('system:retention'). */
  actor: string;
  /** The clock; default now. */
  now?: Date;
}

interface Expired {
  id: number;
  channel: string;
  source_ref: string;
  sha256: string;
  size: number;
  received_at: Date;
  status: string;
  orders: number;
  customer_ids: string[];
  po_numbers: string[];
}

/**
 * Deletes the archive's documents older than the retention period, with everything that was
 * derived from them: orders and lines, findings, page images, their audit events, and the stored
 * bytes no other document shares. Each one first gets a row in `deletions` (what it was, its
 * customers and PO numbers, when and why) and a log line; each sweep ends with an audit event.
 *
 * A document is kept, whatever its age, while work on it is open: an order in review, accepted
 * and not yet delivered, or whose delivery failed; a document still waiting for processing.
 * Returns the number of documents deleted.
 */
export async function sweepExpired(db: Db, opts: RetentionOptions, log: Logger): Promise<number> {
  const cutoff = new Date((opts.now ?? new Date()).getTime() - opts.days * 86_400_000);
  const reason = `retention: received before ${cutoff.toISOString()} (${opts.days} days)`;
  let total = 0;
  for (;;) {
    const deleted = await db.transaction(async (tx) => {
      const expired = await takeExpired(tx, cutoff, opts.batch);
      if (expired.length === 0) return [];
      await deleteDocuments(tx, expired, reason, opts.actor);
      return expired;
    });
    for (const d of deleted) {
      log.info('document deleted by the retention policy', {
        documentId: d.id,
        channel: d.channel,
        receivedAt: d.received_at.toISOString(),
        orders: d.orders,
        poNumbers: d.po_numbers,
      });
    }
    total += deleted.length;
    if (deleted.length < opts.batch) break;
  }
  if (total > 0) {
    await logEvent(db, {
      actor: opts.actor,
      kind: 'retention.swept',
      detail: { deleted: total, days: opts.days, cutoff: cutoff.toISOString() },
    });
  }
  return total;
}

/** Up to `limit` expired documents with no open work, locked (two sweepers never take the same). */
async function takeExpired(tx: Queryable, cutoff: Date, limit: number): Promise<Expired[]> {
  return tx.query<Expired>(
    `WITH expired AS (
       SELECT d.id FROM documents d
        WHERE d.received_at < $1 AND d.status IN ('processed', 'rejected')
          AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.document_id = d.id
                           AND o.status NOT IN ('delivered', 'rejected'))
          AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.document_id = d.id AND j.status = 'pending')
        ORDER BY d.received_at, d.id
        LIMIT $2
        FOR UPDATE OF d SKIP LOCKED)
     SELECT d.id, d.channel, d.source_ref, d.sha256, d.size, d.received_at, d.status,
            count(o.id)::int8 AS orders,
            coalesce(array_agg(DISTINCT o.customer_id) FILTER (WHERE o.customer_id IS NOT NULL), '{}') AS customer_ids,
            coalesce(array_agg(DISTINCT o.po_number) FILTER (WHERE o.po_number IS NOT NULL), '{}') AS po_numbers
       FROM expired e JOIN documents d ON d.id = e.id LEFT JOIN orders o ON o.document_id = d.id
      GROUP BY d.id ORDER BY d.received_at, d.id`,
    [cutoff, limit],
  );
}

async function deleteDocuments(
  tx: Queryable,
  expired: Expired[],
  reason: string,
  actor: string,
): Promise<void> {
  const ids = expired.map((d) => d.id);
  await tx.query(
    `INSERT INTO deletions (document_id, channel, source_ref, sha256, size, received_at, status, orders,
                            customer_ids, po_numbers, reason, deleted_by)
     SELECT e.id, e.channel, e.source_ref, e.sha256, e.size, e.received_at, e.status, e.orders,
            e.customer_ids, e.po_numbers, $2, $3
       FROM jsonb_to_recordset($1::jsonb) AS e(id bigint, channel text, source_ref text, sha256 text,
            size int, received_at timestamptz, status text, orders int, customer_ids text[], po_numbers text[])`,
    [JSON.stringify(expired), reason, actor],
  );
  const orderIds = (
    await tx.query<{ id: number }>(`SELECT id FROM orders WHERE document_id = ANY($1)`, [ids])
  ).map((r) => r.id);
  const pageBlobs = (
    await tx.query<{ sha256: string }>(
      `SELECT DISTINCT image_sha256 AS sha256 FROM document_pages
        WHERE document_id = ANY($1) AND image_sha256 IS NOT NULL`,
      [ids],
    )
  ).map((r) => r.sha256);
  // The audit log is append-only; this transaction alone may delete from it (migration 012).
  await tx.query(`SELECT set_config('ordercap.retention', 'on', true)`);
  await tx.query(`DELETE FROM events WHERE document_id = ANY($1) OR order_id = ANY($2)`, [ids, orderIds]);
  await tx.query(`UPDATE learned_fields SET order_id = NULL WHERE order_id = ANY($1)`, [orderIds]);
  await tx.query(`DELETE FROM erp_outbox WHERE order_id = ANY($1)`, [orderIds]);
  await tx.query(`DELETE FROM confirmation_outbox WHERE order_id = ANY($1)`, [orderIds]);
  await tx.query(`DELETE FROM findings WHERE document_id = ANY($1)`, [ids]);
  await tx.query(`DELETE FROM orders WHERE id = ANY($1)`, [orderIds]);
  await tx.query(`DELETE FROM document_pages WHERE document_id = ANY($1)`, [ids]);
  await tx.query(`DELETE FROM jobs WHERE document_id = ANY($1)`, [ids]);
  await tx.query(`DELETE FROM documents WHERE id = ANY($1)`, [ids]);
  await tx.query(`SELECT set_config('ordercap.retention', 'off', true)`);
  // Bytes go with the last document or page that refers to them (the store deduplicates).
  const hashes = [...new Set([...expired.map((d) => d.sha256), ...pageBlobs])];
  await tx.query(
    `DELETE FROM blobs b WHERE b.sha256 = ANY($1)
        AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.sha256 = b.sha256)
        AND NOT EXISTS (SELECT 1 FROM document_pages p WHERE p.image_sha256 = b.sha256)`,
    [hashes],
  );
}

/** Runs `sweepExpired` every `intervalMs` in a worker process (the first sweep at start). */
export class RetentionSweeper {
  private readonly loop: PollLoop;

  constructor(db: Db, opts: Omit<RetentionOptions, 'now'> & { intervalMs: number }, log: Logger) {
    this.loop = new PollLoop({
      // Every sweep waits its interval, however much it deleted: a sweep takes all that is due.
      round: () => sweepExpired(db, opts, log).then(() => 0),
      pollMs: opts.intervalMs,
      log,
      what: 'retention sweep',
      // A sweep's timer alone does not keep the process up.
      unref: true,
    });
  }

  start(): void {
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
  }
}
