/**
 * Confirmation e-mails through SMTP (nodemailer). Temporary failures (4xx, a server that cannot
 * be reached) are retried, permanent ones (5xx) fail and say why. A resend after a crash carries
 * the same Message-ID, which mail systems recognise as the same message.
 */
import type { Transporter } from 'nodemailer';
import type { Reader } from '../config-source.ts';
import type { ConfirmConfig } from './options.ts';
import type { ClaimedConfirmation, SendResult } from './outbox.ts';
import { type ConfirmationFacts, ourReference, renderEmail } from './render.ts';
import type { ReplySender, ReplySenderProvider } from './reply-sender.ts';

export interface EmailSenderOptions {
  /** `smtp://user:password@host:port` (`smtps://` for TLS); null: e-mail confirmations are not sent. */
  smtpUrl: string | null;
  /** The From of confirmation e-mails, e.g. `Pedidos <pedidos@proveedor.es>`. */
  from: string;
}

/** The domain of an address inside `Name <user@domain>`, for our Message-IDs. */
function domainOf(from: string): string {
  return /@([^>\s]+)/.exec(from)?.[1] ?? 'order-capture.local';
}

class EmailSender implements ReplySender {
  /**
   * Opened at the first e-mail: the configuration (read by every process and command) lists this
   * sender, and loading nodemailer costs a tenth of a second that most of them never need.
   */
  private transport: Promise<Transporter> | null = null;

  constructor(private readonly opts: EmailSenderOptions) {}

  private open(smtpUrl: string): Promise<Transporter> {
    this.transport ??= import('nodemailer').then((m) => m.default.createTransport(smtpUrl));
    return this.transport;
  }

  async send(c: ClaimedConfirmation, facts: ConfirmationFacts): Promise<SendResult> {
    const { smtpUrl } = this.opts;
    if (!smtpUrl) return { kind: 'retry', error: 'no SMTP server is configured for confirmations' };
    const mail = renderEmail(facts);
    const messageId = `<confirmation-${ourReference(c.orderId)}@${domainOf(this.opts.from)}>`;
    try {
      const transport = await this.open(smtpUrl);
      const info = await transport.sendMail({
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

  close(): void {
    void this.transport?.then((t) => t.close()).catch(() => {});
  }
}

export const emailSender: ReplySenderProvider = {
  kind: 'email',
  readOptions: (r: Reader): EmailSenderOptions => ({
    smtpUrl: r.optStr('confirm.smtpUrl', 'ORDERCAP_CONFIRM_SMTP_URL'),
    from: r.str('confirm.from', 'ORDERCAP_CONFIRM_FROM', 'Pedidos <pedidos@order-capture.local>'),
  }),
  enabled: (config: ConfirmConfig) => config.smtpUrl !== null,
  create: (config: ConfirmConfig) => new EmailSender(config),
};
