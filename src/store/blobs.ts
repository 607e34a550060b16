import { createHash } from 'node:crypto';
import type { Queryable } from '../db/db.ts';

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Stores bytes under their hash; storing the same bytes twice keeps one copy. */
export async function putBlob(q: Queryable, bytes: Buffer): Promise<string> {
  const hash = sha256(bytes);
  await q.query(
    `INSERT INTO blobs (sha256, size, bytes) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING`,
    [hash, bytes.length, bytes],
  );
  return hash;
}

export async function getBlob(q: Queryable, hash: string): Promise<Buffer | null> {
  const [row] = await q.query<{ bytes: Uint8Array }>(`SELECT bytes FROM blobs WHERE sha256 = $1`, [hash]);
  return row ? Buffer.from(row.bytes) : null;
}
