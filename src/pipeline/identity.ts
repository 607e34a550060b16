/**
 * Who sent a document, as the channel itself knows it: the access token, the e-mail sender, the
 * caller's fax number, the EDI sender. This, never what the document prints about its buyer,
 * decides whom an order may be accepted for (docs/threat-model.md, "Who ordered").
 */
import type { IdentityConfig } from '../config.ts';
import type { Channel } from '../domain/document.ts';
import type { MessageOrigin } from '../domain/extraction.ts';
import { emailDomain, normaliseEmail } from '../masterdata/normalise.ts';
import type { SenderIdentity } from '../validate/types.ts';

export const DEFAULT_IDENTITY: IdentityConfig = {
  faxGateways: [],
  authServIds: [],
  requireAuthenticatedMail: false,
};

/** What the pipeline knows about a stored document's arrival. */
export interface Arrival {
  channel: Channel;
  sender: string | null;
  /** The customer whose token sent a web order. */
  customer_id: string | null;
  meta: Record<string, unknown> | null;
}

/**
 * The channel's identity of a document's sender. Only a file the supplier itself handed in
 * (`extract`, a fax folder marked trusted, the EDI gateway's folder, a scan) has none and may be
 * identified by its content; every other arrival without one is `missing`.
 */
export function senderIdentity(
  doc: Arrival,
  origin: MessageOrigin | undefined,
  config: IdentityConfig,
  interchangeSender: string | null = null,
): SenderIdentity {
  const meta = doc.meta ?? {};
  if (typeof meta.authenticatedCustomer === 'string')
    return { kind: 'token', customerId: meta.authenticatedCustomer };
  if (doc.customer_id) return { kind: 'token', customerId: doc.customer_id };
  const supplierInput = meta.via === 'cli' || meta.trusted === true;
  if (origin) return mailIdentity(doc, origin, config);
  // A sheet or XML file the supplier handed to `extract` is no message: it has no sender to judge.
  if (doc.channel === 'email')
    return supplierInput && !doc.sender ? { kind: 'none' } : mailIdentity(doc, origin, config);
  if (doc.channel === 'fax') {
    if (doc.sender) return { kind: 'fax', number: doc.sender, via: null };
    return supplierInput
      ? { kind: 'none' }
      : { kind: 'missing', what: 'The fax came without a caller number' };
  }
  if (doc.channel === 'edi' && doc.sender) return { kind: 'edi', id: doc.sender };
  // The EDI gateway's folder: the interchange's UNB sender, unless the supplier handed the file in.
  if (doc.channel === 'edi' && interchangeSender && meta.via !== 'cli') {
    return { kind: 'edi', id: interchangeSender, hubAllowed: true };
  }
  return { kind: 'none' };
}

function mailIdentity(
  doc: Arrival,
  origin: MessageOrigin | undefined,
  config: IdentityConfig,
): SenderIdentity {
  const from = normaliseEmail(origin?.from ?? (doc.sender?.includes('@') ? doc.sender : null));
  if (!from) return { kind: 'missing', what: 'The e-mail names no sender address' };
  if (origin?.faxNumber && isFaxGateway(from, doc, origin, config)) {
    return { kind: 'fax', number: origin.faxNumber, via: from };
  }
  const auth = authenticate(origin?.authenticationResults ?? [], from, config.authServIds);
  const doubt =
    auth.fail ??
    (config.requireAuthenticatedMail && !auth.pass
      ? 'no trusted mail gateway authenticated it (DKIM or SPF pass for its domain), which this installation requires'
      : null);
  return { kind: 'email', address: from, proof: auth.pass, doubt };
}

/**
 * A fax-to-mail gateway is one configured by address or `@domain`; without that setting, a sender
 * in the mail domain the message was delivered to (the supplier's own), as the connector knows it
 * (SMTP recipients, the IMAP account) or, for a file handed to `extract`, as its To: header says.
 */
function isFaxGateway(from: string, doc: Arrival, origin: MessageOrigin, config: IdentityConfig): boolean {
  const domain = emailDomain(from);
  if (config.faxGateways.length > 0) {
    return config.faxGateways.some((g) => g === from || (g.startsWith('@') && g === domain));
  }
  const meta = doc.meta ?? {};
  const delivered = [
    ...(Array.isArray(meta.rcptTo) ? meta.rcptTo : []),
    meta.mailboxUser,
    ...(meta.via === 'cli' ? origin.to : []),
  ].filter((a): a is string => typeof a === 'string' && a.includes('@'));
  return delivered.some((a) => emailDomain(a.toLowerCase()) === domain);
}

interface AuthVerdict {
  /** What authenticated the From: domain, in words; null: nothing did. */
  pass: string | null;
  /** Why the From: address is doubted; null: no trusted gateway failed it. */
  fail: string | null;
}

/**
 * Reads `Authentication-Results` headers (RFC 8601) written by a trusted gateway only: anyone
 * else's are text the sender chose. A DKIM, SPF or DMARC result counts when its domain is the
 * From: domain or one it belongs to (relaxed alignment); a pass outweighs a fail (DMARC's rule).
 */
export function authenticate(headers: string[], from: string, trusted: string[]): AuthVerdict {
  const fromDomain = from.slice(from.lastIndexOf('@') + 1);
  const aligned = (d: string | undefined) => {
    const bare = d?.toLowerCase().replace(/^.*@/, '');
    return !!bare && (bare === fromDomain || fromDomain.endsWith(`.${bare}`));
  };
  let pass: string | null = null;
  let fail: string | null = null;
  for (const header of headers) {
    const [head, ...results] = header.split(';');
    const authServ = head?.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
    if (!trusted.includes(authServ)) continue;
    for (const r of results) {
      const m = /^\s*(dkim|spf|dmarc)\s*=\s*([a-z]+)/i.exec(r);
      if (!m) continue;
      const method = m[1]!.toLowerCase();
      const result = m[2]!.toLowerCase();
      const props = Object.fromEntries(
        [...r.matchAll(/([a-z]+\.[a-z-]+)\s*=\s*("[^"]*"|[^\s;]+)/gi)].map((p) => [
          p[1]!.toLowerCase(),
          p[2]!.replace(/"/g, ''),
        ]),
      );
      const domain =
        method === 'dkim'
          ? (props['header.d'] ?? props['header.i'])
          : method === 'spf'
            ? (props['smtp.mailfrom'] ?? props['smtp.helo'])
            : props['header.from'];
      if (!aligned(domain)) continue;
      if (result === 'pass') pass ??= `${method.toUpperCase()} pass for ${fromDomain} (${authServ})`;
      if (result === 'fail') {
        fail ??= `the receiving mail gateway ${authServ} reports ${method.toUpperCase()} fail for ${fromDomain}`;
      }
    }
  }
  return { pass, fail: pass ? null : fail };
}
