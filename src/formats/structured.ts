/**
 * Structured order formats: each a DocumentFormat recognised by content and chosen by score
 * (src/formats/registry.ts lists them with the paper and e-mail formats). They read bytes into
 * canonical orders with a source for every field; none touches the database or the network.
 * This list is also what reads the structured parts of other documents: e-mail attachments, AS2
 * payloads, files embedded in a PDF.
 */
import type { ExtractOutcome } from '../domain/extraction.ts';
import { type As2Options, looksLikeAs2, readAs2 } from './as2/read.ts';
import { ciiScore, readCii } from './cii/read.ts';
import { cxmlScore, readCxml } from './cxml/read.ts';
import { edifactStart, readEdifact } from './edifact/index.ts';
import { bestFormat, type DocumentFormat, ext, type FormatInput } from './format.ts';
import { looksLikeOrderJson, readOrderJson } from './order-json/read.ts';
import { looksLikeCsv } from './sheet/csv.ts';
import { looksLikeXlsx, readCsv, readXlsx } from './sheet/read.ts';
import { readUbl, ublScore } from './ubl/read.ts';
import { x12Format } from './x12/index.ts';

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

/** The canonical order as JSON (CONTRACTS.md section 1): the HTTP API's body, or a file. */
export const orderJsonFormat: DocumentFormat = {
  id: 'order-json',
  channel: 'web',
  score: ({ bytes, filename }) => (looksLikeOrderJson(bytes) ? 0.9 : ext(filename) === 'json' ? 0.2 : 0),
  extract: async ({ bytes }) => readOrderJson(bytes),
};

export const ublFormat: DocumentFormat = {
  id: 'ubl',
  channel: 'edi',
  score: ({ bytes }) => ublScore(bytes),
  extract: async ({ bytes }) => readUbl(bytes),
};

export const cxmlFormat: DocumentFormat = {
  id: 'cxml',
  channel: 'edi',
  score: ({ bytes }) => cxmlScore(bytes),
  extract: async ({ bytes }) => readCxml(bytes),
};

export const orderXFormat: DocumentFormat = {
  id: 'order-x',
  channel: 'edi',
  score: ({ bytes }) => ciiScore(bytes),
  extract: async ({ bytes }) => readCii(bytes),
};

export const xlsxFormat: DocumentFormat = {
  id: 'xlsx',
  // Order sheets come from people (usually by e-mail); they are answered like e-mail orders.
  channel: 'email',
  score: ({ bytes }) => (looksLikeXlsx(bytes) ? 0.9 : 0),
  extract: ({ bytes }) => readXlsx(bytes),
};

export const csvFormat: DocumentFormat = {
  id: 'csv',
  channel: 'email',
  // Plain text tables are the weakest signal of all: any better reader wins.
  score: ({ bytes, filename }) =>
    looksLikeCsv(bytes) ? (['csv', 'txt', 'tsv'].includes(ext(filename)) ? 0.6 : 0.4) : 0,
  extract: async ({ bytes }) => readCsv(bytes),
};

/**
 * AS2 messages: the payload read by its format, the signature checked against the sender's
 * certificate when one is given. Scores above e-mail, whose headers an AS2 message shares.
 */
export function as2Format(opts: As2Options = {}): DocumentFormat {
  return {
    id: 'as2',
    channel: 'edi',
    score: ({ bytes }) => (looksLikeAs2(bytes) ? 0.95 : 0),
    extract: ({ bytes }) => readAs2(bytes, opts),
  };
}

/**
 * `formats` with its AS2 reader checking signatures against the configured partners' certificates
 * (Config.as2): what the service and `extract` read with.
 */
export function withAs2Certificates(
  formats: readonly DocumentFormat[],
  certificates: Record<string, string>,
): DocumentFormat[] {
  return formats.map((f) => (f.id === 'as2' ? as2Format({ certificates }) : f));
}

/**
 * The structured formats, in no particular order: the score decides. Order JSON is not among
 * them: a JSON file attached to an e-mail or embedded in a PDF is not taken for an order.
 */
export const STRUCTURED_FORMATS: readonly DocumentFormat[] = [
  edifactFormat,
  x12Format,
  ublFormat,
  cxmlFormat,
  orderXFormat,
  xlsxFormat,
  csvFormat,
  as2Format(),
];

/** The structured format that reads these bytes best, when one scores at least `min`. */
export function structuredFormatOf(input: FormatInput, min = 0.5): DocumentFormat | null {
  return bestFormat(STRUCTURED_FORMATS, input, min);
}

/** Reads bytes with the best structured format; null when none recognises them. */
export async function readStructured(
  input: FormatInput,
): Promise<{ format: string; outcome: ExtractOutcome } | null> {
  const format = structuredFormatOf(input);
  return format ? { format: format.id, outcome: await format.extract(input) } : null;
}
