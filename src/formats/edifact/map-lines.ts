import type { OrderLine } from '../../domain/order.ts';
import type { Draft } from '../common/draft.ts';
import type { SegmentReader } from './reading.ts';
import type { Segment } from './tokenize.ts';
import { divide, hasGs1CheckDigit, joined, text, unitCode } from './values.ts';

type IdSlot = 'gtin' | 'sku' | 'customerRef';

/** Quantity qualifiers (6063) read as the ordered quantity; the higher rank wins. */
const QUANTITY_RANK: Record<string, number> = { '21': 2, '1': 1 };
/** Price qualifiers (5125): net (AAA) wins over gross (AAB). */
const PRICE_RANK: Record<string, number> = { AAA: 2, AAB: 1 };
/** Item characteristics (7081) that describe a variant, not the article: colour, size. */
const ATTRIBUTE_CHARACTERISTICS = new Set(['35', '98']);

/** Which line field an item number with type 7143 goes to; null: not an article number. */
function slotFor(id: string, type: string | null, inLin: boolean): IdSlot | null {
  switch (type) {
    case 'EN':
    case 'SRV':
    case 'UP':
      return 'gtin';
    case 'SA':
    case 'MF':
      return 'sku';
    case 'IN':
    case 'BP':
      return 'customerRef';
    case 'IB':
      return /^\d{13}$/.test(id) ? 'gtin' : 'customerRef';
    case null:
      // EANCOM reserves LIN C212 for GTINs, but a bare number with a wrong check digit is not one.
      return inLin && hasGs1CheckDigit(id) ? 'gtin' : inLin ? 'customerRef' : null;
    default:
      // The LIN's own item number is what the buyer ordered by, whatever it calls it.
      return inLin ? 'customerRef' : null;
  }
}

/** Fills one order line from LIN and the segments of its group (PIA, IMD, QTY, PRI, MOA, FTX). */
export class LineMapper {
  private readonly draft: Draft;
  private readonly line: OrderLine;
  private readonly path: string;
  private quantityRank = 0;
  private priceRank = 0;

  constructor(
    private readonly seg: SegmentReader,
    lin: Segment,
  ) {
    this.draft = seg.draft;
    const { line, index } = this.draft.addLine(text(lin, 0, 0));
    this.line = line;
    this.path = `lines[${index}]`;
    this.itemId(lin, text(lin, 2, 0), text(lin, 2, 1), true);
  }

  segment(s: Segment): void {
    switch (s.tag) {
      case 'PIA':
        this.pia(s);
        break;
      case 'IMD':
        this.imd(s);
        break;
      case 'QTY':
        this.qty(s);
        break;
      case 'PRI':
        this.pri(s);
        break;
      case 'MOA':
        this.moa(s);
        break;
      case 'FTX':
        this.ftx(s);
    }
  }

  private ftx(s: Segment): void {
    const note = joined(s, 3, 0, 4);
    if (note) this.draft.notes.push(`Line ${this.line.lineNo}: ${note}`);
  }

  private set<K extends keyof OrderLine>(key: K, value: OrderLine[K], s: Segment): void {
    this.line[key] = value;
    this.seg.source(`${this.path}.${key}`, s);
  }

  private itemId(s: Segment, id: string | null, type: string | null, inLin: boolean): void {
    if (id === null) return;
    const slot = slotFor(id, type?.toUpperCase() ?? null, inLin);
    if (slot && this.line[slot] === null) this.set(slot, id, s);
  }

  private pia(s: Segment): void {
    const fn = text(s, 0, 0);
    if (fn !== '1' && fn !== '5') return;
    for (let e = 1; e < s.elements.length; e++) this.itemId(s, text(s, e, 0), text(s, e, 1), false);
  }

  private imd(s: Segment): void {
    if (this.line.description !== null || ATTRIBUTE_CHARACTERISTICS.has(text(s, 1, 0) ?? '')) return;
    const description = joined(s, 2, 3, 4);
    if (description) this.set('description', description, s);
  }

  private qty(s: Segment): void {
    const rank = QUANTITY_RANK[text(s, 0, 0) ?? ''] ?? 0;
    if (rank <= this.quantityRank) return;
    this.quantityRank = rank;
    this.set('quantity', this.seg.number(s, 0, 1, `${this.path}.quantity`), s);
    this.line.unit = unitCode(text(s, 0, 2));
    if (this.line.unit !== null) this.seg.source(`${this.path}.unit`, s);
    else delete this.draft.fieldMeta[`${this.path}.unit`];
  }

  private pri(s: Segment): void {
    const rank = PRICE_RANK[text(s, 0, 0)?.toUpperCase() ?? ''] ?? 0;
    if (rank <= this.priceRank) return;
    this.priceRank = rank;
    const field = `${this.path}.unitPrice`;
    const price = this.seg.number(s, 0, 1, field);
    const basis = this.seg.number(s, 0, 4, field);
    const perUnit = price !== null && basis !== null && basis > 0 ? divide(price, basis) : price;
    this.set('unitPrice', perUnit, s);
  }

  private moa(s: Segment): void {
    if (text(s, 0, 0) !== '203' || this.line.amount !== null) return;
    this.set('amount', this.seg.number(s, 0, 1, `${this.path}.amount`), s);
  }
}
