import { type DocumentKind, type ReadLimits, sniffDocumentKind } from '../../documents/index.ts';
import type { Channel } from '../../domain/document.ts';
import { finding } from '../../domain/findings.ts';
import type { LayoutSource } from '../../learn/apply.ts';
import type { OcrEngine } from '../../ocr/index.ts';
import type { DocumentFormat } from '../format.ts';
import { withEmbeddedOrders } from '../pdf-attachments/format.ts';
import { paperContext, readPaper, type TemplateSource } from './read.ts';

const CHANNEL: Record<DocumentKind, Channel> = { pdf: 'scan', tiff: 'fax', image: 'scan' };

/**
 * Formats read like paper: PDF (text layer, or OCR when there is none), TIFF faxes and scanned
 * images. One OCR engine, created once by the caller, serves them all.
 */
export function paperFormats(
  ocr: OcrEngine,
  templates: TemplateSource = [],
  limits: ReadLimits = {},
  learned: LayoutSource = [],
): DocumentFormat[] {
  const formats: DocumentFormat[] = (['pdf', 'tiff', 'image'] as const).map((kind) => ({
    id: kind,
    channel: CHANNEL[kind],
    score: ({ bytes }) => (sniffDocumentKind(bytes) === kind ? 1 : 0),
    extract: async ({ bytes, sender }) => {
      const hints = sender?.includes('@')
        ? { email: sender, fax: null }
        : { fax: sender ?? null, email: null };
      const ctx = await paperContext({ ocr, templates, limits, learned });
      const read = await readPaper(bytes, kind, hints, ctx);
      if (read.kind === 'unreadable') {
        return {
          kind: 'rejected',
          findings: [finding('unreadable_document', 'error', null, read.reason, { reason: read.reason })],
        };
      }
      if (read.cut) read.outcome.findings.push(read.cut);
      return { ...read.outcome, pages: read.pages };
    },
  }));
  // A PDF that carries an Order-X (or other structured) file: that file is the order.
  return formats.map((f) => (f.id === 'pdf' ? withEmbeddedOrders(f, limits) : f));
}
