/**
 * Reading paper: a PDF, fax or scan (or one attached to an e-mail) read into pages, its orders
 * extracted by a matching template or the generic rules, a layout learned from confirmed orders
 * applied, a second look at an unsure PO number, and a note when the page limit cut it short.
 * Written once here for every format that carries paper.
 */
import { type DocumentKind, type ReadLimits, readDocument } from '../../documents/index.ts';
import type { ExtractOutcome } from '../../domain/extraction.ts';
import { type Finding, finding } from '../../domain/findings.ts';
import type { Page } from '../../domain/page.ts';
import { extractOrders, matchTemplate, type Template } from '../../extract/index.ts';
import { type LayoutSource, learnedPoPattern, withLearned } from '../../learn/apply.ts';
import type { OcrEngine } from '../../ocr/index.ts';
import { secondLook } from './second-look.ts';

/** Templates as a list, or a function that gives the current list (learned fields change it). */
export type TemplateSource = Template[] | (() => Promise<Template[]>);

export async function templatesOf(source: TemplateSource): Promise<Template[]> {
  return typeof source === 'function' ? source() : source;
}

/** What paper is read with: one OCR engine, the templates, the limits and the learned layouts. */
export interface PaperSources {
  ocr: OcrEngine;
  templates: TemplateSource;
  /** What a reader may decode (pages, pixels); absent: the readers' defaults. */
  limits?: ReadLimits;
  /** Layouts learned from confirmed orders (src/learn): a document of one is read with it first. */
  learned?: LayoutSource;
}

/** The sources of one reading, with the templates of this moment. */
export interface PaperContext {
  ocr: OcrEngine;
  templates: Template[];
  limits: ReadLimits;
  learned: LayoutSource;
}

export async function paperContext(sources: PaperSources): Promise<PaperContext> {
  return {
    ocr: sources.ocr,
    templates: await templatesOf(sources.templates),
    limits: sources.limits ?? {},
    learned: sources.learned ?? [],
  };
}

/** Who sent it, as the extractor's customer hints. */
export interface Hints {
  email: string | null;
  fax: string | null;
}

export type PaperReading =
  | { kind: 'unreadable'; reason: string }
  | {
      kind: 'read';
      outcome: ExtractOutcome;
      pages: Page[];
      /** Said when the page limit left pages unread; the caller places it among its findings. */
      cut: Finding | null;
    };

/** Reads one paper document of `kind`; `name` (an attachment's) is said in the page-limit note. */
export async function readPaper(
  bytes: Buffer,
  kind: DocumentKind,
  hints: Hints,
  ctx: PaperContext,
  name: string | null = null,
): Promise<PaperReading> {
  const read = await readDocument(bytes, kind, { ...ctx.limits, ocr: ctx.ocr });
  if (read.kind === 'unreadable') return { kind: 'unreadable', reason: read.reason };
  const generic = extractOrders(read.pages, { hints, templates: ctx.templates });
  const outcome = await withLearned(generic, read.pages, ctx.learned, hints);
  const pattern = matchTemplate(read.pages, ctx.templates, hints)?.fields?.poNumber?.pattern ?? null;
  await secondLook(outcome, read.pages, ctx.ocr, (o) => pattern ?? learnedPoPattern(o));
  return {
    kind: 'read',
    outcome,
    pages: read.pages,
    cut: pageLimitNote(read.pages.length, read.totalPages, name),
  };
}

function pageLimitNote(read: number, total: number, name: string | null): Finding | null {
  if (total <= read) return null;
  if (name !== null) {
    const msg = `Attachment ${name}: only the first ${read} of ${total} pages were read.`;
    return finding('low_confidence', 'warning', null, msg);
  }
  const msg = `Only the first ${read} of ${total} pages were read.`;
  return finding('low_confidence', 'warning', null, msg, { t: 'low_confidence.pages', read, total });
}
