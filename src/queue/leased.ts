/**
 * One leased queue over a table, shared by the jobs, the ERP outbox and the confirmation outbox.
 * A row is `pending` until it ends; a holder claims it with `FOR UPDATE SKIP LOCKED` (two holders
 * never take the same row) and a lease (`locked_by`, `locked_until`): a holder that dies leaves a
 * row that becomes due again when the lease runs out. Every write after the claim is guarded by
 * the lease, so a holder that lost its row (its lease ran out, another took it) writes nothing and
 * the current holder records the result once. The SQL is the same on PGlite and PostgreSQL.
 *
 * What differs per queue stays with its owner: which rows are due beside the common rule (the ERP
 * outbox's arrival order), what a claim also reads (the order, the customer), what a result writes
 * besides status and error, and when to give up (a count, or the ERP's time since queued).
 */
import type { Queryable } from '../db/db.ts';

/** The columns every leased table has; names are code, never input. */
export interface LeasedTable {
  table: string;
  /** The primary key, a bigint. */
  key: string;
  /** When a pending row is next due (`run_at`, `next_attempt_at`). */
  dueColumn: string;
}

export interface ClaimSpec {
  /** Unique per claim where a re-taken lease must no longer match; else the holder's name. */
  holder: string;
  leaseMs: number;
  limit: number;
  /** Joins after `FROM <table> t` that `where` and `orderBy` may use (aliases other than t, b). */
  join?: string;
  /** More conditions on due rows (`t.` is the table), parameters from `$4` on. */
  where?: string;
  params?: unknown[];
  /** Claim order, e.g. `t.priority DESC, t.run_at, t.id`. */
  orderBy: string;
  /** More assignments on claim, over the row before it (`b.`), e.g. `suspect = b.suspect OR ...`. */
  set?: string;
  /** The claimed row's columns to return (`b.`), the key always among them as `key`. */
  returning?: string;
  /**
   * A query over the CTE `claimed` (the returned rows), to read what the claim needs in the same
   * round trip (`SELECT c.*, o.data FROM claimed c JOIN orders o ...`). Default: `claimed` itself.
   */
  select?: string;
}

/** One held row's end or retry, written only while `lease` still holds it. */
export interface Settlement {
  key: number;
  lease: string;
  /** The row's new status; null keeps it (`pending`, for a retry). */
  status: string | null;
  error: string | null;
  /** Due again after this long; null keeps the due time as it is. */
  delayMs: number | null;
}

/** Extra columns a queue writes with its settlements: one array per column, in settlement order. */
export interface SettleColumns {
  /** Column name in `u`, its array type, the values, and the assignment (`b.` the row, `u.` the input). */
  [name: string]: { type: string; values: unknown[]; set: string };
}

export class LeasedQueue {
  constructor(readonly spec: LeasedTable) {}

  /**
   * Takes up to `limit` due rows for `holder`: pending, due, with no lease or a lease run out.
   * Each claim counts an attempt, so a holder killed mid-work spends one too. Parameters: $1
   * holder, $2 lease in ms, $3 limit, then `params`.
   */
  claim<T = { key: number }>(q: Queryable, c: ClaimSpec): Promise<T[]> {
    const { table, key, dueColumn } = this.spec;
    const sql = `WITH due AS (
       SELECT t.${key} FROM ${table} t ${c.join ?? ''}
        WHERE t.status = 'pending' AND t.${dueColumn} <= now()
          AND (t.locked_until IS NULL OR t.locked_until < now())
          ${c.where ? `AND ${c.where}` : ''}
        ORDER BY ${c.orderBy}
        LIMIT $3
        FOR UPDATE OF t SKIP LOCKED),
     claimed AS (
       UPDATE ${table} b
          SET locked_by = $1, locked_until = now() + ($2 || ' milliseconds')::interval,
              attempts = b.attempts + 1${c.set ? `, ${c.set}` : ''}
         FROM due WHERE b.${key} = due.${key}
       RETURNING b.${key} AS key${c.returning ? `, ${c.returning}` : ''})
     ${c.select ?? 'SELECT * FROM claimed ORDER BY key'}`;
    return q.query<T>(sql, [c.holder, String(c.leaseMs), c.limit, ...(c.params ?? [])]);
  }

  /**
   * Hands held rows back untouched, their attempt not counted, their place in the queue kept
   * (claimed more than could be run, or held back). Rows no longer held by their lease are left.
   */
  async release(q: Queryable, rows: ReadonlyArray<{ key: number; lease: string }>): Promise<number[]> {
    if (rows.length === 0) return [];
    const { table, key } = this.spec;
    const done = await q.query<{ key: number }>(
      `UPDATE ${table} b SET attempts = b.attempts - 1, locked_by = NULL, locked_until = NULL
         FROM unnest($1::bigint[], $2::text[]) AS u(key, lease)
        WHERE b.${key} = u.key AND b.locked_by = u.lease AND b.status = 'pending'
        RETURNING b.${key} AS key`,
      [rows.map((r) => r.key), rows.map((r) => r.lease)],
    );
    return done.map((r) => Number(r.key));
  }

  /** Pushes a held row's lease forward (long work); false when it is no longer held. */
  async extend(q: Queryable, row: { key: number; lease: string }, leaseMs: number): Promise<boolean> {
    const { table, key } = this.spec;
    const rows = await q.query(
      `UPDATE ${table} SET locked_until = now() + ($3 || ' milliseconds')::interval
        WHERE ${key} = $1 AND locked_by = $2 RETURNING ${key}`,
      [row.key, row.lease, String(leaseMs)],
    );
    return rows.length > 0;
  }

  /** Deletes a held row (its work is stored in the caller's transaction); false when not held. */
  async remove(q: Queryable, row: { key: number; lease: string }): Promise<boolean> {
    const { table, key } = this.spec;
    const rows = await q.query(`DELETE FROM ${table} WHERE ${key} = $1 AND locked_by = $2 RETURNING ${key}`, [
      row.key,
      row.lease,
    ]);
    return rows.length > 0;
  }

  /**
   * Writes each settlement to its row and releases the lease, only where the row is still held by
   * that settlement's lease, in one statement however many. Returns the keys written; the others
   * were lost to another holder and are that holder's to record. `also`: more assignments that
   * read only the common input (`u.status`), e.g. a sent instant.
   */
  async settle(
    q: Queryable,
    items: readonly Settlement[],
    extra: SettleColumns = {},
    also?: string,
  ): Promise<Set<number>> {
    if (items.length === 0) return new Set();
    const { table, key, dueColumn } = this.spec;
    const names = Object.keys(extra);
    const arrays = names.map((n, i) => `$${6 + i}::${extra[n]!.type}[]`);
    const sets = [...names.map((n) => extra[n]!.set), ...(also ? [also] : [])].map((s) => `, ${s}`).join('');
    const rows = await q.query<{ key: number }>(
      `UPDATE ${table} b
          SET status = coalesce(u.status, b.status), last_error = u.error,
              ${dueColumn} = CASE WHEN u.delay_ms IS NULL THEN b.${dueColumn}
                                  ELSE now() + u.delay_ms * interval '1 millisecond' END,
              locked_by = NULL, locked_until = NULL${sets}
         FROM (SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::float8[]
                                    ${arrays.map((a) => `, ${a}`).join('')})
                  AS t(key, lease, status, error, delay_ms${names.map((n) => `, ${n}`).join('')})) u
        WHERE b.${key} = u.key AND b.locked_by = u.lease
        RETURNING b.${key} AS key`,
      [
        items.map((s) => s.key),
        items.map((s) => s.lease),
        items.map((s) => s.status),
        items.map((s) => s.error),
        items.map((s) => s.delayMs),
        ...names.map((n) => extra[n]!.values),
      ],
    );
    return new Set(rows.map((r) => Number(r.key)));
  }
}

/** When a failed attempt is tried again, or that it is not. */
export type RetryDecision = { retry: true; delayMs: number } | { retry: false; reason: string };

export interface RetryPolicy {
  /** Attempts after which a failure is final; null: no count limit. */
  maxAttempts: number | null;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Time spent trying after which a failure is final (the ERP's 24 h); absent: none. */
  giveUpAfterMs?: number;
  /** The delay within the backoff window: random (jitter, the default) or its ceiling (1). */
  random?: () => number;
}

/**
 * The shared retry rule: give up after `maxAttempts` or after `giveUpAfterMs` of trying, else
 * wait the backoff (at least what the other side asked for, `retryAfterMs`, never past the
 * ceiling). The last wait ends on the deadline rather than after it, so giving up is not late.
 */
export function nextRetry(
  attempts: number,
  policy: RetryPolicy,
  elapsedMs = 0,
  retryAfterMs = 0,
): RetryDecision {
  if (policy.maxAttempts !== null && attempts >= policy.maxAttempts) {
    return { retry: false, reason: `gave up after ${attempts} attempts` };
  }
  const deadline = policy.giveUpAfterMs ?? Number.POSITIVE_INFINITY;
  if (elapsedMs >= deadline) {
    return { retry: false, reason: `gave up after ${formatDuration(elapsedMs)} and ${attempts} attempts` };
  }
  const backoff = backoffDelayMs(attempts, policy.backoffBaseMs, policy.backoffMaxMs, policy.random);
  const wanted = Math.min(Math.max(backoff, retryAfterMs), policy.backoffMaxMs);
  return { retry: true, delayMs: Math.max(0, Math.min(wanted, deadline - elapsedMs)) };
}

/**
 * Exponential backoff with full jitter: a random delay between `baseMs` and a ceiling that
 * doubles with each attempt up to `maxMs`, so holders that failed together do not retry
 * together.
 */
export function backoffDelayMs(
  attempts: number,
  baseMs: number,
  maxMs: number,
  random = Math.random,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
  const floor = Math.min(baseMs, ceiling);
  return Math.round(floor + random() * (ceiling - floor));
}

/** `90061000` -> `1 d 1 h 1 min`; seconds only under a minute. */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const parts: string[] = [];
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d) parts.push(`${d} d`);
  if (h) parts.push(`${h} h`);
  if (m) parts.push(`${m} min`);
  return parts.join(' ');
}
