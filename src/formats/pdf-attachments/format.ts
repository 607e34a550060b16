/**
 * A PDF that carries its order as an embedded file (Order-X / Factur-X style, or a UBL / cXML /
 * EDIFACT file attached to it): the embedded order wins, and the pages are still read for
 * people (review screen, archive). A PDF without one is read as paper by the wrapped format.
 */
import type { ReadLimits } from '../../documents/index.ts';
import { readDocument } from '../../documents/index.ts';
import type { ExtractOutcome } from '../../domain/extraction.ts';
import type { OcrEngine } from '../../ocr/index.ts';
import type { DocumentFormat } from '../format.ts';
import { readStructured } from '../structured.ts';
import { pdfAttachments } from './read.ts';

/**
 * The pages of a PDF whose order is an embedded file are kept for people only: a scanned page is
 * rendered at review size and stored, never OCR'd (its words would decide nothing).
 */
const NO_OCR: OcrEngine = {
  recognize: async () => ({ words: [], confidence: 0 }),
  close: async () => {},
};

/** The outcome of the first embedded file a structured format reads and `wanted` accepts. */
export async function embeddedOutcome(
  bytes: Buffer,
  wanted: (outcome: ExtractOutcome) => boolean = () => true,
): Promise<ExtractOutcome | null> {
  for (const a of await pdfAttachments(bytes)) {
    const found = await readStructured({ bytes: a.bytes, filename: a.name, contentType: null });
    if (found && wanted(found.outcome)) return found.outcome;
  }
  return null;
}

export function withEmbeddedOrders(paper: DocumentFormat, limits: ReadLimits = {}): DocumentFormat {
  return {
    ...paper,
    extract: async (input) => {
      const outcome = await embeddedOutcome(input.bytes);
      if (!outcome) return paper.extract(input);
      const read = await readDocument(input.bytes, 'pdf', { ...limits, ocr: NO_OCR, forPeopleOnly: true });
      return { ...outcome, pages: read.kind === 'pages' ? read.pages : [] };
    },
  };
}
