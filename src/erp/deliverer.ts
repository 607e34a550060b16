import type { ErpConfig } from '../config.ts';
import type { Db } from '../db/db.ts';
import { OrderCaptureError } from '../errors.ts';
import { faultPoint } from '../faults.ts';
import { type Logger, withLogFields } from '../log.ts';
import { HealthState, type Monitored, type PartHealth } from '../monitor/status.ts';
import { erpAttempts, erpErrors, ordersOut, secondsSince, stageSeconds } from '../metrics.ts';
import { PollLoop } from '../queue/poll-loop.ts';
import { onWork } from '../queue/signal.ts';
import type { DeliveryResult, ErpAdapter } from './adapter.ts';
import {
  type BatchOutcome,
  type ClaimedDelivery,
  claimDeliveries,
  recordResults,
  releaseClaims,
} from './outbox.ts';

/** Keeps one batch's statements within PostgreSQL's parameter limit (8 per event). */
const MAX_BATCH = 1000;

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
  /**
   * Most rows claimed, and recorded, together (one claim and one transaction per batch). Default
   * 50; a batch is smaller where its sends could otherwise outlast the lease (see `claimLimit`).
   */
  batchSize?: number;
  /** Sleep when nothing is due; an in-process `wakeWorkers()` cuts it short. Default 1000. */
  pollMs?: number;
  /** How long a claim holds its row; must outlast a request. Default max(60 s, 2 x timeoutMs). */
  leaseMs?: number;
}

/**
 * Moves outbox rows to the ERP: claims a batch of due rows under one lease, hands each to the
 * adapter and records the batch's results in one transaction, each only while the lease is still
 * its own. If the process dies after sending and before recording, the lease runs out, another run
 * resends under the same idempotency key, and the ERP (or the file adapter's overwrite) makes the
 * second send a no-op: exactly once in effect. Database cost per batch, whatever its size: one
 * claim and one transaction of five round trips (BEGIN, outbox rows, orders, events, COMMIT).
 */
export class OutboxDeliverer implements Monitored {
  readonly kind = 'worker';
  private readonly state = new HealthState();
  private readonly db: Db;
  private readonly adapter: ErpAdapter;
  private readonly config: ErpConfig;
  private readonly workerId: string;
  private readonly log: Logger;
  private readonly concurrency: number;
  private readonly batchSize: number;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private claims = 0;
  private stopping = false;
  private readonly loop: PollLoop;

  constructor(opts: OutboxDelivererOptions) {
    this.state.set('running');
    this.db = opts.db;
    this.adapter = opts.adapter;
    this.config = opts.config;
    this.workerId = opts.workerId;
    this.log = opts.log.child({ component: 'erp', adapter: opts.adapter.identifier });
    this.concurrency = opts.concurrency ?? 4;
    this.batchSize = opts.batchSize ?? 50;
    this.pollMs = opts.pollMs ?? 1000;
    this.leaseMs = opts.leaseMs ?? Math.max(60_000, 2 * opts.config.timeoutMs);
    this.validate();
    this.loop = new PollLoop({
      round: () => this.runOnce(),
      pollMs: this.pollMs,
      wakeOn: onWork,
      log: this.log,
      what: 'ERP delivery round',
      onRound: (err) => {
        if (err)
          this.state.set('failing', `delivery round failed: ${(err as Error)?.message ?? String(err)}`);
      },
    });
  }

  private validate(): void {
    const problems: string[] = [];
    if (!this.workerId) problems.push('workerId must not be empty');
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1)
      problems.push('concurrency must be >= 1');
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1 || this.batchSize > MAX_BATCH)
      problems.push(`batchSize must be between 1 and ${MAX_BATCH}`);
    if (!(this.pollMs > 0)) problems.push('pollMs must be > 0');
    // A lease shorter than a request would let a second deliverer send while the first still waits.
    if (!(this.leaseMs > this.config.timeoutMs)) problems.push('leaseMs must exceed erp.timeoutMs');
    if (problems.length > 0) {
      throw new OrderCaptureError('config_invalid', `OutboxDeliverer: ${problems.join('; ')}`);
    }
  }

  get name(): string {
    return `ERP delivery (${this.adapter.identifier}) ${this.workerId}`;
  }

  /** Failing while the ERP refuses every attempt of a round (an outage), with its last error. */
  health(): PartHealth {
    return this.state.get();
  }

  /** Runs until `stop()`: deliver what is due, sleep `pollMs` (or until woken) when nothing was. */
  start(): void {
    if (this.loop.started) return;
    this.stopping = false;
    this.loop.start();
  }

  /** Stops claiming and resolves once the deliveries in flight are recorded. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop.stop();
  }

  /**
   * Claims and delivers what is due now, a batch at a time: up to `batchSize` rows in one claim,
   * sent `concurrency` at once, recorded together in one transaction once every send of the batch
   * has settled (each is bounded by `erp.timeoutMs`). Resolves when a claim finds less than it
   * asked for (nothing more was due) and that batch is recorded; returns how many deliveries were
   * attempted.
   */
  async runOnce(): Promise<number> {
    let processed = 0;
    while (!this.stopping) {
      const limit = this.claimLimit;
      const batch = await this.claim(limit);
      if (batch.length === 0) break;
      processed += batch.length;
      await this.deliverBatch(batch);
      // A short batch took all that was due: no second claim just to find nothing.
      if (batch.length < limit) break;
    }
    return processed;
  }

  /**
   * A batch is recorded only after its last send, so its last send must start while the lease
   * still holds with a request's time to spare: with `concurrency` workers and every send bounded
   * by `timeoutMs`, that is `concurrency` sends per `timeoutMs` of lease, keeping one `timeoutMs`
   * for the claim and the record. Never fewer than `concurrency` rows: those fit any valid lease.
   */
  private get claimLimit(): number {
    const rounds = Math.max(1, Math.floor(this.leaseMs / this.config.timeoutMs) - 1);
    return Math.min(this.batchSize, this.concurrency * rounds);
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

  private async deliverBatch(batch: ClaimedDelivery[]): Promise<void> {
    faultPoint('erp.before-send');
    const sent = await this.sendAll(batch);
    await this.release(batch.filter((_, i) => sent[i] === undefined));
    const results = await this.flush(sent.filter((r) => r !== undefined));
    // Crash tests kill the process here: sent, not recorded, the case the idempotency key is for.
    faultPoint('erp.after-send');
    const attempts = batch
      .filter((_, i) => sent[i] !== undefined)
      .map((delivery, i) => ({ delivery, result: results[i]! }));
    let outcomes: BatchOutcome[];
    try {
      outcomes = await recordResults(this.db, attempts, this.config);
    } catch (err) {
      // Not recorded: the leases run out and these orders are resent under the same keys.
      this.log.error('cannot record ERP delivery results', { err, orderIds: batch.map((d) => d.orderId) });
      return;
    }
    faultPoint('erp.after-record');
    const adapter = this.adapter.identifier;
    const failed = attempts.filter((a) => a.result.kind !== 'delivered');
    if (failed.length < attempts.length) {
      this.state.set('running');
      this.state.touch();
    }
    if (failed.length === attempts.length) {
      const last = failed.at(-1)!.result;
      this.state.set(
        'failing',
        `the ERP did not take the last ${failed.length} order(s): ${'error' in last ? last.error : ''}`,
      );
    }
    for (const [i, a] of attempts.entries()) {
      const outcome = outcomes[i]!;
      logOutcome(this.orderLog(a.delivery), outcome, a.result);
      if (outcome === 'lease_lost') continue;
      const result = a.result.kind === 'delivered' ? 'delivered' : outcome === 'retry' ? 'retry' : 'failed';
      erpAttempts.inc({ adapter, result });
      if (result === 'delivered') ordersOut.inc({ channel: a.delivery.channel, status: 'delivered' });
      else erpErrors.inc({ adapter });
    }
  }

  /**
   * Sends the batch `concurrency` at a time, each worker taking the next in claim (arrival) order.
   * A send to be retried stops the batch: the rest stay unsent (undefined), so that no order
   * overtakes an older one the ERP did not take; at most `concurrency - 1` sends already under
   * way may still land before it.
   */
  private async sendAll(batch: ClaimedDelivery[]): Promise<Array<DeliveryResult | undefined>> {
    const results: Array<DeliveryResult | undefined> = new Array(batch.length).fill(undefined);
    let next = 0;
    let halted = false;
    const worker = async () => {
      for (let i = next++; i < batch.length && !halted; i = next++) {
        const result = await this.send(batch[i]!);
        results[i] = result;
        if (result.kind === 'retry') halted = true;
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, batch.length) }, worker));
    return results;
  }

  /** Gives claimed rows that were held back unsent to the queue again, in their place, no attempt spent. */
  private async release(heldBack: ClaimedDelivery[]): Promise<void> {
    try {
      await releaseClaims(this.db, heldBack);
    } catch (err) {
      // Their leases run out instead; they are claimed again then, one attempt counted.
      this.log.warn('cannot release held-back ERP deliveries', {
        err,
        orderIds: heldBack.map((d) => d.orderId),
      });
    }
  }

  /**
   * Lets the adapter make the batch's sends durable (the file adapter syncs its folder once per
   * batch) before anything is recorded as delivered. If that fails, the deliveries count as not
   * done: retried, under the same keys.
   */
  private async flush(results: DeliveryResult[]): Promise<DeliveryResult[]> {
    if (!this.adapter.flush || !results.some((r) => r.kind === 'delivered')) return results;
    try {
      await this.adapter.flush();
      return results;
    } catch (err) {
      this.log.error('ERP adapter flush failed', { err });
      const error = `adapter flush failed: ${(err as Error)?.message ?? String(err)}`;
      return results.map((r) => (r.kind === 'delivered' ? { kind: 'retry', error } : r));
    }
  }

  private orderLog(d: ClaimedDelivery): Logger {
    return this.log.child({ orderId: d.orderId, documentId: d.documentId, attempt: d.attempts });
  }

  /** Adapters translate expected failures themselves; a throw here is a bug, retried like an outage. */
  private async send(d: ClaimedDelivery): Promise<DeliveryResult> {
    const started = performance.now();
    try {
      const { orderId, idempotencyKey, order, documentId, receivedAt } = d;
      return await withLogFields({ orderId, documentId }, () =>
        this.adapter.deliver({ orderId, idempotencyKey, order, documentId, receivedAt }),
      );
    } catch (err) {
      this.orderLog(d).error('ERP adapter threw', { err });
      return { kind: 'retry', error: `adapter error: ${(err as Error)?.message ?? String(err)}` };
    } finally {
      stageSeconds.observe({ stage: 'erp', channel: d.channel }, secondsSince(started));
    }
  }
}

function logOutcome(log: Logger, outcome: BatchOutcome, result: DeliveryResult): void {
  if (outcome === 'lease_lost') log.warn('ERP delivery lease lost; the current holder records the result');
  else if (result.kind === 'delivered')
    log.info('order delivered to the ERP', { reference: result.reference });
  else if (outcome === 'retry') log.warn('ERP delivery will be retried', { error: result.error });
  else log.error('ERP delivery failed', { error: result.error });
}
