/**
 * Maps one X12 850 purchase order (ST..SE) onto the canonical order, walking its segments once:
 * BEG (PO number, date, purpose), CUR, DTM, PER, N1 loops (BY buyer, ST ship-to) with N2/N3/N4,
 * PO1 lines with PID descriptions, CTT control totals and AMT. Every value keeps its segment.
 */
import type { FieldSource } from '../../domain/extraction.ts';
import { finding } from '../../domain/findings.ts';
import type { Address, OrderLine } from '../../domain/order.ts';
import { Draft } from '../common/draft.ts';
import { gtinOf, isoDate, plainNumber, unitCode } from '../common/values.ts';
import type { X12Interchange } from './envelope.ts';
import { el, type X12Segment } from './syntax.ts';

export const segmentSource = (s: X12Segment): FieldSource => ({
  kind: 'segment',
  index: s.index,
  tag: s.tag,
  text: s.raw,
});

const PURPOSES: Record<string, string> = {
  '00': 'original',
  '01': 'cancellation',
  '05': 'replace',
  '06': 'confirmation',
  '07': 'duplicate',
  '22': 'information copy',
};
const CANCELS = new Set(['01', '03']);
/** DTM / SCH date qualifiers (374) for the delivery date, best first. */
const DELIVERY = ['002', '106', '074', '010', '037', '038'];
const ORDER_DATE = ['004'];
/** PO1 product id qualifiers (235): who numbered the article. */
/** MG (manufacturer's part number) last: the supplier is often the maker. */
const SUPPLIER_IDS = ['VN', 'VP', 'VA', 'VC', 'SW', 'MG'];
const BUYER_IDS = ['BP', 'IN', 'CB', 'PI', 'SK', 'BL'];
const GTIN_IDS = ['UP', 'EN', 'UK', 'UA', 'EO', 'UI'];
const SHIP_TO = ['ST', 'DA', 'SN'];
/** PO105 unit price basis codes (639) whose price is for more than one unit. */
const PRICE_BASIS: Record<string, number> = { HP: 100, TP: 1000 };
const BUYERS = ['BY', 'BT', 'OB'];

interface Party {
  code: string;
  n1: X12Segment;
  name: string[];
  street: string[];
  city: string | null;
  state: string | null;
  postalCode: string | null;
  country: string | null;
}

export class X12OrderMapper {
  readonly draft = new Draft();
  private line: { line: OrderLine; index: number } | null = null;
  private party: Party | null = null;
  private readonly parties: Party[] = [];
  private readonly dates = new Map<string, { iso: string; s: X12Segment }>();
  private readonly totals: X12Segment[] = [];
  private begSeen = false;

  segment(s: X12Segment): void {
    if (s.tag !== 'N2' && s.tag !== 'N3' && s.tag !== 'N4' && s.tag !== 'PER' && s.tag !== 'REF') {
      this.party = null;
    }
    const handler = this.handlers[s.tag];
    if (handler) handler(s);
  }

  private readonly handlers: Record<string, (s: X12Segment) => void> = {
    BEG: (s) => this.beg(s),
    CUR: (s) => this.cur(s),
    DTM: (s) => this.dtm(s),
    PER: (s) => this.per(s),
    N1: (s) => this.n1(s),
    N2: (s) => this.party?.name.push(...values(s, 0, 1)),
    N3: (s) => this.party?.street.push(...values(s, 0, 1)),
    N4: (s) => this.n4(s),
    REF: (s) => this.ref(s),
    PO1: (s) => this.po1(s),
    PID: (s) => this.pid(s),
    SAC: (s) => this.sac(s),
    SCH: (s) => this.sch(s),
    CTT: (s) => this.ctt(s),
    AMT: (s) => this.amt(s),
    MSG: (s) => this.note(el(s, 0)),
    NTE: (s) => this.note(el(s, 1)),
  };

  private beg(s: X12Segment): void {
    if (this.begSeen) return;
    this.begSeen = true;
    const d = this.draft;
    const po = el(s, 2);
    const src = segmentSource(s);
    d.set('poNumber', po && !/^-+$/.test(po) ? po : null, src);
    this.date(s, 4, 'orderDate', src);
    const purpose = el(s, 0);
    if (purpose && purpose !== '00') {
      d.notes.push(`Transaction purpose ${purpose}${PURPOSES[purpose] ? ` (${PURPOSES[purpose]})` : ''}`);
    }
    if (purpose && CANCELS.has(purpose)) {
      const message = `segment ${s.index} (BEG): purpose ${purpose} (${PURPOSES[purpose] ?? 'deletion'}) cancels ${po ? `order ${po}` : 'an order'} instead of placing one`;
      d.findings.push(finding('not_an_order', 'warning', null, message));
    }
  }

  private cur(s: X12Segment): void {
    const currency = el(s, 1);
    if (currency && /^[A-Za-z]{3}$/.test(currency))
      this.draft.set('currency', currency.toUpperCase(), segmentSource(s));
  }

  private dtm(s: X12Segment): void {
    if (this.line) return;
    const qualifier = el(s, 0) ?? '';
    const iso = this.dateValue(s, 1);
    if (iso && !this.dates.has(qualifier)) this.dates.set(qualifier, { iso, s });
  }

  private sch(s: X12Segment): void {
    // A line's schedule: the earliest requested date stands for the order when it names none.
    const qualifier = el(s, 4) ?? '';
    const iso = this.dateValue(s, 5);
    const key = `SCH${qualifier}`;
    const known = this.dates.get(key);
    if (iso && (!known || iso < known.iso)) this.dates.set(key, { iso, s });
  }

  private per(s: X12Segment): void {
    if (!this.party || !BUYERS.includes(this.party.code)) return;
    const ev = this.draft.evidence;
    for (let i = 2; i + 1 < s.elements.length; i += 2) {
      const kind = el(s, i);
      const value = el(s, i + 1);
      if (kind === 'EM' && value && ev.email === null) ev.email = value;
      if (kind === 'FX' && value && ev.fax === null) ev.fax = value;
    }
  }

  private n1(s: X12Segment): void {
    const code = el(s, 0)?.toUpperCase() ?? '';
    this.party = {
      code,
      n1: s,
      name: values(s, 1, 1),
      street: [],
      city: null,
      state: null,
      postalCode: null,
      country: null,
    };
    this.parties.push(this.party);
    const id = el(s, 3);
    if (BUYERS.includes(code) && id && !/^-+$/.test(id)) this.draft.evidence.partyIds.push(id);
  }

  /** REF inside the buyer's N1 loop: VA (VAT number) or TJ (federal tax id) is its tax id. */
  private ref(s: X12Segment): void {
    if (!this.party || !BUYERS.includes(this.party.code)) return;
    const q = el(s, 0)?.toUpperCase();
    const value = el(s, 1);
    if ((q !== 'VA' && q !== 'TJ') || !value || this.draft.order.customer.taxId !== null) return;
    this.draft.order.customer.taxId = value;
    this.draft.evidence.taxId = value;
    this.draft.source('customer.taxId', segmentSource(s));
  }

  private n4(s: X12Segment): void {
    if (!this.party) return;
    this.party.city = el(s, 0);
    this.party.state = el(s, 1);
    this.party.postalCode = el(s, 2);
    this.party.country = el(s, 3);
  }

  private po1(s: X12Segment): void {
    this.party = null;
    const d = this.draft;
    this.line = d.addLine(el(s, 0));
    const { line, index } = this.line;
    const src = segmentSource(s);
    const path = `lines[${index}]`;
    line.quantity = this.number(s, 1, `${path}.quantity`);
    line.unit = unitCode(el(s, 2));
    line.unitPrice = this.number(s, 3, `${path}.unitPrice`);
    // PO105 price basis: a price per hundred or per thousand is brought to the price of one unit.
    const per = PRICE_BASIS[el(s, 4)?.toUpperCase() ?? ''];
    if (per && line.unitPrice !== null) {
      line.unitPrice = Number((line.unitPrice / per).toPrecision(12));
      d.notes.push(
        `Line ${line.lineNo}: price ${el(s, 3)} per ${per} (PO105 ${el(s, 4)}), ${line.unitPrice} each`,
      );
    }
    for (const f of ['quantity', 'unit', 'unitPrice'] as const)
      if (line[f] !== null) d.source(`${path}.${f}`, src);
    const ids = new Map<string, string>();
    for (let i = 5; i + 1 < s.elements.length; i += 2) {
      const q = el(s, i)?.toUpperCase();
      const v = el(s, i + 1);
      if (q && v && !ids.has(q)) ids.set(q, v);
    }
    const pick = (qs: string[]) => qs.map((q) => ids.get(q)).find((v) => v !== undefined) ?? null;
    line.sku = pick(SUPPLIER_IDS);
    line.customerRef = pick(BUYER_IDS);
    line.gtin = GTIN_IDS.map((q) => gtinOf(ids.get(q))).find((g) => g !== null) ?? null;
    const described = ids.get('PD');
    if (described) line.description = described;
    for (const f of ['sku', 'customerRef', 'gtin', 'description'] as const) {
      if (line[f] !== null) d.source(`${path}.${f}`, src);
    }
  }

  /**
   * SAC inside a PO1 loop: an allowance (A) or charge (C) on that line, as an amount (SAC05, two
   * implied decimals) or a percent of the line (SAC07). The line's amount is then its net.
   */
  private sac(s: X12Segment): void {
    if (!this.line) return;
    const kind = el(s, 0)?.toUpperCase();
    if (kind !== 'A' && kind !== 'C') return;
    const { line, index } = this.line;
    if (line.quantity === null || line.unitPrice === null) return;
    const gross = line.quantity * line.unitPrice;
    const cents = el(s, 4);
    const percent = plainNumber(el(s, 6));
    let value: number | null = null;
    if (cents !== null && /^-?\d+$/.test(cents)) value = Number(cents) / 100;
    else if (typeof percent === 'number') value = (gross * percent) / 100;
    if (value === null) return;
    const base = line.amount ?? gross;
    line.amount = Number((kind === 'A' ? base - Math.abs(value) : base + Math.abs(value)).toPrecision(12));
    this.draft.source(`lines[${index}].amount`, segmentSource(s));
  }

  private pid(s: X12Segment): void {
    if (!this.line) return;
    // PID05 holds free-form text; some writers put it one element early, in PID04.
    const text = el(s, 4) ?? (el(s, 0)?.toUpperCase() === 'F' ? el(s, 3) : null);
    if (!text) return;
    const { line, index } = this.line;
    line.description = line.description && line.description !== text ? `${line.description} ${text}` : text;
    this.draft.source(`lines[${index}].description`, segmentSource(s));
  }

  private ctt(s: X12Segment): void {
    this.line = null;
    const lines = this.draft.order.lines;
    const count = plainNumber(el(s, 0));
    if (typeof count === 'number' && count !== lines.length) {
      this.draft.warn(
        null,
        `segment ${s.index} (CTT): control count of ${count} line items does not match ${lines.length} PO1 segments`,
      );
    }
    const hash = plainNumber(el(s, 1));
    if (typeof hash === 'number') {
      const sum = Number(lines.reduce((a, l) => a + (l.quantity ?? 0), 0).toPrecision(12));
      if (Math.abs(sum - hash) > 1e-6) {
        this.draft.warn(
          null,
          `segment ${s.index} (CTT): hash total of quantities ${hash} does not match their sum ${sum}`,
        );
      }
    }
  }

  private amt(s: X12Segment): void {
    const q = el(s, 0)?.toUpperCase();
    if (q === 'TT' || q === '1' || q === 'GV') this.totals.push(s);
  }

  private note(text: string | null): void {
    if (text && !/^[-\s]*$/.test(text)) this.draft.notes.push(text);
  }

  private number(s: X12Segment, e: number, field: string | null): number | null {
    const raw = el(s, e);
    const n = plainNumber(raw);
    if (n !== undefined) return n;
    this.draft.warn(field, `segment ${s.index} (${s.tag}): "${raw}" is not a number`);
    return null;
  }

  private dateValue(s: X12Segment, e: number): string | null {
    const raw = el(s, e);
    if (raw === null || !/^\d{6}(\d{2})?$/.test(raw)) {
      if (raw !== null) this.draft.warn(null, `segment ${s.index} (${s.tag}): "${raw}" is not a date`);
      return null;
    }
    const iso = isoDate(raw);
    if (iso) return iso;
    this.draft.warn(null, `segment ${s.index} (${s.tag}): "${raw}" is not a date`);
    return null;
  }

  private date(s: X12Segment, e: number, field: 'orderDate' | 'deliveryDate', src: FieldSource): void {
    this.draft.set(field, this.dateValue(s, e), src);
  }

  /** Picks dates, total, parties and the sender's ids once every segment is seen. */
  finish(interchange: X12Interchange | null, groupSender: string | null): Draft {
    const d = this.draft;
    const pick = (qs: string[]) => qs.map((q) => this.dates.get(q)).find((x) => x !== undefined);
    const ordered = pick(ORDER_DATE);
    if (ordered) d.set('orderDate', ordered.iso, segmentSource(ordered.s));
    const delivery = pick(DELIVERY) ?? pick(DELIVERY.map((q) => `SCH${q}`));
    if (delivery) d.set('deliveryDate', delivery.iso, segmentSource(delivery.s));
    const total = this.totals.find((s) => el(s, 0)?.toUpperCase() === 'TT') ?? this.totals[0];
    if (total) {
      d.order.total = this.number(total, 1, 'total');
      if (d.order.total !== null) d.source('total', segmentSource(total));
    }
    const buyer = BUYERS.map((c) => this.parties.find((p) => p.code === c)).find((p) => p !== undefined);
    if (buyer && buyer.name.length > 0) {
      d.order.customer.name = buyer.name[0]!;
      d.evidence.name = buyer.name[0]!;
      d.source('customer.name', segmentSource(buyer.n1));
    }
    const shipTo = SHIP_TO.map((c) => this.parties.find((p) => p.code === c)).find((p) => p !== undefined);
    if (shipTo) {
      d.order.shipTo = addressOf(shipTo);
      d.source('shipTo', segmentSource(shipTo.n1));
      const id = el(shipTo.n1, 3);
      if (id)
        d.notes.push(`Ship to location ${id} (N1*${shipTo.code}, id qualifier ${el(shipTo.n1, 2) ?? '-'})`);
      // The canonical address has no state or province: kept in the notes, not lost.
      if (shipTo.state) d.notes.push(`Ship to state/province ${shipTo.state}`);
    }
    for (const id of [interchange?.senderId, groupSender]) {
      if (id && !/^0+$/.test(id) && !d.evidence.partyIds.includes(id)) d.evidence.partyIds.push(id);
    }
    return d;
  }
}

function values(s: X12Segment, from: number, to: number): string[] {
  const out: string[] = [];
  for (let i = from; i <= to; i++) {
    const v = el(s, i);
    if (v && !/^-+$/.test(v)) out.push(v);
  }
  return out;
}

function addressOf(p: Party): Address {
  return {
    name: p.name.length > 0 ? p.name.join(' ') : null,
    street: p.street.length > 0 ? p.street.join(', ') : null,
    postalCode: p.postalCode,
    city: p.city,
    country: p.country,
  };
}

export function map850(
  segments: X12Segment[],
  interchange: X12Interchange | null,
  groupSender: string | null,
): Draft {
  const mapper = new X12OrderMapper();
  for (const s of segments) mapper.segment(s);
  return mapper.finish(interchange, groupSender);
}
