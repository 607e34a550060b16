import type { ErpConfig } from '../config.ts';
import type { Db } from '../db/db.ts';
import { OrderCaptureError } from '../errors.ts';
import { faultPoint } from '../faults.ts';
import type { Logger } from '../log.ts';
import { onWork } from '../queue/signal.ts';
import type { DeliveryResult, ErpAdapter } from './adapter.ts';
import { type ClaimedDelivery, claimDeliveries, type RecordedOutcome, recordResult } from './outbox.ts';

export interface OutboxDelivererOptions {
  db: Db;
  /** Owned by the caller, who closes it after `stop()`. */
  adapter: ErpAdapter;
  config: ErpConfig;
  /** Names this process in leases (host:pid or similar); unique among running deliverers. */
  workerId: string;
  log: Logger;
  /** Orders sent at once; one order is never sent twice at once (the lease). Default 4. */
  concurrency?: number;
  /** Sleep when nothing is due; an in-process `wakeWorkers()` cuts it short. Default 1000. */
  pollMs?: number;
  /** How long a claim holds its row; must outlast a request. Default max(60 s, 2 x timeoutMs). */
  leaseMs?: number;
}

/**
 * Moves outbox rows to the ERP: claims due rows under a lease, hands each to the adapter and
 * records the result only while the lease is still its own. If the process dies after sending and
 * before recording, the lease runs out, another run resends under the same idempotency key, and
 * the ERP (or the file adapter's overwrite) makes the second send a no-op: exactly once in effect.
 */
export class OutboxDeliverer {
  private readonly db: Db;
  private readonly adapter: ErpAdapter;
  private readonly config: ErpConfig;
  private readonly workerId: string;
  private readonly log: Logger;
  private readonly concurrency: number;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private claims = 0;
  private stopping = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;

  constructor(opts: OutboxDelivererOptions) {
    this.db = opts.db;
    this.adapter = opts.adapter;
    this.config = opts.config;
    this.workerId = opts.workerId;
    this.log = opts.log.child({ component: 'erp', adapter: opts.adapter.identifier });
    this.concurrency = opts.concurrency ?? 4;
    this.pollMs = opts.pollMs ?? 1000;
    this.leaseMs = opts.leaseMs ?? Math.max(60_000, 2 * opts.config.timeoutMs);
    this.validate();
  }

  private validate(): void {
    const problems: string[] = [];
    if (!this.workerId) problems.push('workerId must not be empty');
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1)
      problems.push('concurrency must be >= 1');
    if (!(this.pollMs > 0)) problems.push('pollMs must be > 0');
    // A lease shorter than a request would let a second deliverer send while the first still waits.
    if (!(this.leaseMs > this.config.timeoutMs)) problems.push('leaseMs must exceed erp.timeoutMs');
    if (problems.length > 0) {
      throw new OrderCaptureError('config_invalid', `OutboxDeliverer: ${problems.join('; ')}`);
    }
  }

  /** Runs until `stop()`: deliver what is due, sleep `pollMs` (or until woken) when nothing was. */
  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.run();
  }

  /** Stops claiming and resolves once the deliveries in flight are recorded. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    this.loop = null;
  }

  /**
   * Claims and delivers what is due now, keeping up to `concurrency` deliveries in flight.
   * Resolves when a claim finds nothing more and the last delivery is recorded; returns how many
   * deliveries were attempted.
   */
  async runOnce(): Promise<number> {
    const inFlight = new Set<Promise<void>>();
    let processed = 0;
    let drained = false;
    let failure: { err: unknown } | null = null;
    while (inFlight.size > 0 || (!drained && !this.stopping)) {
      if (!drained && !this.stopping && inFlight.size < this.concurrency) {
        let claimed: ClaimedDelivery[] = [];
        try {
          claimed = await this.claim(this.concurrency - inFlight.size);
        } catch (err) {
          // Still wait for the deliveries in flight: stop() relies on runOnce to cover them.
          failure = { err };
        }
        drained = claimed.length === 0;
        for (const d of claimed) {
          const p: Promise<void> = this.deliverOne(d).finally(() => inFlight.delete(p));
          inFlight.add(p);
        }
        processed += claimed.length;
        if (!drained) continue;
      }
      if (inFlight.size > 0) await Promise.race(inFlight);
    }
    if (failure) throw failure.err;
    return processed;
  }

  private async run(): Promise<void> {
    const off = onWork(() => this.wake?.());
    try {
      while (!this.stopping) {
        let processed = 0;
        try {
          processed = await this.runOnce();
        } catch (err) {
          this.log.error('ERP delivery round failed', { err });
        }
        if (processed === 0 && !this.stopping) await this.sleep(this.pollMs);
      }
    } finally {
      off();
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  private claim(limit: number): Promise<ClaimedDelivery[]> {
    this.claims += 1;
    return claimDeliveries(this.db, {
      adapter: this.adapter.identifier,
      lease: `${this.workerId}#${this.claims}`,
      limit,
      leaseMs: this.leaseMs,
    });
  }

  private async deliverOne(d: ClaimedDelivery): Promise<void> {
    const log = this.log.child({ orderId: d.orderId, documentId: d.documentId, attempt: d.attempts });
    const result = await this.send(d, log);
    // Crash tests kill the process here: sent, not recorded, the case the idempotency key is for.
    faultPoint('erp.after-send');
    try {
      logOutcome(log, await recordResult(this.db, d, result, this.config), result);
    } catch (err) {
      if (err instanceof OrderCaptureError && err.code === 'lease_lost') {
        log.warn('ERP delivery lease lost; the current holder records the result', { err });
      } else {
        // Not recorded: the lease runs out and the order is resent under the same key.
        log.error('cannot record ERP delivery result', { err });
      }
    }
  }

  /** Adapters translate expected failures themselves; a throw here is a bug, retried like an outage. */
  private async send(d: ClaimedDelivery, log: Logger): Promise<DeliveryResult> {
    try {
      const { orderId, idempotencyKey, order, documentId, receivedAt } = d;
      return await this.adapter.deliver({ orderId, idempotencyKey, order, documentId, receivedAt });
    } catch (err) {
      log.error('ERP adapter threw', { err });
      return { kind: 'retry', error: `adapter error: ${(err as Error)?.message ?? String(err)}` };
    }
  }
}

function logOutcome(log: Logger, outcome: RecordedOutcome, result: DeliveryResult): void {
  if (result.kind === 'delivered') log.info('order delivered to the ERP', { reference: result.reference });
  else if (outcome === 'retry') log.warn('ERP delivery will be retried', { error: result.error });
  else log.error('ERP delivery failed', { error: result.error });
}
