/**
 * Sends queued confirmations: e-mails through SMTP (nodemailer), ORDRSP messages as files in the
 * EDI gateway's outbound folder. Each attempt is recorded; temporary failures (SMTP 4xx, a server
 * that cannot be reached) are retried with backoff, permanent ones (5xx) fail and say why.
 *
 * Never twice: a row is queued once per order and recorded as sent right after the send. A
 * process killed between the two re-sends after the lease: the ORDRSP file is rewritten under the
 * same name (no second file), the e-mail goes again with the same Message-ID, which mail systems
 * recognise as the same message.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Db } from '../db/db.ts';
import { faultPoint } from '../faults.ts';
import { type Logger, withLogFields } from '../log.ts';
import { PollLoop } from '../queue/poll-loop.ts';
import { onWork } from '../queue/signal.ts';
import {
  type ClaimedConfirmation,
  claimConfirmations,
  type RetryPolicy,
  recordConfirmation,
  type SendResult,
} from './outbox.ts';
import { languageOf, ourReference, renderEmail, renderOrdrsp } from './render.ts';
import { REPLY_FORMATS, renderReply, replyFormatOf } from './replies.ts';

export interface ConfirmationSenderOptions extends RetryPolicy {
  db: Db;
  log: Logger;
  /** `smtp://user:password@host:port` (`smtps://` for TLS); null: e-mail confirmations are not sent. */
  smtpUrl: string | null;
  /** The From of confirmation e-mails, e.g. `Pedidos <pedidos@proveedor.es>`. */
  from: string;
  /** Our name, signing the e-mails. */
  supplierName: string;
  /** Where ORDRSP files are written for the EDI gateway. */
  ediDir: string;
  /** Our EDI interchange id (GLN). */
  ownEdiId: string;
  leaseMs?: number;
  pollMs?: number;
  batch?: number;
}

/** The domain of an address inside `Name <user@domain>`, for our Message-IDs. */
function domainOf(from: string): string {
  return /@([^>\s]+)/.exec(from)?.[1] ?? 'order-capture.local';
}

export class ConfirmationSender {
  private readonly transport: Transporter | null;
  private readonly loop: PollLoop;

  constructor(private readonly opts: ConfirmationSenderOptions) {
    this.transport = opts.smtpUrl ? nodemailer.createTransport(opts.smtpUrl) : null;
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
    this.transport?.close();
  }

  private facts(c: ClaimedConfirmation) {
    return {
      orderId: c.orderId,
      order: c.order,
      language: languageOf(c.customer),
      supplierName: this.opts.supplierName,
      rejection: c.rejection,
    };
  }

  private async send(c: ClaimedConfirmation): Promise<SendResult> {
    return c.kind === 'email' ? this.sendEmail(c) : this.writeOrdrsp(c);
  }

  private async sendEmail(c: ClaimedConfirmation): Promise<SendResult> {
    if (!this.transport) return { kind: 'retry', error: 'no SMTP server is configured for confirmations' };
    const mail = renderEmail(this.facts(c));
    const messageId = `<confirmation-${ourReference(c.orderId)}@${domainOf(this.opts.from)}>`;
    try {
      const info = await this.transport.sendMail({
        from: this.opts.from,
        to: c.recipient,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId,
        ...(c.inReplyTo ? { inReplyTo: c.inReplyTo, references: [c.inReplyTo] } : {}),
      });
      return { kind: 'sent', reference: info.messageId ?? messageId };
    } catch (err) {
      const e = err as Error & { responseCode?: number };
      const error = e.message.replace(/\s+/g, ' ').slice(0, 500);
      // 5xx: the server refuses this message for good (unknown recipient, policy); else try again.
      return e.responseCode && e.responseCode >= 500 ? { kind: 'failed', error } : { kind: 'retry', error };
    }
  }

  /** The EDI reply: in the order's own format (X12 855, UBL, cXML) when it came so, else an ORDRSP. */
  private async writeOrdrsp(c: ClaimedConfirmation): Promise<SendResult> {
    const reply = replyFormatOf(c.format);
    if (reply) {
      const { folder, extension } = REPLY_FORMATS[reply];
      const text = renderReply(reply, this.facts(c), {
        sender: this.opts.ownEdiId,
        recipient: c.recipient,
        now: new Date(),
        customerIds: c.customer.edi_ids,
        reference: c.reference,
      });
      // Beside the ORDRSP folder, one per kind, for the gateway that speaks it.
      const dir = join(dirname(this.opts.ediDir), folder);
      return this.writeFile(
        dir,
        `${reply.toUpperCase()}-${ourReference(c.orderId)}.${extension}`,
        text,
        'utf8',
      );
    }
    const gln = c.customer.edi_ids.find((id) => /^\d{13}$/.test(id)) ?? null;
    const text = renderOrdrsp(this.facts(c), {
      sender: this.opts.ownEdiId,
      recipient: c.recipient,
      buyerGln: gln,
      now: new Date(),
    });
    return this.writeFile(this.opts.ediDir, `ORDRSP-${ourReference(c.orderId)}.edi`, text, 'latin1');
  }

  private async writeFile(
    dir: string,
    name: string,
    text: string,
    encoding: BufferEncoding,
  ): Promise<SendResult> {
    try {
      await mkdir(dir, { recursive: true });
      // Written aside, then renamed: the gateway never picks up half a file.
      const tmp = join(dir, `.${name}.${process.pid}.tmp`);
      await writeFile(tmp, text, encoding);
      await rename(tmp, join(dir, name));
      return { kind: 'sent', reference: name };
    } catch (err) {
      return { kind: 'retry', error: (err as Error).message };
    }
  }
}
