import type { ExtractedOrder, ExtractOutcome } from '../../domain/extraction.ts';
import type { Finding, FindingCode } from '../../domain/findings.ts';
import { finding } from '../../domain/findings.ts';
import { notAnOrderPart } from '../common/draft.ts';
import type { MessageSlice } from './envelope.ts';
import { splitEnvelope } from './envelope.ts';
import { edifactStart } from './sniff.ts';
import { mapOrder } from './map-order.ts';
import { head, readSyntax, stripBom } from './syntax.ts';
import { tokenize } from './tokenize.ts';

const MESSAGE_NAMES: Record<string, string> = {
  APERAK: 'application error and acknowledgement',
  CONTRL: 'syntax and service report',
  DELFOR: 'delivery schedule',
  DESADV: 'despatch advice',
  INVOIC: 'invoice',
  INVRPT: 'inventory report',
  ORDCHG: 'order change',
  ORDRSP: 'order response',
  PRICAT: 'price catalogue',
  RECADV: 'receiving advice',
  REMADV: 'remittance advice',
  SLSRPT: 'sales report',
};

const reject = (code: FindingCode, message: string, more: Finding[] = []): ExtractOutcome => ({
  kind: 'rejected',
  findings: [finding(code, 'error', null, message), ...more],
});

/**
 * Reads a UN/EDIFACT interchange: one part per UNH..UNT message, ORDERS messages mapped onto
 * canonical orders, every other message (and every message whose envelope is broken) a rejected
 * part saying why. Pure and synchronous; never throws.
 */
export function readEdifact(bytes: Buffer): ExtractOutcome {
  try {
    return read(bytes);
  } catch (err) {
    return reject('unreadable_document', `The EDIFACT reader failed on this file: ${(err as Error).message}`);
  }
}

function read(input: Buffer): ExtractOutcome {
  // Junk before UNA/UNB (a VAN's banner, a converter's log line) is skipped, and said.
  const at = edifactStart(input);
  const bytes = at > 0 ? input.subarray(at) : input;
  const skipped =
    at > 0
      ? [
          finding(
            'invalid_edifact',
            // The interchange itself is whole (its envelope counts say so): said, not held against it.
            'info',
            null,
            `${at} byte(s) of other text before the interchange were skipped.`,
          ),
        ]
      : [];
  const outcome = readStart(bytes);
  return skipped.length > 0 ? { ...outcome, findings: [...skipped, ...outcome.findings] } : outcome;
}

function readStart(bytes: Buffer): ExtractOutcome {
  const start = head(stripBom(bytes).bytes, 16);
  if (start === '') return reject('unreadable_document', 'The file is empty.');
  if (!/^UN[ABH]/.test(start)) return reject('unreadable_document', notEdifact(start));
  const syntax = readSyntax(bytes);
  if (typeof syntax === 'string')
    return reject('invalid_edifact', `The interchange cannot be read: ${syntax}.`);
  const segments = tokenize(syntax.body, syntax.delimiters);
  const envelope = splitEnvelope(segments);
  const findings = [...syntax.findings, ...envelope.findings];
  if (envelope.messages.length === 0) {
    const unreadable = segments.find((s) => s.error);
    return unreadable
      ? reject(
          'invalid_edifact',
          `No message could be read: segment ${unreadable.index} is not EDIFACT (${unreadable.error}).`,
          findings,
        )
      : reject('not_an_order', 'The interchange holds no messages.', findings);
  }
  const decimalMark = syntax.delimiters.decimal;
  return {
    kind: 'orders',
    orders: envelope.messages.map((m) => toPart(m, decimalMark)),
    findings,
    interchangeSender: envelope.messages[0]?.interchange?.senderId ?? null,
  };
}

function notEdifact(start: string): string {
  if (start.startsWith('ISA')) return 'The file is an ANSI X12 interchange (ISA), not UN/EDIFACT.';
  return 'The file is not a UN/EDIFACT interchange: it does not start with UNA or UNB.';
}

function toPart(m: MessageSlice, decimalMark: string): ExtractedOrder {
  const sourceText = m.segments.map((s) => s.raw).join('\n');
  if (m.type !== 'ORDERS') return notAnOrder(m, sourceText);
  // A message whose envelope is broken (wrong UNT count, cut off) still goes to a person when an
  // order could be mapped from it (the shared Draft decides that, as for every structured format).
  return mapOrder(m.segments, decimalMark, m.interchange).finish({
    reference: m.ref,
    sourceText,
    extra: m.findings,
  });
}

function notAnOrder(m: MessageSlice, sourceText: string): ExtractedOrder {
  const type = m.type ?? '';
  const what = MESSAGE_NAMES[type] ? `${type} (${MESSAGE_NAMES[type]})` : type || 'of no known type';
  const message = `message ${m.seq}${m.ref ? ` (ref ${m.ref})` : ''} is ${what}, not an ORDERS purchase order`;
  return notAnOrderPart(message, {
    reference: m.ref,
    sourceText,
    partyIds: m.interchange?.senderId ? [m.interchange.senderId] : [],
    extra: m.findings,
  });
}
