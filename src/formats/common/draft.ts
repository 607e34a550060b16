/**
 * An order being filled by a structured reader (X12, UBL, cXML, CII, spreadsheets): the canonical
 * order, the customer evidence, where every field came from, and what the reading noticed. Each
 * reader records a field's source in its own terms (segment, XML path, cell); confidence is 1,
 * as for EDIFACT: the value was read, not guessed.
 */
import type {
  CustomerEvidence,
  ExtractedOrder,
  ExtractOutcome,
  FieldMeta,
  FieldSource,
} from '../../domain/extraction.ts';
import { emptyEvidence } from '../../domain/extraction.ts';
import { type Finding, type FindingCode, finding } from '../../domain/findings.ts';
import type { CanonicalOrder, OrderLine } from '../../domain/order.ts';
import { emptyLine, emptyOrder } from '../../domain/order.ts';

/** More lines than any real purchase order: such a message is refused, not reviewed line by line. */
export const MAX_ORDER_LINES = 5000;

export class Draft {
  readonly order: CanonicalOrder = emptyOrder();
  readonly evidence: CustomerEvidence = emptyEvidence();
  readonly fieldMeta: Record<string, FieldMeta> = {};
  readonly findings: Finding[] = [];
  readonly notes: string[] = [];
  private readonly lineNos = new Set<number>();
  private lastLineNo = 0;

  /** Records where the value of canonical path `field` came from. */
  source(field: string, source: FieldSource): void {
    this.fieldMeta[field] = { confidence: 1, source };
  }

  /** Sets a header field when it is still empty and the value is not; returns whether it did. */
  set<K extends 'poNumber' | 'orderDate' | 'deliveryDate' | 'currency' | 'notes'>(
    field: K,
    value: string | null,
    source: FieldSource,
  ): boolean {
    if (value === null || this.order[field] !== null) return false;
    this.order[field] = value;
    this.source(field, source);
    return true;
  }

  /** Adds a line numbered by the document's own number when usable (unique, 1..999999999). */
  addLine(given: string | null): { line: OrderLine; index: number } {
    const position = this.order.lines.length;
    let no = given !== null && /^\d{1,9}$/.test(given.trim()) ? Number(given.trim()) : 0;
    if (no === 0 || this.lineNos.has(no)) no = position + 1;
    if (this.lineNos.has(no)) no = this.lastLineNo + 1;
    this.lineNos.add(no);
    this.lastLineNo = Math.max(this.lastLineNo, no);
    const line = emptyLine(no);
    this.order.lines.push(line);
    return { line, index: position };
  }

  /** A finding about the message's own rules, tied to a field when there is one. */
  warn(field: string | null, message: string, code: FindingCode = 'invalid_message'): void {
    this.findings.push(finding(code, 'warning', field, message));
  }

  /** Closes the notes and gives the part of the document outcome. */
  finish(opts: { reference: string | null; sourceText: string | null; extra?: Finding[] }): ExtractedOrder {
    this.order.notes = this.notes.length > 0 ? this.notes.join('\n') : null;
    const findings = [...(opts.extra ?? []), ...this.findings];
    const broken = findings.some((f) => f.severity === 'error');
    const usable = this.order.lines.length > 0 && this.order.lines.length <= MAX_ORDER_LINES;
    const part: ExtractedOrder = {
      order: this.order,
      evidence: this.evidence,
      fieldMeta: this.fieldMeta,
      findings,
      confidence: broken && !usable ? 0 : 1,
      sourceText: opts.sourceText,
      reference: opts.reference,
    };
    // A message whose rules are broken still goes to a person when an order could be read from it.
    if (broken && !usable) part.rejected = true;
    if (!broken && this.order.lines.length > MAX_ORDER_LINES) {
      part.rejected = true;
      part.confidence = 0;
      part.findings.push(
        finding(
          'invalid_message',
          'error',
          null,
          `The order has ${this.order.lines.length} lines, more than the ${MAX_ORDER_LINES} any real order has.`,
        ),
      );
    }
    return part;
  }
}

/** A part of a document that holds no purchase order (an invoice, an order change...). */
export function notAnOrderPart(
  message: string,
  opts: { reference: string | null; sourceText: string | null; partyIds?: string[]; extra?: Finding[] },
): ExtractedOrder {
  const evidence = emptyEvidence();
  evidence.partyIds.push(...(opts.partyIds ?? []));
  return {
    order: emptyOrder(),
    evidence,
    fieldMeta: {},
    findings: [...(opts.extra ?? []), finding('not_an_order', 'error', null, message)],
    confidence: 0,
    sourceText: opts.sourceText,
    reference: opts.reference,
    rejected: true,
  };
}

/** A whole document that holds no purchase order: one part saying what it is instead. */
export function notAnOrderOutcome(
  message: string,
  opts: { reference: string | null; sourceText: string | null; partyIds?: string[] },
): ExtractOutcome {
  return { kind: 'orders', orders: [notAnOrderPart(message, opts)], findings: [] };
}
