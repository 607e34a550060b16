import type { FindingParams } from '../domain/findings.ts';
import type { Channel } from '../domain/document.ts';
import type { CustomerEvidence } from '../domain/extraction.ts';
import { emailDomain, normaliseEmail, normaliseFax, taxIdVariants } from '../masterdata/normalise.ts';
import type { CustomerFacts } from './types.ts';

/** Every identifier that may name the customer, normalised the way master data is stored. */
export interface CustomerKeys {
  channelId: string | null;
  partyIds: string[];
  senderEmail: string | null;
  senderFax: string | null;
  senderEdiId: string | null;
  /** `customer.id` the document itself states (web-form JSON): a claim, not a proof. */
  claimedId: string | null;
  taxIds: string[];
  docEmail: string | null;
  docFax: string | null;
  name: string | null;
}

export interface KeySource {
  channel: Channel;
  sender: string | null;
  channelCustomerId: string | null;
  claimedId: string | null;
  evidence: CustomerEvidence;
}

export function customerKeys(src: KeySource): CustomerKeys {
  const sender = src.sender?.trim() || null;
  const isEmail = sender?.includes('@') ?? false;
  return {
    channelId: src.channelCustomerId?.trim() || null,
    partyIds: [...new Set(src.evidence.partyIds.map((p) => p.trim()).filter((p) => p !== ''))],
    senderEmail: isEmail ? normaliseEmail(bareAddress(sender!)) : null,
    senderFax: sender && !isEmail && src.channel !== 'edi' ? normaliseFax(sender) : null,
    senderEdiId: sender && src.channel === 'edi' ? sender : null,
    claimedId: src.claimedId?.trim() || null,
    taxIds: taxIdVariants(src.evidence.taxId),
    docEmail: normaliseEmail(src.evidence.email ? bareAddress(src.evidence.email) : null),
    docFax: normaliseFax(src.evidence.fax),
    name: src.evidence.name?.trim() || null,
  };
}

/** `Compras <compras@x.es>` -> `compras@x.es`. */
function bareAddress(s: string): string {
  return /<([^>]+)>/.exec(s)?.[1] ?? s;
}

export type CustomerResolution =
  | { customer: CustomerFacts; via: string }
  | { customer: null; message: string; params: FindingParams };

interface Step {
  via: string;
  matches(c: CustomerFacts): boolean;
}

/** The evidence in order of trust; the first step that names exactly one customer wins. */
function steps(k: CustomerKeys): Step[] {
  const out: Step[] = [];
  const add = (value: string | null, via: string, matches: (c: CustomerFacts, v: string) => boolean) => {
    if (value) out.push({ via: `${via} ${value}`, matches: (c) => matches(c, value) });
  };
  for (const p of k.partyIds) add(p, 'EDI party id', (c, v) => c.ediIds.includes(v));
  add(k.senderEmail, 'sender', (c, v) => c.emails.includes(v));
  add(k.senderEmail && emailDomain(k.senderEmail), 'sender domain', (c, v) => c.emails.includes(v));
  add(k.senderFax, 'sender fax', (c, v) => c.faxNumbers.includes(v));
  add(k.senderEdiId, 'sender EDI id', (c, v) => c.ediIds.includes(v));
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
  add(k.name, 'name', (c, v) => c.name.toLowerCase() === v.toLowerCase());
  return out;
}

/**
 * Picks the customer from candidates loaded for these keys. A channel-authenticated customer is
 * final: when master data lacks it, no document evidence may stand in for it.
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
  const ambiguous: string[] = [];
  const tried: string[] = [];
  for (const step of steps(k)) {
    const ids = [...new Set(candidates.filter((c) => step.matches(c)).map((c) => c.id))];
    tried.push(step.via);
    if (ids.length === 1) return { customer: candidates.find((c) => c.id === ids[0])!, via: step.via };
    if (ids.length > 1) ambiguous.push(`${step.via} fits several customers (${ids.join(', ')})`);
  }
  return {
    customer: null,
    message: unknownMessage(tried, ambiguous),
    params: { t: tried.length === 0 ? 'unknown_customer.nothing' : 'unknown_customer.noMatch' },
  };
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
