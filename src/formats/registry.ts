import { edifactStart, readEdifact } from './edifact/index.ts';
import { looksLikeOrderJson, readOrderJson } from './order-json/read.ts';
import type { Channel } from '../domain/document.ts';
import type { ExtractOutcome } from '../domain/extraction.ts';
import { finding } from '../domain/findings.ts';
import { storable } from '../domain/text.ts';
import { STRUCTURED_FORMATS } from './index.ts';

export interface FormatInput {
  bytes: Buffer;
  filename: string | null;
  contentType: string | null;
  /** The channel's sender (e-mail address, fax number), a hint for finding the customer. */
  sender?: string | null;
}

/**
 * A reader for one document format. The pipeline asks every registered format for its score and
 * hands the document to the best one (STYLE.md: readers chosen by score), so EDIFACT never goes
 * near OCR. An implementation MUST NOT throw on malformed input: it returns a rejected outcome
 * whose findings say, in words a person understands, what is wrong.
 */
export interface DocumentFormat {
  readonly id: string;
  /** The channel a file of this format belongs to when it arrives without one (CLI). */
  readonly channel: Channel;
  /** 0: not this format; 1: certain. Content decides; the file name is only a hint. */
  score(input: FormatInput): number;
  extract(input: FormatInput): Promise<ExtractOutcome>;
}

const ext = (name: string | null) => name?.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1] ?? '';

export const edifactFormat: DocumentFormat = {
  id: 'edifact',
  channel: 'edi',
  // Junk before UNA/UNB scores lower, so an e-mail that quotes an interchange stays an e-mail.
  score: ({ bytes, filename }) => {
    const at = edifactStart(bytes);
    return at === 0 ? 1 : at > 0 ? 0.7 : ['edi', 'edifact'].includes(ext(filename)) ? 0.1 : 0;
  },
  extract: async ({ bytes }) => readEdifact(bytes),
};

export const orderJsonFormat: DocumentFormat = {
  id: 'order-json',
  channel: 'web',
  score: ({ bytes, filename }) => (looksLikeOrderJson(bytes) ? 0.9 : ext(filename) === 'json' ? 0.2 : 0),
  extract: async ({ bytes }) => readOrderJson(bytes),
};

/** Formats this build reads, in no particular order: the score decides. */
export const FORMATS: readonly DocumentFormat[] = [edifactFormat, orderJsonFormat, ...STRUCTURED_FORMATS];

export function chooseFormat(input: FormatInput, formats = FORMATS): DocumentFormat | null {
  let best: DocumentFormat | null = null;
  let bestScore = 0;
  for (const f of formats) {
    const s = f.score(input);
    if (s > bestScore) [best, bestScore] = [f, s];
  }
  return best;
}

/** Recognises formats no reader handles yet, to say so plainly instead of "unknown". */
export function describeUnsupported({ bytes, filename }: FormatInput): { kind: string; channel: Channel } {
  const head = bytes.subarray(0, 16).toString('latin1');
  const text = bytes.subarray(0, 2048).toString('latin1');
  if (bytes.length === 0) return { kind: 'an empty file', channel: 'scan' };
  if (head.startsWith('%PDF')) return { kind: 'a PDF document', channel: 'scan' };
  if (head.startsWith('II*\0') || head.startsWith('MM\0*')) return { kind: 'a TIFF image', channel: 'fax' };
  if (head.startsWith('\x89PNG')) return { kind: 'a PNG image', channel: 'scan' };
  if (head.startsWith('\xff\xd8\xff')) return { kind: 'a JPEG image', channel: 'scan' };
  if (head.startsWith('PK\x03\x04')) return { kind: 'a ZIP archive', channel: 'scan' };
  if (/^ISA.{100}/s.test(text)) return { kind: 'an ANSI X12 interchange', channel: 'edi' };
  if (
    /^(Received|Return-Path|From|MIME-Version|Message-ID|Date|Delivered-To):/im.test(text) ||
    ext(filename) === 'eml'
  ) {
    return { kind: 'an e-mail message', channel: 'email' };
  }
  return { kind: ext(filename) ? `a .${ext(filename)} file` : 'a file of unknown format', channel: 'scan' };
}

/**
 * Reads and extracts a document with the best format; never throws. `onFormat` hears the chosen
 * format before the reading starts (the reader pool names it if the reading must be stopped).
 */
export async function extractDocument(
  input: FormatInput,
  formats = FORMATS,
  onFormat?: (id: string) => void,
): Promise<{
  format: string | null;
  outcome: ExtractOutcome;
}> {
  const format = chooseFormat(input, formats);
  if (!format) {
    const { kind } = describeUnsupported(input);
    const message =
      input.bytes.length === 0
        ? 'The file is empty.'
        : `The file is ${kind}, which this version of order-capture cannot read yet.`;
    return {
      format: null,
      outcome: {
        kind: 'rejected',
        findings: [finding('unreadable_document', 'error', null, message, { reason: message })],
      },
    };
  }
  onFormat?.(format.id);
  try {
    // Words, names and values read from the file go to the database as they are; PostgreSQL
    // refuses some characters a hostile or broken file can carry (NUL in a PDF's text layer).
    return { format: format.id, outcome: storable(await format.extract(input)) };
  } catch (err) {
    const message = `The ${format.id} reader failed on this file: ${(err as Error).message}`;
    return {
      format: format.id,
      outcome: {
        kind: 'rejected',
        findings: [finding('unreadable_document', 'error', null, message, { reason: message })],
      },
    };
  }
}
