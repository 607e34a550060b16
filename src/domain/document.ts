/** An arrival on any channel, before anything is done to it (STYLE.md: one shape in). */

export const CHANNELS = ['email', 'fax', 'edi', 'web', 'scan'] as const;
export type Channel = (typeof CHANNELS)[number];

export interface InboundDocument {
  channel: Channel;
  /** Where it came from: a file path, a message id, an HTTP request id. Unique per source. */
  sourceRef: string;
  /** Sender as the channel knows it: e-mail address, fax number, EDI id, customer id for web. */
  sender: string | null;
  /** Customer already authenticated by the channel (web token); trusted over document evidence. */
  customerId?: string | null;
  receivedAt: Date;
  filename: string | null;
  contentType: string | null;
  bytes: Buffer;
  /** Free-form channel facts kept with the document (subject line, IMAP uid, HTTP headers). */
  meta?: Record<string, unknown>;
}

export type DocumentStatus = 'received' | 'processing' | 'processed' | 'rejected';
export type OrderStatus = 'accepted' | 'review' | 'rejected' | 'delivered' | 'failed';
