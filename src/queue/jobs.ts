import type { Db, Queryable } from '../db/db.ts';
import { OrderCaptureError } from '../errors.ts';

/** Job kinds: each carries ids only (STYLE.md), the content stays in the database. */
export type JobKind = 'process_document';

export interface Job {
  id: number;
  kind: JobKind;
  document_id: number | null;
  order_id: number | null;
  attempts: number;
  max_attempts: number;
  locked_by: string;
  /** An earlier holder vanished with it (see migration 014): run it alone. */
  suspect: boolean;
}

export interface EnqueueOptions {
  documentId?: number | null;
  orderId?: number | null;
  priority?: number;
  maxAttempts?: number;
}

/** Adds a job inside the caller's transaction, so it exists exactly when the data it names does. */
export async function enqueue(q: Queryable, kind: JobKind, opts: EnqueueOptions): Promise<number> {
  const [row] = await q.query<{ id: number }>(
    `INSERT INTO jobs (kind, document_id, order_id, priority, max_attempts)
     VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [kind, opts.documentId ?? null, opts.orderId ?? null, opts.priority ?? 0, opts.maxAttempts ?? 5],
  );
  return row!.id;
}

/**
 * Takes up to `limit` ready jobs for `workerId` for `leaseMs`. SKIP LOCKED lets several worker
 * processes claim at once without ever handing the same job to two of them; a lease that runs
 * out (worker killed) makes the job ready again, and marks it `suspect`: a job that still has a
 * holder when claimed was neither finished nor failed by it.
 */
export async function claimJobs(
  db: Db,
  workerId: string,
  kinds: JobKind[],
  limit: number,
  leaseMs: number,
): Promise<Job[]> {
  return db.query<Job>(
    `UPDATE jobs SET locked_by = $1, locked_until = now() + ($2 || ' milliseconds')::interval,
            attempts = attempts + 1, suspect = suspect OR locked_by IS NOT NULL
      WHERE id IN (
        SELECT id FROM jobs
         WHERE status = 'pending' AND kind = ANY($3) AND run_at <= now()
           AND (locked_until IS NULL OR locked_until < now())
         ORDER BY priority DESC, run_at, id
         LIMIT $4
         FOR UPDATE SKIP LOCKED)
      RETURNING id, kind, document_id, order_id, attempts, max_attempts, locked_by, suspect`,
    [workerId, String(leaseMs), kinds, limit],
  );
}

/** Hands claimed jobs back untouched, their attempt not counted: ready for the next claim. */
export async function releaseJobs(db: Db, jobs: Job[]): Promise<void> {
  if (jobs.length === 0) return;
  await db.query(
    `UPDATE jobs SET locked_by = NULL, locked_until = NULL, attempts = attempts - 1
      WHERE id = ANY($1) AND locked_by = $2`,
    [jobs.map((j) => j.id), jobs[0]!.locked_by],
  );
}

/**
 * Removes a finished job inside the transaction that stored its result. Throws `lease_lost` if
 * the job is no longer this worker's (its lease ran out and another worker took it): the caller's
 * transaction then rolls back, and the result is stored once, by the other worker.
 */
export async function completeJob(q: Queryable, job: Job): Promise<void> {
  const rows = await q.query(`DELETE FROM jobs WHERE id = $1 AND locked_by = $2 RETURNING id`, [
    job.id,
    job.locked_by,
  ]);
  if (rows.length === 0) {
    throw new OrderCaptureError('lease_lost', `job ${job.id} is no longer held by ${job.locked_by}`);
  }
}

/**
 * Gives a failed job back with a backoff delay, or marks it dead after its last attempt; `lost`
 * (nothing written) when the job is no longer this holder's: another holder finishes it.
 */
export async function failJob(db: Db, job: Job, error: unknown): Promise<'retry' | 'dead' | 'lost'> {
  const message = error instanceof Error ? error.message : String(error);
  const dead = job.attempts >= job.max_attempts;
  const delayMs = Math.min(2 ** job.attempts * 500, 60_000);
  const rows = await db.query(
    `UPDATE jobs SET status = $3, last_error = $4, locked_by = NULL, locked_until = NULL,
            run_at = now() + ($5 || ' milliseconds')::interval
      WHERE id = $1 AND locked_by = $2 RETURNING id`,
    [job.id, job.locked_by, dead ? 'dead' : 'pending', message.slice(0, 2000), String(delayMs)],
  );
  if (rows.length === 0) return 'lost';
  return dead ? 'dead' : 'retry';
}

/** Pushes the lease forward for long work (OCR); false when the job was lost meanwhile. */
export async function extendLease(db: Db, job: Job, leaseMs: number): Promise<boolean> {
  const rows = await db.query(
    `UPDATE jobs SET locked_until = now() + ($3 || ' milliseconds')::interval
      WHERE id = $1 AND locked_by = $2 RETURNING id`,
    [job.id, job.locked_by, String(leaseMs)],
  );
  return rows.length > 0;
}
