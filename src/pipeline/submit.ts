import { documentsIn } from '../metrics.ts';
import type { Db } from '../db/db.ts';
import type { InboundDocument } from '../domain/document.ts';
import { storable } from '../domain/text.ts';
import { faultPoint } from '../faults.ts';
import { enqueue } from '../queue/jobs.ts';
import { onDocumentFinished, wakeWorkers } from '../queue/signal.ts';
import { putBlob } from '../store/blobs.ts';
import { logEvent } from '../store/events.ts';

export interface SubmitResult {
  documentId: number;
  /** False when this source reference was already stored (a connector re-delivering after a crash). */
  created: boolean;
}

/**
 * The one entrance for every channel: stores the bytes and the document row, logs the arrival
 * and queues processing, all in one transaction. A connector confirms receipt to its source
 * (IMAP move, file move, HTTP 2xx) only after this resolves.
 */
export async function submit(db: Db, inbound: InboundDocument): Promise<SubmitResult> {
  // A sender's file name, address or subject may hold what PostgreSQL cannot store (NUL).
  const doc = storable(inbound);
  const result = await db.transaction(async (tx) => {
    const existing = await tx.query<{ id: number }>(
      `SELECT id FROM documents WHERE channel = $1 AND source_ref = $2`,
      [doc.channel, doc.sourceRef],
    );
    if (existing[0]) return { documentId: existing[0].id, created: false };

    const hash = await putBlob(tx, doc.bytes);
    const [row] = await tx.query<{ id: number }>(
      `INSERT INTO documents (sha256, size, channel, source_ref, sender, customer_id, filename,
                              content_type, meta, received_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10)
       ON CONFLICT (channel, source_ref) DO NOTHING RETURNING id`,
      [
        hash,
        doc.bytes.length,
        doc.channel,
        doc.sourceRef,
        doc.sender,
        doc.customerId ?? null,
        doc.filename,
        doc.contentType,
        JSON.stringify(doc.meta ?? {}),
        doc.receivedAt,
      ],
    );
    if (!row) {
      // Stored by a submission of the same source reference that committed meanwhile (a client
      // retrying while its first request still runs): answer with that document, as above.
      const [first] = await tx.query<{ id: number }>(
        `SELECT id FROM documents WHERE channel = $1 AND source_ref = $2`,
        [doc.channel, doc.sourceRef],
      );
      return { documentId: first!.id, created: false };
    }
    const documentId = row.id;
    await logEvent(tx, {
      actor: `system:${doc.channel}`,
      kind: 'document.received',
      documentId,
      detail: { sourceRef: doc.sourceRef, sender: doc.sender, sha256: hash, size: doc.bytes.length },
    });
    await enqueue(tx, 'process_document', { documentId });
    return { documentId, created: true };
  });
  faultPoint('submit.after-store');
  if (result.created) {
    documentsIn.inc({ channel: doc.channel });
    wakeWorkers();
  }
  return result;
}

export type DocumentOutcome = 'processed' | 'rejected';

/**
 * Longest pause between two looks at a document a worker in another process may finish. A worker
 * in this process signals at once; under load, a short pause here would let hundreds of waiting
 * requests take the database pool from the workers they are waiting for.
 */
const MAX_POLL_MS = 1000;

/** Waits until the pipeline has finished a document; null if it has not within `timeoutMs`. */
export async function waitForDocument(
  db: Db,
  documentId: number,
  timeoutMs: number,
): Promise<DocumentOutcome | null> {
  const deadline = Date.now() + timeoutMs;
  // The signal may come while a look is under way: it is kept, so the next look follows at once.
  let signalled = false;
  let wake: (() => void) | null = null;
  const unsubscribe = onDocumentFinished(documentId, () => {
    signalled = true;
    wake?.();
  });
  try {
    for (let delay = 5; ; delay = Math.min(delay * 2, MAX_POLL_MS)) {
      const [row] = await db.query<{ status: string }>(`SELECT status FROM documents WHERE id = $1`, [
        documentId,
      ]);
      if (row?.status === 'processed' || row?.status === 'rejected') return row.status;
      if (Date.now() >= deadline) return null;
      if (signalled) {
        signalled = false;
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(delay, Math.max(1, deadline - Date.now())));
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
      signalled = false;
    }
  } finally {
    unsubscribe();
  }
}
