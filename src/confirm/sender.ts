/**
 * Sends queued confirmations, each by the reply sender of its kind (src/confirm/senders.ts: an
 * e-mail through SMTP, an EDI reply file). Each attempt is recorded; temporary failures are
 * retried with backoff, permanent ones fail and say why.
 *
 * Never twice: a row is queued once per order and recorded as sent right after the send. A
 * process killed between the two re-sends after the lease, which each sender makes harmless (the
 * same file name, the same Message-ID).
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/db.ts';
import { faultPoint } from '../faults.ts';
import { type Logger, withLogFields } from '../log.ts';
import { PollLoop } from '../queue/poll-loop.ts';
import { onWork } from '../queue/signal.ts';
import {
  type ClaimedConfirmation,
  claimConfirmations,
  recordConfirmation,
  type SendResult,
} from './outbox.ts';
import type { ConfirmConfig } from './options.ts';
import { type ConfirmationFacts, languageOf } from './render.ts';
import type { ReplySender } from './reply-sender.ts';
import { REPLY_SENDERS } from './senders.ts';

export interface ConfirmationSenderOptions extends ConfirmConfig {
  db: Db;
  log: Logger;
  pollMs?: number;
  batch?: number;
}

export class ConfirmationSender {
  private readonly senders: Map<string, ReplySender>;
  private readonly loop: PollLoop;

  constructor(private readonly opts: ConfirmationSenderOptions) {
    this.senders = new Map(REPLY_SENDERS.map((p) => [p.kind, p.create(opts)]));
    this.loop = new PollLoop({
      round: () => this.runOnce(),
      pollMs: opts.pollMs ?? 1000,
      // Accepting an order wakes workers in this process; its confirmation is due at once too.
      wakeOn: onWork,
      log: opts.log,
      what: 'confirmation round',
    });
  }

  /** Sends what is due now; returns how many confirmations were attempted. */
  async runOnce(): Promise<number> {
    const lease = `confirm-${randomUUID()}`;
    const claimed = await claimConfirmations(this.opts.db, {
      lease,
      limit: this.opts.batch ?? 10,
      leaseMs: this.opts.leaseMs ?? 60_000,
    });
    for (const c of claimed) {
      await withLogFields({ documentId: c.documentId, orderId: c.orderId }, async () => {
        const result = await this.send(c);
        faultPoint('confirm.after-send');
        const recorded = await recordConfirmation(this.opts.db, c, result, this.opts);
        if (result.kind !== 'sent') {
          this.opts.log.warn('confirmation not sent', {
            via: c.kind,
            outcome: result.kind,
            error: result.error,
          });
        }
        if (!recorded) this.opts.log.warn('confirmation lease lost');
      });
    }
    return claimed.length;
  }

  start(): void {
    this.loop.start();
  }

  /** Stops sending; resolves once the round in hand is recorded. */
  async stop(): Promise<void> {
    await this.loop.stop();
    for (const sender of this.senders.values()) sender.close?.();
  }

  private facts(c: ClaimedConfirmation): ConfirmationFacts {
    return {
      orderId: c.orderId,
      order: c.order,
      language: languageOf(c.customer),
      supplierName: this.opts.supplierName,
      rejection: c.rejection,
    };
  }

  private async send(c: ClaimedConfirmation): Promise<SendResult> {
    const sender = this.senders.get(c.kind);
    // A kind queued by an older release that this one no longer sends: it waits for one that does.
    if (!sender) return { kind: 'retry', error: `no sender for ${c.kind} confirmations` };
    return sender.send(c, this.facts(c));
  }
}
