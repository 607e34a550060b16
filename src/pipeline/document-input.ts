import type { Queryable } from '../db/db.ts';
import type { DocumentRow } from '../store/documents.ts';

export interface DocumentInput {
  doc: DocumentRow;
  /** Its stored bytes; null when the blob is missing. */
  bytes: Buffer | null;
  /** The master-data label at this moment (migration 019); null when there is none. */
  masterDataVersion: number | null;
}

/**
 * What a `process_document` job starts from, in one round trip instead of three: the document,
 * its bytes and the master-data label. The label is read no later than the master data the
 * document is then validated against, which is what src/validate/shared-cache.ts relies on.
 */
export async function readDocumentInput(q: Queryable, id: number): Promise<DocumentInput | null> {
  const [row] = await q.query<DocumentRow & { bytes: Uint8Array | null; masterdata_version: number | null }>(
    `SELECT d.id, d.sha256, d.channel, d.source_ref, d.sender, d.customer_id, d.filename, d.content_type,
            d.meta, d.received_at, d.created_at, d.status, d.status_reason, d.format, b.bytes,
            (SELECT version FROM masterdata_version) AS masterdata_version
       FROM documents d LEFT JOIN blobs b ON b.sha256 = d.sha256
      WHERE d.id = $1`,
    [id],
  );
  if (!row) return null;
  const { bytes, masterdata_version, ...doc } = row;
  return { doc, bytes: bytes ? Buffer.from(bytes) : null, masterDataVersion: masterdata_version };
}
