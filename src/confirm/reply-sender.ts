import type { OptionsContext, Reader } from '../config-source.ts';
import type { ConfirmConfig } from './options.ts';
import type { ClaimedConfirmation, ConfirmationKind, SendResult } from './outbox.ts';
import type { ConfirmationFacts } from './render.ts';

/**
 * Sends one kind of confirmation (an e-mail, an EDI reply file). An implementation MUST:
 * - translate every expected failure into a `SendResult` (`retry` when trying later may work,
 *   `failed` when it cannot) and not throw for it;
 * - make a resend after a crash harmless (the same Message-ID, the same file name).
 */
export interface ReplySender {
  send(c: ClaimedConfirmation, facts: ConfirmationFacts): Promise<SendResult>;
  /** Releases what it opened (an SMTP pool); called once, at shutdown. */
  close?(): void;
}

/**
 * A registry entry (src/confirm/senders.ts): the kind it sends, its own settings (every one read
 * whether it is on or not, so their names are known and typos refused), whether this
 * installation sends it, and the sender.
 */
export interface ReplySenderProvider {
  readonly kind: ConfirmationKind;
  readOptions(r: Reader, ctx: OptionsContext): object;
  enabled(config: ConfirmConfig): boolean;
  create(config: ConfirmConfig): ReplySender;
}
