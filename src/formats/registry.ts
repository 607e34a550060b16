/**
 * The one registry of formats: every reader this build has, chosen by score (STYLE.md: readers
 * chosen by score). A new format is a folder under src/formats/ with a DocumentFormat, listed
 * here (structured ones in structured.ts, so that e-mail attachments and AS2 payloads get it too).
 */
import type { ReadLimits } from '../documents/index.ts';
import type { Channel } from '../domain/document.ts';
import type { ExtractOutcome } from '../domain/extraction.ts';
import { finding } from '../domain/findings.ts';
import { storable } from '../domain/text.ts';
import type { LayoutSource } from '../learn/apply.ts';
import type { OcrEngine } from '../ocr/index.ts';
import { emailFormat } from './email/format.ts';
import { bestFormat, type DocumentFormat, ext, type FormatInput } from './format.ts';
import { paperFormats } from './paper/format.ts';
import type { TemplateSource } from './paper/read.ts';
import { orderJsonFormat, STRUCTURED_FORMATS } from './structured.ts';

export type { DocumentFormat, FormatInput } from './format.ts';
export { edifactFormat, orderJsonFormat, readStructured, structuredFormatOf } from './structured.ts';

/** Formats that need nothing but the bytes, in no particular order: the score decides. */
export const FORMATS: readonly DocumentFormat[] = [...STRUCTURED_FORMATS, orderJsonFormat];

/** Every format this build reads: the structured ones, paper (PDF, TIFF, images) and e-mail. */
export function allFormats(
  ocr: OcrEngine,
  templates: TemplateSource = [],
  limits: ReadLimits = {},
  /** Layouts learned from confirmed orders (src/learn): documents of one are read with it first. */
  learned: LayoutSource = [],
): DocumentFormat[] {
  return [
    ...FORMATS,
    ...paperFormats(ocr, templates, limits, learned),
    emailFormat(ocr, templates, limits, learned),
  ];
}

export function chooseFormat(
  input: FormatInput,
  formats: readonly DocumentFormat[] = FORMATS,
): DocumentFormat | null {
  return bestFormat(formats, input);
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
