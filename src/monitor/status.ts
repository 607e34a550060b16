import { hostname } from 'node:os';
import type { Queryable } from '../db/db.ts';
import type { Logger } from '../log.ts';

/**
 * What a running part (a connector, a worker) says about itself: `running` is healthy,
 * `connecting` is on its way, `reconnecting` and `failing` need a person if they last.
 */
export type PartState = 'connecting' | 'running' | 'reconnecting' | 'failing' | 'stopped';

export interface PartHealth {
  state: PartState;
  /** Why it is not running (the last error), in words; never a credential. */
  detail?: string | null;
  /** When it last did its work (stored a document, finished a job), ISO 8601. */
  lastActivityAt?: string | null;
}

/** A part whose health a process reports in its heartbeat. */
export interface Monitored {
  readonly name: string;
  readonly kind: 'connector' | 'worker';
  health(): PartHealth;
}

export interface PartReport extends PartHealth {
  name: string;
  kind: 'connector' | 'worker';
}

/** One process's last heartbeat, as `/health` shows it. */
export interface ProcessReport {
  id: string;
  host: string;
  pid: number;
  roles: string[];
  startedAt: string;
  seenAt: string;
  /** No heartbeat for three intervals: the process died or cannot reach the database. */
  stale: boolean;
  parts: PartReport[];
}

/** A clock that started at `at` and is now `state`; tracks the last activity for health(). */
export class HealthState {
  private current: PartHealth = { state: 'connecting', detail: null, lastActivityAt: null };

  set(state: PartState, detail: string | null = null): void {
    this.current = { ...this.current, state, detail };
  }

  /** The part just did its work. */
  touch(at = new Date()): void {
    this.current = { ...this.current, lastActivityAt: at.toISOString() };
  }

  get(): PartHealth {
    return { ...this.current };
  }
}

/**
 * Writes this process's heartbeat (roles, and every part's health) to the database every
 * `intervalMs`, so the `/health` of any process shows all of them: the API, the connectors and the
 * workers may run as separate processes on separate machines. A clean stop deletes the row; a
 * process that dies leaves it to turn stale.
 */
export class Heartbeat {
  readonly id = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  private readonly startedAt = new Date();
  private timer: NodeJS.Timeout | null = null;
  private beating: Promise<void> | null = null;

  constructor(
    private readonly db: Queryable,
    private readonly roles: string[],
    private readonly parts: () => Monitored[],
    private readonly intervalMs: number,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    await this.beat();
    this.schedule();
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.beating;
    await this.db.query(`DELETE FROM process_heartbeats WHERE id = $1`, [this.id]).catch(() => {});
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.beating = this.beat()
        .catch((err) => this.log.warn('heartbeat not written', { err }))
        .finally(() => {
          if (this.timer) this.schedule();
        });
    }, this.intervalMs);
    this.timer.unref();
  }

  private async beat(): Promise<void> {
    const parts: PartReport[] = this.parts().map((p) => ({ name: p.name, kind: p.kind, ...p.health() }));
    await this.db.query(
      `INSERT INTO process_heartbeats (id, host, pid, roles, started_at, seen_at, interval_ms, parts)
       VALUES ($1, $2, $3, $4, $5, now(), $6, $7::jsonb)
       ON CONFLICT (id) DO UPDATE SET seen_at = now(), parts = EXCLUDED.parts`,
      [this.id, hostname(), process.pid, this.roles, this.startedAt, this.intervalMs, JSON.stringify(parts)],
    );
    // Rows of processes gone for a day are history, not state.
    await this.db.query(`DELETE FROM process_heartbeats WHERE seen_at < now() - interval '1 day'`);
  }
}

/** Every process's last heartbeat, newest first; stale once three beats were missed. */
export async function processReports(q: Queryable): Promise<ProcessReport[]> {
  const rows = await q.query<{
    id: string;
    host: string;
    pid: number;
    roles: string[];
    started_at: Date;
    seen_at: Date;
    stale: boolean;
    parts: PartReport[];
  }>(
    `SELECT id, host, pid, roles, started_at, seen_at, parts,
            seen_at < now() - make_interval(secs => 3 * interval_ms / 1000.0) AS stale
       FROM process_heartbeats ORDER BY started_at DESC, id`,
  );
  return rows.map((r) => ({
    id: r.id,
    host: r.host,
    pid: r.pid,
    roles: r.roles,
    startedAt: r.started_at.toISOString(),
    seenAt: r.seen_at.toISOString(),
    stale: r.stale,
    parts: r.parts,
  }));
}

/** What a person should look at, in words: stale processes and parts that are not running. */
export function problemsOf(processes: ProcessReport[]): string[] {
  const problems: string[] = [];
  for (const p of processes) {
    if (p.stale) {
      problems.push(`process ${p.id} (${p.roles.join(', ')}) has not reported since ${p.seenAt}`);
      continue;
    }
    for (const part of p.parts) {
      if (part.state === 'running' || part.state === 'connecting') continue;
      problems.push(`${part.name} is ${part.state}${part.detail ? `: ${part.detail}` : ''}`);
    }
  }
  return problems;
}
