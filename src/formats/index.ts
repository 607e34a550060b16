/**
 * Structured order formats (issue 14): each a DocumentFormat recognised by content and chosen by
 * score in src/formats/registry.ts. They read bytes into canonical orders with a source for every
 * field; none touches the database or the network.
 */
import { edifactStart, readEdifact } from './edifact/index.ts';
import type { ExtractOutcome } from '../domain/extraction.ts';
import type { DocumentFormat, FormatInput } from './registry.ts';
import { type As2Options, looksLikeAs2, readAs2 } from './as2/read.ts';
import { ciiScore, readCii } from './cii/read.ts';
import { cxmlScore, readCxml } from './cxml/read.ts';
import { looksLikeCsv } from './sheet/csv.ts';
import { looksLikeXlsx, readCsv, readXlsx } from './sheet/read.ts';
import { readUbl, ublScore } from './ubl/read.ts';
import { x12Format } from './x12/index.ts';

const ext = (name: string | null) => name?.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1] ?? '';

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

/** The structured formats, in no particular order: the score decides. */
export const STRUCTURED_FORMATS: readonly DocumentFormat[] = [
  x12Format,
  ublFormat,
  cxmlFormat,
  orderXFormat,
  xlsxFormat,
  csvFormat,
  as2Format(),
];

/** EDIFACT as a part of something else (an e-mail attachment, an AS2 payload, a PDF attachment). */
const edifactPart: DocumentFormat = {
  id: 'edifact',
  channel: 'edi',
  score: ({ bytes }) => (edifactStart(bytes) === 0 ? 1 : edifactStart(bytes) > 0 ? 0.7 : 0),
  extract: async ({ bytes }) => readEdifact(bytes),
};

/** The structured format that reads these bytes best (EDIFACT included), when one scores at least `min`. */
export function structuredFormatOf(input: FormatInput, min = 0.5): DocumentFormat | null {
  let best: DocumentFormat | null = null;
  let bestScore = min;
  for (const f of [edifactPart, ...STRUCTURED_FORMATS]) {
    const s = f.score(input);
    if (s >= bestScore && (best === null || s > bestScore)) [best, bestScore] = [f, s];
  }
  return best;
}

/** Reads bytes with the best structured format; null when none recognises them. */
export async function readStructured(
  input: FormatInput,
): Promise<{ format: string; outcome: ExtractOutcome } | null> {
  const format = structuredFormatOf(input);
  return format ? { format: format.id, outcome: await format.extract(input) } : null;
}
