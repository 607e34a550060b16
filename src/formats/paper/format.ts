import { emailFormat } from '../email/format.ts';
import {
  type DocumentKind,
  type ReadLimits,
  readDocument,
  sniffDocumentKind,
} from '../../documents/index.ts';
import type { Channel } from '../../domain/document.ts';
import { finding } from '../../domain/findings.ts';
import { existsSync } from 'node:fs';
import { extractOrders, loadTemplates, matchTemplate, type Template } from '../../extract/index.ts';
import { type LayoutSource, withLearned } from '../../learn/apply.ts';
import type { Logger } from '../../log.ts';
import type { OcrEngine } from '../../ocr/index.ts';
import { type DocumentFormat, FORMATS } from '../registry.ts';
import { type TemplateSource, templatesOf } from '../../pipeline/templates-source.ts';
import { secondLook } from './second-look.ts';
import { withEmbeddedOrders } from '../pdf-attachments/format.ts';

const CHANNEL: Record<DocumentKind, Channel> = { pdf: 'scan', tiff: 'fax', image: 'scan' };

/**
 * Formats read like paper: PDF (text layer, or OCR when there is none), TIFF faxes and scanned
 * images. One OCR engine, created once by the caller, serves them all.
 */
export function paperFormats(
  ocr: OcrEngine,
  source: TemplateSource = [],
  limits: ReadLimits = {},
  learned: LayoutSource = [],
): DocumentFormat[] {
  const formats: DocumentFormat[] = (['pdf', 'tiff', 'image'] as const).map((kind) => ({
    id: kind,
    channel: CHANNEL[kind],
    score: ({ bytes }) => (sniffDocumentKind(bytes) === kind ? 1 : 0),
    extract: async ({ bytes, sender }) => {
      const read = await readDocument(bytes, kind, { ...limits, ocr });
      const templates = await templatesOf(source);
      if (read.kind === 'unreadable') {
        return {
          kind: 'rejected',
          findings: [finding('unreadable_document', 'error', null, read.reason, { reason: read.reason })],
        };
      }
      const hints = sender?.includes('@')
        ? { email: sender, fax: null }
        : { fax: sender ?? null, email: null };
      const outcome = await withLearned(
        extractOrders(read.pages, { hints, templates }),
        read.pages,
        learned,
        hints,
      );
      const pattern = matchTemplate(read.pages, templates, hints)?.fields?.poNumber?.pattern ?? null;
      await secondLook(outcome, read.pages, ocr, () => pattern);
      if (read.totalPages > read.pages.length) {
        const msg = `Only the first ${read.pages.length} of ${read.totalPages} pages were read.`;
        outcome.findings.push(
          finding('low_confidence', 'warning', null, msg, {
            t: 'low_confidence.pages',
            read: read.pages.length,
            total: read.totalPages,
          }),
        );
      }
      return { ...outcome, pages: read.pages };
    },
  }));
  // A PDF that carries an Order-X (or other structured) file: that file is the order.
  return formats.map((f) => (f.id === 'pdf' ? withEmbeddedOrders(f, limits) : f));
}

/** Every format this build reads: structured ones first in the list, paper-like ones and e-mail after. */
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

/** Loads the templates folder; a broken file is reported and skipped, the others load. */
export function templatesFrom(dir: string, log: Logger): Template[] {
  const { templates, errors } = existsSync(dir) ? loadTemplates(dir) : { templates: [], errors: [] };
  for (const error of errors) log.error('template refused', { error });
  return templates;
}
