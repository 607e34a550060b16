import { type EdiSenderOptions, ediSender } from './edi-sender.ts';
import { type EmailSenderOptions, emailSender } from './email-sender.ts';
import type { ConfirmConfig } from './options.ts';
import type { ConfirmationChannels } from './outbox.ts';
import type { ReplySenderProvider } from './reply-sender.ts';

/**
 * Every kind of confirmation there is. A new one is a `ReplySenderProvider` in its own file,
 * listed here with its options (the confirmation configuration holds them all).
 */
export const REPLY_SENDERS: readonly ReplySenderProvider[] = [emailSender, ediSender];
export type ReplySenderOptions = EmailSenderOptions & EdiSenderOptions;

/** Which kinds this installation sends, by what each sender says of the configuration. */
export function confirmationChannels(config: ConfirmConfig): ConfirmationChannels {
  const on = (kind: string) => REPLY_SENDERS.some((s) => s.kind === kind && s.enabled(config));
  return { email: on('email'), ordrsp: on('ordrsp') };
}
