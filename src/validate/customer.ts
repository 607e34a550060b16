import type { FindingParams } from '../domain/findings.ts';
import type { Channel } from '../domain/document.ts';
import type { CustomerEvidence } from '../domain/extraction.ts';
import {
  emailDomain,
  faxVariants,
  normaliseEmail,
  normaliseFax,
  taxIdSlips,
  taxIdVariants,
} from '../masterdata/normalise.ts';
import type { CustomerFacts, SenderIdentity } from './types.ts';

/** Every identifier that may name the customer, normalised the way master data is stored. */
export interface CustomerKeys {
  channelId: string | null;
  /** The customer whose access token sent the document (EDI over the API). */
  sentById: string | null;
  senderEmail: string | null;
  senderFax: string | null;
  senderEdiId: string | null;
  /**
   * How the sender is known, for the findings' words: `none` lets the document alone identify
   * the customer, `missing` says why an outside arrival has no identity, `doubt` why it is doubted.
   */
  sender: {
    kind: SenderIdentity['kind'];
    label: string | null;
    doubt: string | null;
    /** A sender on file for nobody may be an EDI hub: then the document decides. */
    hubAllowed?: boolean;
  };
  partyIds: string[];
  /** `customer.id` the document itself states (web-form JSON): a claim, not a proof. */
  claimedId: string | null;
  taxIds: string[];
  docEmail: string | null;
  docFax: string | null;
  /** Every E.164 form of the numbers the document prints (national numbers under each country code). */
  docFaxes?: string[];
  name: string | null;
}

export interface KeySource {
  channel: Channel;
  sender: string | null;
  channelCustomerId: string | null;
  /** The channel's identity of the sender; absent: taken from `sender` (and `sentById`) as given. */
  identity?: SenderIdentity;
  sentById?: string | null;
  claimedId: string | null;
  evidence: CustomerEvidence;
}

/** The identity a caller that did not judge the sender implies by what it passes. */
function impliedIdentity(src: KeySource): SenderIdentity {
  if (src.sentById) return { kind: 'token', customerId: src.sentById };
  const sender = src.sender?.trim() || null;
  if (!sender) return { kind: 'none' };
  if (sender.includes('@')) return { kind: 'email', address: bareAddress(sender), proof: null, doubt: null };
  if (src.channel === 'edi') return { kind: 'edi', id: sender };
  return { kind: 'fax', number: sender, via: null };
}

export function customerKeys(src: KeySource): CustomerKeys {
  const id = src.identity ?? impliedIdentity(src);
  const senderEmail = id.kind === 'email' ? normaliseEmail(id.address) : null;
  const senderFax = id.kind === 'fax' ? normaliseFax(id.number) : null;
  return {
    channelId: src.channelCustomerId?.trim() || null,
    sentById: id.kind === 'token' ? id.customerId : null,
    senderEmail,
    senderFax,
    senderEdiId: id.kind === 'edi' ? id.id.trim() : null,
    sender: {
      kind: id.kind,
      label: senderLabel(id),
      doubt: id.kind === 'email' ? id.doubt : id.kind === 'missing' ? id.what : null,
      ...(id.kind === 'edi' && id.hubAllowed ? { hubAllowed: true } : {}),
    },
    partyIds: [...new Set(src.evidence.partyIds.map((p) => p.trim()).filter((p) => p !== ''))],
    claimedId: src.claimedId?.trim() || null,
    taxIds: [
      ...new Set(
        [src.evidence.taxId, ...(src.evidence.otherTaxIds ?? [])].flatMap((t) => [
          ...taxIdVariants(t),
          // A glyph misread: matched only against customers, never printed as the id read.
          ...taxIdSlips(t),
        ]),
      ),
    ],
    docEmail: normaliseEmail(src.evidence.email ? bareAddress(src.evidence.email) : null),
    docFax: normaliseFax(src.evidence.fax),
    docFaxes: [
      ...new Set([src.evidence.fax, ...(src.evidence.otherFaxes ?? [])].flatMap((f) => faxVariants(f))),
    ],
    name: src.evidence.name?.trim() || null,
  };
}

function senderLabel(id: SenderIdentity): string | null {
  switch (id.kind) {
    case 'token':
      return `the access token of customer ${id.customerId}`;
    case 'email':
      return `the sender ${id.address}${id.proof ? ` (${id.proof})` : ''}`;
    case 'fax':
      return `the caller's fax number ${id.number}${id.via ? ` (reported by ${id.via})` : ''}`;
    case 'edi':
      return `the EDI sender ${id.id}`;
    default:
      return null;
  }
}

/** `Compras <compras@x.es>` -> `compras@x.es`. */
function bareAddress(s: string): string {
  return /<([^>]+)>/.exec(s)?.[1] ?? s;
}

export type CustomerResolution =
  /** `doubt`: the customer was found through a reading with a slip; a person confirms it. */
  | { customer: CustomerFacts; via: string; mismatch?: string; doubt?: string }
  | { customer: null; message: string; mismatch?: string; params?: FindingParams };

interface Step {
  via: string;
  matches(c: CustomerFacts): boolean;
}

function stepAdder(out: Step[]) {
  return (value: string | null, via: string, matches: (c: CustomerFacts, v: string) => boolean) => {
    if (value) out.push({ via: `${via} ${value}`, matches: (c) => matches(c, value) });
  };
}

/** What the channel says about the sender, in order of trust. */
function senderSteps(k: CustomerKeys): Step[] {
  const out: Step[] = [];
  const add = stepAdder(out);
  add(k.sentById, 'access token of customer', (c, v) => c.id === v);
  add(k.senderEmail, 'sender', (c, v) => c.emails.includes(v));
  add(k.senderEmail && emailDomain(k.senderEmail), 'sender domain', (c, v) => c.emails.includes(v));
  add(k.senderFax, 'sender fax', (c, v) => c.faxNumbers.includes(v));
  add(k.senderEdiId, 'sender EDI id', (c, v) => c.ediIds.includes(v));
  return out;
}

/** What the document says about its buyer, in order of trust. */
function documentSteps(k: CustomerKeys): Step[] {
  const out: Step[] = [];
  const add = stepAdder(out);
  for (const p of k.partyIds) add(p, 'EDI party id', (c, v) => c.ediIds.includes(v));
  add(k.claimedId, 'customer id in the document', (c, v) => c.id === v);
  if (k.taxIds.length > 0) {
    out.push({
      via: `tax id ${k.taxIds[0]}`,
      matches: (c) => c.taxId !== null && k.taxIds.includes(c.taxId),
    });
  }
  add(k.docEmail, 'e-mail in the document', (c, v) => c.emails.includes(v));
  add(k.docEmail && emailDomain(k.docEmail), 'e-mail domain in the document', (c, v) => c.emails.includes(v));
  add(k.docFax, 'fax number in the document', (c, v) => c.faxNumbers.includes(v));
  const faxes = k.docFaxes ?? [];
  if (faxes.length > 0) {
    out.push({
      via: 'a fax or phone number in the document',
      matches: (c) => c.faxNumbers.some((f) => faxes.includes(f)),
    });
  }
  add(k.name, 'name', (c, v) => c.name.toLowerCase() === v.toLowerCase());
  return out;
}

interface Match {
  /** The customers the first step that matched anyone names (one, or several: ambiguous). */
  ids: string[];
  via: string | null;
  tried: string[];
  ambiguous: string[];
}

/** The first step naming exactly one customer; failing that, the first naming several. */
function firstMatch(candidates: CustomerFacts[], steps: Step[]): Match {
  const tried: string[] = [];
  const ambiguous: string[] = [];
  let shared: { ids: string[]; via: string } | null = null;
  for (const step of steps) {
    const ids = [...new Set(candidates.filter((c) => step.matches(c)).map((c) => c.id))];
    tried.push(step.via);
    if (ids.length === 1) return { ids, via: step.via, tried, ambiguous };
    if (ids.length > 1) {
      ambiguous.push(`${step.via} fits several customers (${ids.join(', ')})`);
      shared ??= { ids, via: step.via };
    }
  }
  return { ids: shared?.ids ?? [], via: shared?.via ?? null, tried, ambiguous };
}

/**
 * Picks the customer from candidates loaded for these keys. A channel-authenticated customer (web
 * token) is final. Otherwise the channel's identity of the sender must belong to the customer the
 * document names: when it does not, or is unknown, doubted or missing, the order carries a
 * `mismatch` (for `customer_mismatch`) and is checked against the sender's customer when the
 * sender has one, else against the document's, for a person to confirm. Only an arrival with no
 * channel identity at all (`none`: a file the supplier handed in) is identified by its content.
 */
export function resolveCustomer(candidates: CustomerFacts[], k: CustomerKeys): CustomerResolution {
  if (k.channelId) {
    const c = candidates.find((x) => x.id === k.channelId);
    if (c) return { customer: c, via: 'the customer authenticated by the channel' };
    return {
      customer: null,
      message: `The channel authenticated customer ${k.channelId}, which is not in master data`,
      params: { t: 'unknown_customer.channel', customer: k.channelId },
    };
  }
  const byId = (id: string) => candidates.find((c) => c.id === id)!;
  const doc = firstMatch(candidates, documentSteps(k));
  const named = doc.ids.length === 1 ? byId(doc.ids[0]!) : null;
  let sent = k.sender.kind === 'none' ? null : firstMatch(candidates, senderSteps(k));
  if (sent && sent.ids.length === 0 && k.sender.hubAllowed) sent = null;
  if (!sent) {
    return named
      ? { customer: named, via: doc.via! }
      : { customer: null, message: unknownMessage(doc.tried, doc.ambiguous) };
  }
  const senders = sent.ids;
  const label = k.sender.label ?? 'the sender';
  if (k.sender.doubt === null && senders.length > 0) {
    // The sender is the customer's, or one of several sharing it (a domain) that the document names.
    if (named && senders.includes(named.id)) return { customer: named, via: sent.via ?? doc.via! };
    if (senders.length === 1) {
      const own = byId(senders[0]!);
      if (!named) return { customer: own, via: sent.via! };
      return {
        customer: own,
        via: sent.via!,
        mismatch:
          `The order is for customer ${named.id} (${doc.via}), but it was sent by ${label}` +
          `${k.sender.kind === 'token' ? '' : `, which belongs to customer ${own.id}`}; ` +
          `it is checked against customer ${own.id} only.`,
      };
    }
  }
  const why =
    k.sender.kind === 'missing'
      ? `${k.sender.doubt}.`
      : k.sender.doubt !== null
        ? `${capital(label)} is on file for ${senders.length > 0 ? `customer ${senders.join(', ')}` : 'no customer'}, but ${k.sender.doubt}: it may be forged.`
        : senders.length > 1
          ? `${capital(label)} fits several customers (${senders.join(', ')}).`
          : `${capital(label)} is not on file for any customer.`;
  const proposed = named ?? (senders.length === 1 ? byId(senders[0]!) : null);
  if (!proposed) {
    return {
      customer: null,
      message: unknownMessage([...sent.tried, ...doc.tried], [...sent.ambiguous, ...doc.ambiguous]),
      params: {
        t:
          sent.tried.length + doc.tried.length === 0
            ? 'unknown_customer.nothing'
            : 'unknown_customer.noMatch',
      },
      ...(k.sender.kind === 'missing' || k.sender.doubt ? { mismatch: why } : {}),
    };
  }
  const via = named ? doc.via! : sent.via!;
  return {
    customer: proposed,
    via,
    mismatch: `${why} The document names customer ${proposed.id} (${via}): a person must confirm the order is theirs.`,
  };
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function unknownMessage(tried: string[], ambiguous: string[]): string {
  if (tried.length === 0) {
    return 'No customer could be identified: the order gives no sender, EDI id, tax id or customer name';
  }
  const more = ambiguous.length > 0 ? `; ${ambiguous.join('; ')}` : '';
  return `No customer in master data matches ${tried.join(', ')}${more}`;
}

/** True when resolution by these keys needs the slower by-name lookup (nothing else given matched). */
export function needsNameLookup(candidates: CustomerFacts[], k: CustomerKeys): boolean {
  return (
    k.name !== null &&
    k.channelId === null &&
    resolveCustomer(candidates, { ...k, name: null }).customer === null
  );
}
