import { finding } from '../../domain/findings.ts';
import type { Address } from '../../domain/order.ts';
import { Draft } from '../common/draft.ts';
import { SegmentReader } from './reading.ts';
import type { Interchange } from './envelope.ts';
import { LineMapper } from './map-lines.ts';
import type { Segment } from './tokenize.ts';
import { joined, text } from './values.ts';

/** Segments that stay inside a NAD group (SG2-SG5 of ORDERS): they belong to that party. */
const PARTY_GROUP = new Set(['RFF', 'DTM', 'LOC', 'FII', 'DOC', 'CTA', 'COM']);
const ORDER_DATES = ['137', '4'];
const DELIVERY_DATES = ['2', '64', '63'];
/** Summary MOA qualifiers for the order total, best first. */
const TOTALS = ['86', '79', '128', '39'];
const DELIVERY_PARTIES = ['DP', 'ST'];

const FUNCTIONS: Record<string, string> = {
  '1': 'cancellation',
  '3': 'deletion',
  '4': 'change',
  '5': 'replace',
  '6': 'confirmation',
  '7': 'duplicate',
  '31': 'copy',
  '43': 'additional transmission',
};
const CANCELS = new Set(['1', '3']);
const DOCUMENT_NAMES: Record<string, string> = {
  '105': 'purchase order',
  '221': 'blanket order',
  '224': 'rush order',
  '225': 'repair order',
  '226': 'call off order',
  '227': 'consignment order',
  '228': 'sample order',
};

interface Dated {
  iso: string | null;
  s: Segment;
}

/** Maps the segments of one ORDERS message (UNH..UNT) onto a canonical order, walking them once. */
export class OrderMapper {
  readonly draft = new Draft();
  private readonly seg: SegmentReader;
  private section: 'header' | 'detail' | 'summary' = 'header';
  private party: string | null = null;
  private line: LineMapper | null = null;
  private readonly dates = new Map<string, Dated>();
  private readonly totals = new Map<string, { value: number | null; s: Segment }>();
  private buyer: string | null = null;
  private deliveryParty: string | null = null;
  private deliveryPartyId: string | null = null;
  private poSeen = false;

  constructor(decimalMark: string) {
    this.seg = new SegmentReader(this.draft, decimalMark);
  }

  segment(s: Segment): void {
    if (this.party !== null && !PARTY_GROUP.has(s.tag)) this.party = null;
    if (s.tag === 'LIN') this.lin(s);
    else if (s.tag === 'UNS') this.uns(s);
    else if (this.section === 'detail') this.line?.segment(s);
    else if (this.section === 'summary') this.summary(s);
    else this.headers[s.tag]?.(s);
  }

  private readonly headers: Record<string, (s: Segment) => void> = {
    BGM: (s) => this.bgm(s),
    DTM: (s) => this.dtm(s),
    NAD: (s) => this.nad(s),
    RFF: (s) => this.rff(s),
    COM: (s) => this.com(s),
    CUX: (s) => this.cux(s),
    FTX: (s) => this.ftx(s),
  };

  private lin(s: Segment): void {
    this.section = 'detail';
    this.line = new LineMapper(this.seg, s);
  }

  private uns(s: Segment): void {
    if (text(s, 0, 0) === 'S') this.section = 'summary';
    this.line = null;
  }

  private summary(s: Segment): void {
    if (s.tag === 'MOA') {
      const qualifier = text(s, 0, 0) ?? '';
      if (TOTALS.includes(qualifier) && !this.totals.has(qualifier)) {
        this.totals.set(qualifier, { value: this.seg.number(s, 0, 1, 'total'), s });
      }
    } else if (s.tag === 'CNT') this.cnt(s);
    else if (s.tag === 'FTX') this.ftx(s);
  }

  private bgm(s: Segment): void {
    if (this.poSeen) return;
    this.poSeen = true;
    const po = text(s, 1, 0);
    const { order } = this.draft;
    order.poNumber = po;
    if (po !== null) this.seg.source('poNumber', s);
    const name = text(s, 0, 0);
    if (name && DOCUMENT_NAMES[name]) {
      this.draft.notes.push(`Document type ${name} (${DOCUMENT_NAMES[name]})`);
    }
    const fn = text(s, 2, 0);
    if (fn === null || fn === '9') return;
    this.draft.notes.push(`Message function ${fn}${FUNCTIONS[fn] ? ` (${FUNCTIONS[fn]})` : ''}`);
    if (CANCELS.has(fn)) {
      const what = `segment ${s.index} (BGM): message function ${fn} (${FUNCTIONS[fn]})`;
      const message = `${what} cancels ${po ? `order ${po}` : 'an order'} instead of placing one`;
      this.draft.findings.push(finding('not_an_order', 'warning', null, message));
    }
  }

  private dtm(s: Segment): void {
    if (this.party !== null) return;
    const qualifier = text(s, 0, 0) ?? '';
    const field = ORDER_DATES.includes(qualifier)
      ? 'orderDate'
      : DELIVERY_DATES.includes(qualifier)
        ? 'deliveryDate'
        : null;
    if (field && !this.dates.has(qualifier)) this.dates.set(qualifier, { iso: this.seg.date(s, field), s });
  }

  private nad(s: Segment): void {
    const qualifier = text(s, 0, 0)?.toUpperCase() ?? '';
    this.party = qualifier;
    if (qualifier === 'BY' && this.buyer === null) this.setBuyer(s, qualifier);
    const rank = DELIVERY_PARTIES.indexOf(qualifier);
    if (rank !== -1 && (this.deliveryParty === null || rank < DELIVERY_PARTIES.indexOf(this.deliveryParty))) {
      this.setDeliveryParty(s, qualifier);
    }
  }

  private setBuyer(s: Segment, qualifier: string): void {
    this.buyer = qualifier;
    const { evidence, order } = this.draft;
    const id = text(s, 1, 0);
    if (id !== null) evidence.partyIds.push(id);
    const name = partyName(s);
    if (name === null) return;
    order.customer.name = name;
    evidence.name = name;
    this.seg.source('customer.name', s);
  }

  private setDeliveryParty(s: Segment, qualifier: string): void {
    this.deliveryParty = qualifier;
    const address = partyAddress(s);
    this.draft.order.shipTo = address;
    this.deliveryPartyId = address === null ? text(s, 1, 0) : null;
    this.seg.source('shipTo', s);
  }

  private rff(s: Segment): void {
    if (this.party === null || this.party !== this.buyer || text(s, 0, 0) !== 'VA') return;
    const taxId = text(s, 0, 1);
    if (taxId === null || this.draft.order.customer.taxId !== null) return;
    this.draft.order.customer.taxId = taxId;
    this.draft.evidence.taxId = taxId;
    this.seg.source('customer.taxId', s);
  }

  private com(s: Segment): void {
    if (this.party === null || this.party !== this.buyer) return;
    const value = text(s, 0, 0);
    const channel = text(s, 0, 1)?.toUpperCase();
    const { evidence } = this.draft;
    if (channel === 'EM' && evidence.email === null) evidence.email = value;
    if (channel === 'FX' && evidence.fax === null) evidence.fax = value;
  }

  private cux(s: Segment): void {
    if (this.draft.order.currency !== null) return;
    const currency = text(s, 0, 1);
    if (currency === null) return;
    this.draft.order.currency = currency.toUpperCase();
    this.seg.source('currency', s);
  }

  private ftx(s: Segment): void {
    const note = joined(s, 3, 0, 4);
    if (note) this.draft.notes.push(note);
  }

  private cnt(s: Segment): void {
    const qualifier = text(s, 0, 0);
    const value = this.seg.number(s, 0, 1, null);
    const lines = this.draft.order.lines;
    if (qualifier === '2' && value !== null && value !== lines.length) {
      this.seg.warn(
        null,
        s,
        `control count of ${value} line items does not match ${lines.length} LIN segments`,
      );
    }
    if (qualifier === '1' && value !== null) {
      const sum = Number(lines.reduce((acc, l) => acc + (l.quantity ?? 0), 0).toPrecision(12));
      if (Math.abs(sum - value) > 1e-6) {
        this.seg.warn(null, s, `control total of quantities ${value} does not match their sum ${sum}`);
      }
    }
  }

  /** Picks the preferred dates and total, adds the sender, and closes the notes. */
  finish(interchange: Interchange | null): Draft {
    const d = this.draft;
    this.pickDate('orderDate', ORDER_DATES);
    this.pickDate('deliveryDate', DELIVERY_DATES);
    const total = TOTALS.map((q) => this.totals.get(q)).find((t) => t !== undefined);
    if (total) {
      d.order.total = total.value;
      this.seg.source('total', total.s);
    }
    if (this.deliveryPartyId !== null) {
      d.notes.push(`Deliver to party ${this.deliveryPartyId} (NAD+${this.deliveryParty}, no address given)`);
    }
    const sender = interchange?.senderId ?? null;
    if (sender !== null && !d.evidence.partyIds.includes(sender)) d.evidence.partyIds.push(sender);
    return d;
  }

  private pickDate(field: 'orderDate' | 'deliveryDate', qualifiers: string[]): void {
    const found = qualifiers.map((q) => this.dates.get(q)).find((x) => x !== undefined && x.iso !== null);
    if (!found) return;
    this.draft.order[field] = found.iso;
    this.seg.source(field, found.s);
  }
}

/** NAD party name: C080 party name lines, else the first line of C058 name and address. */
function partyName(s: Segment): string | null {
  return joined(s, 3, 0, 4) ?? text(s, 2, 0);
}

/** NAD address; null when the party is given by its id only. */
function partyAddress(s: Segment): Address | null {
  const structured = joined(s, 3, 0, 4);
  const address: Address = {
    name: structured ?? text(s, 2, 0),
    street: joined(s, 4, 0, 3, ', ') ?? (structured === null ? joined(s, 2, 1, 4, ', ') : null),
    postalCode: text(s, 7, 0),
    city: text(s, 5, 0),
    country: text(s, 8, 0),
  };
  return Object.values(address).some((v) => v !== null) ? address : null;
}

/** Maps one ORDERS message's segments onto an order draft. */
export function mapOrder(segments: Segment[], decimalMark: string, interchange: Interchange | null): Draft {
  const mapper = new OrderMapper(decimalMark);
  // A segment the file ends inside may be missing digits ("PRI+AAA:0."): its values are not used.
  for (const s of segments) if (!s.error && !s.unterminated) mapper.segment(s);
  return mapper.finish(interchange);
}
