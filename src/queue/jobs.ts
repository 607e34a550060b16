import type { Db, Queryable } from '../db/db.ts';
import { OrderCaptureError } from '../errors.ts';
import { backoffDelayMs, LeasedQueue } from './leased.ts';

const JOBS = new LeasedQueue({ table: 'jobs', key: 'id', dueColumn: 'run_at' });

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
  return JOBS.claim<Job>(db, {
    holder: workerId,
    leaseMs,
    limit,
    where: 't.kind = ANY($4)',
    params: [kinds],
    orderBy: 't.priority DESC, t.run_at, t.id',
    set: 'suspect = b.suspect OR b.locked_by IS NOT NULL',
    returning: 'b.id, b.kind, b.document_id, b.order_id, b.attempts, b.max_attempts, b.locked_by, b.suspect',
    select: 'SELECT id, kind, document_id, order_id, attempts, max_attempts, locked_by, suspect FROM claimed',
  });
}

/** Hands claimed jobs back untouched, their attempt not counted: ready for the next claim. */
export async function releaseJobs(db: Db, jobs: Job[]): Promise<void> {
  await JOBS.release(
    db,
    jobs.map((j) => ({ key: j.id, lease: j.locked_by })),
  );
}

/**
 * Removes a finished job inside the transaction that stored its result. Throws `lease_lost` if
 * the job is no longer this worker's (its lease ran out and another worker took it): the caller's
 * transaction then rolls back, and the result is stored once, by the other worker.
 */
export async function completeJob(q: Queryable, job: Job): Promise<void> {
  if (!(await JOBS.remove(q, { key: job.id, lease: job.locked_by }))) {
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
  // 1 s, 2 s, 4 s ... up to a minute, without jitter: a job's retry is not a crowd's.
  const delayMs = backoffDelayMs(job.attempts, 1000, 60_000, () => 1);
  const held = await JOBS.settle(db, [
    {
      key: job.id,
      lease: job.locked_by,
      status: dead ? 'dead' : 'pending',
      error: message.slice(0, 2000),
      delayMs,
    },
  ]);
  if (held.size === 0) return 'lost';
  return dead ? 'dead' : 'retry';
}

/** Pushes the lease forward for long work (OCR); false when the job was lost meanwhile. */
export function extendLease(db: Db, job: Job, leaseMs: number): Promise<boolean> {
  return JOBS.extend(db, { key: job.id, lease: job.locked_by }, leaseMs);
}
