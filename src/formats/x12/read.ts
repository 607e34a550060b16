import type { ExtractedOrder, ExtractOutcome } from '../../domain/extraction.ts';
import { type Finding, finding } from '../../domain/findings.ts';
import { notAnOrderPart } from '../common/draft.ts';
import { splitEnvelopes, type X12Transaction } from './envelope.ts';
import { map850 } from './map-850.ts';
import { tokenize } from './syntax.ts';

const TRANSACTION_NAMES: Record<string, string> = {
  '810': 'invoice',
  '824': 'application advice',
  '846': 'inventory inquiry/advice',
  '855': 'purchase order acknowledgment',
  '856': 'ship notice',
  '860': 'purchase order change',
  '865': 'purchase order change acknowledgment',
  '875': 'grocery products purchase order',
  '940': 'warehouse shipping order',
  '997': 'functional acknowledgment',
  '999': 'implementation acknowledgment',
};

const reject = (
  code: 'unreadable_document' | 'invalid_message' | 'not_an_order',
  message: string,
  more: Finding[] = [],
): ExtractOutcome => ({
  kind: 'rejected',
  findings: [...more, finding(code, 'error', null, message)],
});

/**
 * Reads an ANSI X12 file: one part per ST..SE transaction set, 850 purchase orders mapped onto
 * canonical orders, every other set a rejected part saying what it is. Junk before the first ISA
 * is skipped with a warning. Pure and synchronous; never throws.
 */
export function readX12(bytes: Buffer): ExtractOutcome {
  try {
    return read(bytes);
  } catch (err) {
    return reject('unreadable_document', `The X12 reader failed on this file: ${(err as Error).message}`);
  }
}

function read(bytes: Buffer): ExtractOutcome {
  // X12 is ASCII (basic and extended character sets); Latin-1 keeps every byte as one character.
  const text = bytes.toString('latin1').replace(/^\xef\xbb\xbf/, '');
  if (text.trim() === '') return reject('unreadable_document', 'The file is empty.');
  const tokens = tokenize(text);
  if (typeof tokens === 'string')
    return reject('invalid_message', `The X12 interchange cannot be read: ${tokens}.`);
  const envelope = splitEnvelopes(tokens.segments);
  const findings = [...envelope.findings];
  if (tokens.skipped.trim() !== '') {
    const lines = tokens.skipped.trim().split(/\r?\n/).length;
    findings.unshift(
      finding(
        'invalid_message',
        // The interchange itself is whole (its envelope counts say so): said, not held against it.
        'info',
        null,
        `${lines} line(s) of other text before the ISA header were skipped.`,
      ),
    );
  }
  if (envelope.transactions.length === 0) {
    return reject('not_an_order', 'The X12 interchange holds no transaction sets.', findings);
  }
  return { kind: 'orders', orders: envelope.transactions.map(toPart), findings };
}

function toPart(t: X12Transaction): ExtractedOrder {
  const sourceText = t.segments.map((s) => s.raw).join('\n');
  const reference = t.control;
  if (t.type !== '850') {
    const type = t.type ?? '';
    const what = TRANSACTION_NAMES[type]
      ? `${type} (${TRANSACTION_NAMES[type]})`
      : type || 'of no known type';
    const partyIds = t.interchange?.senderId ? [t.interchange.senderId] : [];
    return notAnOrderPart(
      `transaction set ${t.seq}${reference ? ` (control ${reference})` : ''} is ${what}, not an 850 purchase order`,
      { reference, sourceText, partyIds, extra: t.findings },
    );
  }
  const draft = map850(t.segments, t.interchange, t.groupSender);
  return draft.finish({ reference, sourceText, extra: t.findings });
}
