import type { CustomerEvidence, FieldMeta } from '../../domain/extraction.ts';
import { emptyEvidence } from '../../domain/extraction.ts';
import type { Finding } from '../../domain/findings.ts';
import { finding } from '../../domain/findings.ts';
import type { CanonicalOrder } from '../../domain/order.ts';
import { emptyOrder } from '../../domain/order.ts';
import type { Segment } from './tokenize.ts';
import { decimal, isoDate, text } from './values.ts';

/** Where a value was read: the segment, with confidence 1 (structured data). */
export function segmentMeta(s: Segment): FieldMeta {
  return { confidence: 1, source: { kind: 'segment', index: s.index, tag: s.tag, text: s.raw } };
}

/** An order being filled from one message, with what the mapping noticed on the way. */
export class OrderDraft {
  readonly order: CanonicalOrder = emptyOrder();
  readonly evidence: CustomerEvidence = emptyEvidence();
  readonly fieldMeta: Record<string, FieldMeta> = {};
  readonly findings: Finding[] = [];
  readonly notes: string[] = [];
  private readonly lineNos = new Set<number>();
  private lastLineNo = 0;

  constructor(readonly decimalMark: string) {}

  /**
   * The number of the line at `position` (0-based): the LIN's own number (1082) when it is a
   * usable one, else the next free one. Line numbers key the stored lines (a 32-bit integer), so
   * a number repeated, zero or too large for one would lose the line or fail the store.
   */
  lineNumber(given: string | null, position: number): number {
    let no = given !== null && /^\d{1,9}$/.test(given) ? Number(given) : 0;
    if (no === 0 || this.lineNos.has(no)) no = position + 1;
    if (this.lineNos.has(no)) no = this.lastLineNo + 1;
    this.lineNos.add(no);
    this.lastLineNo = Math.max(this.lastLineNo, no);
    return no;
  }

  /** Records where the value of canonical path `field` came from. */
  source(field: string, s: Segment): void {
    this.fieldMeta[field] = segmentMeta(s);
  }

  warn(field: string | null, s: Segment, message: string): void {
    this.findings.push(
      finding('invalid_edifact', 'warning', field, `segment ${s.index} (${s.tag}): ${message}`),
    );
  }

  /** A numeric component as a number; a value that is no number is null with a warning. */
  number(s: Segment, e: number, c: number, field: string | null): number | null {
    const raw = text(s, e, c);
    const n = decimal(raw, this.decimalMark);
    if (n !== undefined) return n;
    this.warn(field, s, `"${raw}" is not a number`);
    return null;
  }

  /** A DTM segment's date as ISO; an unreadable date is null with a warning. */
  date(s: Segment, field: string | null): string | null {
    const raw = text(s, 0, 1);
    const format = text(s, 0, 2);
    const iso = isoDate(raw, format);
    if (iso !== undefined) return iso;
    this.warn(field, s, `"${raw}" is not a date in format ${format ?? '(none)'}`);
    return null;
  }
}
