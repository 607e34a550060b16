/**
 * EDI replies as files in the EDI gateway's outbound folder: an ORDRSP, or the order's own format
 * (X12 855, UBL, cXML) when it came so. A resend after a crash rewrites the same file name, so
 * the gateway never sees a second reply.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { OptionsContext, Reader } from '../config-source.ts';
import type { ConfirmConfig } from './options.ts';
import type { ClaimedConfirmation, SendResult } from './outbox.ts';
import { type ConfirmationFacts, ourReference, renderOrdrsp } from './render.ts';
import { REPLY_FORMATS, renderReply, replyFormatOf } from './replies.ts';
import type { ReplySender, ReplySenderProvider } from './reply-sender.ts';

export interface EdiSenderOptions {
  /** ORDRSP files for EDI customers, written to `ediDir`. */
  ediEnabled: boolean;
  /** Where ORDRSP files are written for the EDI gateway. */
  ediDir: string;
  /** Our EDI interchange id (GLN). */
  ownEdiId: string;
}

class EdiSender implements ReplySender {
  constructor(private readonly opts: EdiSenderOptions) {}

  async send(c: ClaimedConfirmation, facts: ConfirmationFacts): Promise<SendResult> {
    const reply = replyFormatOf(c.format);
    if (reply) {
      const { folder, extension } = REPLY_FORMATS[reply];
      const text = renderReply(reply, facts, {
        sender: this.opts.ownEdiId,
        recipient: c.recipient,
        now: new Date(),
        customerIds: c.customer.edi_ids,
        reference: c.reference,
      });
      // Beside the ORDRSP folder, one per kind, for the gateway that speaks it.
      const dir = join(dirname(this.opts.ediDir), folder);
      return writeReply(dir, `${reply.toUpperCase()}-${ourReference(c.orderId)}.${extension}`, text, 'utf8');
    }
    const gln = c.customer.edi_ids.find((id) => /^\d{13}$/.test(id)) ?? null;
    const text = renderOrdrsp(facts, {
      sender: this.opts.ownEdiId,
      recipient: c.recipient,
      buyerGln: gln,
      now: new Date(),
    });
    return writeReply(this.opts.ediDir, `ORDRSP-${ourReference(c.orderId)}.edi`, text, 'latin1');
  }
}

async function writeReply(
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

export const ediSender: ReplySenderProvider = {
  kind: 'ordrsp',
  readOptions: (r: Reader, ctx: OptionsContext): EdiSenderOptions => ({
    ediEnabled: r.bool('confirm.ediEnabled', 'ORDERCAP_CONFIRM_EDI', true),
    ediDir: resolve(r.str('confirm.ediDir', 'ORDERCAP_CONFIRM_EDI_DIR', `${ctx.dataDir}/outbox/edifact`)),
    ownEdiId: r.str('confirm.ownEdiId', 'ORDERCAP_OWN_EDI_ID', 'ORDERCAPTURE'),
  }),
  enabled: (config: ConfirmConfig) => config.ediEnabled,
  create: (config: ConfirmConfig) => new EdiSender(config),
};
