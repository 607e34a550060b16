import type { Page } from '../domain/page.ts';
import { faultPoint } from '../faults.ts';
import type { OcrEngine } from '../ocr/index.ts';
import { decodePage, describeError, probeImage } from './image.ts';
import { tooManyPages } from './limits.ts';
import { readPdf } from './pdf.ts';

export type DocumentKind = 'pdf' | 'tiff' | 'image';

/** How to read a paper-like document. */
export interface ReadOptions {
  /** The engine for pages without a text layer. */
  ocr: OcrEngine;
  /** Pages read at most; later pages are left out and `totalPages` says how many there were. Default 50. */
  maxPages?: number;
  /** Largest page image, in pixels, decoded or rendered. Default 40 million. */
  maxPixels?: number;
  /** A document declaring more pages than this is not read at all (unreadable). Default 1000. */
  maxDocumentPages?: number;
  /** Tesseract languages, e.g. 'spa' or 'spa+eng'; default: the engine's (two languages cost twice the time). */
  languages?: string;
  /**
   * The pages are kept for people only (the order comes from a file embedded in the PDF): a PDF
   * page without a usable text layer is rendered at review size and stored as it is, never
   * rendered at 300 dpi, cleaned or OCR'd (its words would decide nothing).
   */
  forPeopleOnly?: boolean;
}

/** The limits of ReadOptions, as the configuration gives them (`config.documents`). */
export type ReadLimits = Pick<ReadOptions, 'maxPages' | 'maxPixels' | 'maxDocumentPages'>;

/**
 * The pages of a document, or why it cannot be read (a sentence a person understands). When the
 * document has more than `maxPages` pages, `pages` holds the first `maxPages` and `totalPages`
 * the real count, so the caller can say that the rest was not read.
 */
export type ReadResult =
  | { kind: 'pages'; pages: Page[]; totalPages: number }
  | { kind: 'unreadable'; reason: string };

export const DEFAULT_MAX_PAGES = 50;
export const DEFAULT_MAX_PIXELS = 40e6;
export const DEFAULT_MAX_DOCUMENT_PAGES = 1000;

/** Recognises PDF, TIFF, PNG and JPEG from their first bytes. */
export function sniffDocumentKind(bytes: Buffer): DocumentKind | null {
  const head = bytes.subarray(0, 1024).toString('latin1');
  // Some PDF writers put junk before the header; readers accept it within the first kilobyte.
  if (head.includes('%PDF-')) return 'pdf';
  if (head.startsWith('II*\0') || head.startsWith('MM\0*')) return 'tiff';
  if (head.startsWith('\x89PNG\r\n\x1a\n') || head.startsWith('\xff\xd8\xff')) return 'image';
  return null;
}

async function readImage(
  bytes: Buffer,
  opts: ReadOptions & { maxPages: number; maxPixels: number; maxDocumentPages: number },
): Promise<ReadResult> {
  const probe = await probeImage(bytes, opts.maxPixels, opts.maxPages);
  if (!probe.ok) return { kind: 'unreadable', reason: probe.reason };
  if (probe.pages > opts.maxDocumentPages) {
    return { kind: 'unreadable', reason: tooManyPages('image', probe.pages, opts.maxDocumentPages) };
  }
  const pages: Page[] = [];
  const count = Math.min(probe.pages, opts.maxPages);
  for (let i = 0; i < count; i++) {
    let img: Awaited<ReturnType<typeof decodePage>>;
    try {
      img = await decodePage(bytes, i, opts.maxPixels);
    } catch (err) {
      const where = probe.pages > 1 ? `Page ${i + 1} of the image` : 'The image';
      return { kind: 'unreadable', reason: `${where} could not be decoded (${describeError(err)}).` };
    }
    const { words, confidence, deskewed } = await opts.ocr.recognize(
      img.png,
      opts.languages ? { languages: opts.languages } : undefined,
    );
    pages.push({
      number: i + 1,
      width: img.width,
      height: img.height,
      words,
      source: 'ocr',
      image: deskewed ?? img.png,
      confidence,
    });
    faultPoint('pipeline.inside-ocr');
  }
  return { kind: 'pages', pages, totalPages: probe.pages };
}

/**
 * Reads a PDF, TIFF (fax) or PNG/JPEG into pages of words with boxes. A PDF page with a usable
 * text layer is read without OCR. Never throws for bad input: an empty, corrupt, encrypted or
 * oversized document gives `unreadable` with the reason.
 */
export async function readDocument(
  bytes: Buffer,
  kind: DocumentKind,
  opts: ReadOptions,
): Promise<ReadResult> {
  const full = {
    ...opts,
    maxPages: Math.max(1, opts.maxPages ?? DEFAULT_MAX_PAGES),
    maxPixels: opts.maxPixels ?? DEFAULT_MAX_PIXELS,
    maxDocumentPages: Math.max(1, opts.maxDocumentPages ?? DEFAULT_MAX_DOCUMENT_PAGES),
  };
  if (bytes.length === 0) return { kind: 'unreadable', reason: 'The file is empty.' };
  try {
    if (kind === 'pdf') {
      return await readPdf(bytes, { ...full, languages: opts.languages });
    }
    return await readImage(bytes, full);
  } catch (err) {
    return { kind: 'unreadable', reason: `The document could not be read (${describeError(err)}).` };
  }
}
