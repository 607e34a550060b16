/**
 * The one polling loop of the workers (documents, ERP delivery, confirmations, retention): run a
 * round, and when it found nothing, sleep until the next poll or until woken. A round that did
 * work is followed by the next at once; an idle or failed round by a sleep that grows from
 * `pollMs` to `maxIdleMs` (idle backoff: a quiet queue is not asked every `pollMs` for ever), and
 * shrinks back at the first work or wake-up. A failed round is logged and reported, never fatal.
 * `stop()` ends the sleep at once and resolves when the round in hand has finished.
 */
import type { Logger } from '../log.ts';

export interface PollLoopOptions {
  /** Does one round of work; resolves to how much it did (0: nothing was due). */
  round: () => Promise<number>;
  pollMs: number;
  /** Longest sleep after idle rounds in a row. Default `pollMs` (no backoff). */
  maxIdleMs?: number;
  /** Subscribes to wake-ups (an in-process notify); returns the unsubscribe. */
  wakeOn?: (wake: () => void) => () => void;
  log: Logger;
  /** Logged with a failed round's error. */
  what: string;
  /** A round failed (health goes `failing`) or succeeded again. */
  onRound?: (error: unknown | null) => void;
  /** Lets the process exit while only this loop waits (a periodic sweep). */
  unref?: boolean;
}

export class PollLoop {
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  /** A wake-up that came while a round ran: the next sleep is skipped. */
  private woken = false;
  private idleMs: number;

  constructor(private readonly opts: PollLoopOptions) {
    if (!(opts.pollMs > 0)) throw new RangeError('pollMs must be > 0');
    this.idleMs = opts.pollMs;
  }

  get started(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops polling: no new round starts; resolves once the round in hand has finished. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.loop = null;
  }

  /** Cuts the current sleep short (or the next one, when a round is running). */
  poke(): void {
    this.woken = true;
    this.wake?.();
  }

  private async run(): Promise<void> {
    const off = this.opts.wakeOn?.(() => this.poke());
    try {
      while (this.running) {
        this.woken = false;
        let done = 0;
        try {
          done = await this.opts.round();
          this.opts.onRound?.(null);
        } catch (err) {
          this.opts.onRound?.(err);
          this.opts.log.error(`${this.opts.what} failed`, { err });
        }
        if (!this.running) break;
        // Work done, or work announced while the round ran: look again at once.
        if (done > 0 || this.woken) {
          this.idleMs = this.opts.pollMs;
          continue;
        }
        const woken = await this.sleep(this.idleMs);
        this.idleMs = woken ? this.opts.pollMs : Math.min(this.idleMs * 2, this.maxIdleMs);
      }
    } finally {
      off?.();
    }
  }

  private get maxIdleMs(): number {
    return Math.max(this.opts.pollMs, this.opts.maxIdleMs ?? this.opts.pollMs);
  }

  /** Resolves true when woken (or stopped) before `ms`, false when the time ran out. */
  private sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const end = (woken: boolean) => {
        clearTimeout(timer);
        this.wake = null;
        resolve(woken);
      };
      const timer = setTimeout(() => end(false), ms);
      if (this.opts.unref) timer.unref();
      this.wake = () => end(true);
    });
  }
}
