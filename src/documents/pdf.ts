import { createRequire } from 'node:module';
import path from 'node:path';
import type { PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist/types/src/display/api.js';
import type { Page, Word } from '../domain/page.ts';
import { faultPoint } from '../faults.ts';
import type { OcrEngine } from '../ocr/index.ts';
import { type CleanImage, cleanRenderedPixels, describeError } from './image.ts';
import { tooManyPages } from './limits.ts';
import { isUnusableTextLayer, runsToWords, type TextRun } from './words.ts';

/** Text-layer pages are rendered at 2x (144 dpi): enough for a person to read on the review screen. */
export const TEXT_LAYER_SCALE = 2;
/** Review images of text-layer pages stay below this (an A2 page at 2x is 8 million pixels). */
const REVIEW_MAX_PIXELS = 12e6;
/** Scanned pages are rendered at 300 dpi for OCR. */
const OCR_SCALE = 300 / 72;

export interface PdfReadOptions {
  ocr: OcrEngine;
  maxPages: number;
  maxPixels: number;
  /** A PDF with more pages than this is not read at all. */
  maxDocumentPages: number;
  languages: string | undefined;
  /** Pages kept for people only: a page without a usable text layer is not prepared for OCR. */
  forPeopleOnly?: boolean;
}

export type PdfResult =
  | { kind: 'pages'; pages: Page[]; totalPages: number }
  | { kind: 'unreadable'; reason: string };

const require = createRequire(import.meta.url);
const pdfjsRoot = path.dirname(require.resolve('pdfjs-dist/package.json'));

let pdfjsModule: Promise<typeof import('pdfjs-dist/legacy/build/pdf.mjs')> | null = null;
/** pdfjs, loaded with the first PDF: runs that read none (EDIFACT, web orders) never pay its start-up. */
export function loadPdfjs(): Promise<typeof import('pdfjs-dist/legacy/build/pdf.mjs')> {
  pdfjsModule ??= import('pdfjs-dist/legacy/build/pdf.mjs');
  return pdfjsModule;
}

interface CanvasAndContext {
  /** `data()`: the pixels, RGBA, a view of the canvas's memory (valid until it is destroyed). */
  canvas: { toBuffer(mime: 'image/png'): Buffer; data(): Buffer; width: number; height: number };
  context: unknown;
}
interface CanvasFactory {
  create(width: number, height: number): CanvasAndContext;
  destroy(cc: CanvasAndContext): void;
}

async function open(bytes: Buffer): Promise<PDFDocumentProxy | string> {
  try {
    const pdfjs = await loadPdfjs();
    const task = pdfjs.getDocument({
      // pdfjs takes ownership of the array it is given: hand it a copy.
      data: new Uint8Array(bytes),
      verbosity: pdfjs.VerbosityLevel.ERRORS,
      isEvalSupported: false,
      // Fonts a PDF names but does not embed come from pdfjs's own folder, never from the network.
      standardFontDataUrl: `${path.join(pdfjsRoot, 'standard_fonts')}/`,
      cMapUrl: `${path.join(pdfjsRoot, 'cmaps')}/`,
      cMapPacked: true,
      password: '',
    });
    return await task.promise;
  } catch (err) {
    const name = (err as Error)?.name;
    if (name === 'PasswordException') {
      return 'The PDF is encrypted with a password, so order-capture cannot read it; ask the sender for an unprotected copy.';
    }
    if (name === 'InvalidPDFException') {
      return `The file is not a valid PDF or is damaged (${describeError(err)}).`;
    }
    return `The PDF could not be opened (${describeError(err)}).`;
  }
}

/**
 * Longest side of a rendered page, in pixels: the canvas and PNG encoder refuse far less than
 * what a media box may claim (a 1 x 1,000,000 point strip is within the pixel limit).
 */
const MAX_SIDE = 16_384;

/** `scale`, reduced where needed so that a page with an absurd media box is no pixel bomb. */
function fitScale(page: PDFPageProxy, scale: number, maxPixels: number): number {
  const { width, height } = page.getViewport({ scale });
  const byArea = width * height > maxPixels ? Math.sqrt(maxPixels / (width * height)) : 1;
  const bySide = Math.max(width, height) > MAX_SIDE ? MAX_SIDE / Math.max(width, height) : 1;
  return scale * Math.min(byArea, bySide);
}

/** Renders a page and hands its canvas to `use`; the canvas is destroyed once `use` is done. */
async function withRendered<T>(
  doc: PDFDocumentProxy,
  page: PDFPageProxy,
  scale: number,
  use: (canvas: CanvasAndContext['canvas']) => T | Promise<T>,
): Promise<T> {
  const viewport = page.getViewport({ scale });
  const factory = doc.canvasFactory as CanvasFactory;
  const cc = factory.create(
    Math.max(1, Math.floor(viewport.width)),
    Math.max(1, Math.floor(viewport.height)),
  );
  try {
    // pdfjs paints the page white first: every pixel is opaque.
    const params = { canvas: cc.canvas, canvasContext: cc.context, viewport };
    await page.render(params as unknown as Parameters<PDFPageProxy['render']>[0]).promise;
    return await use(cc.canvas);
  } finally {
    factory.destroy(cc);
  }
}

/** A page as PNG (review images of text-layer pages). */
function render(doc: PDFDocumentProxy, page: PDFPageProxy, scale: number): Promise<Buffer> {
  return withRendered(doc, page, scale, (canvas) => canvas.toBuffer('image/png'));
}

/** A scanned page rendered at OCR resolution and cleaned, from the canvas's pixels (no PNG between). */
function renderClean(
  doc: PDFDocumentProxy,
  page: PDFPageProxy,
  scale: number,
  maxPixels: number,
): Promise<CleanImage> {
  return withRendered(doc, page, scale, (canvas) =>
    cleanRenderedPixels(canvas.data(), canvas.width, canvas.height, maxPixels),
  );
}

async function textLayerWords(page: PDFPageProxy, scale: number): Promise<Word[]> {
  const viewport = page.getViewport({ scale });
  const content = await page.getTextContent();
  const runs = content.items.filter((i): i is TextRun & (typeof content.items)[number] => 'str' in i);
  return runsToWords(runs, content.styles, (r) => viewport.convertToViewportRectangle(r));
}

async function textLayerPage(
  doc: PDFDocumentProxy,
  page: PDFPageProxy,
  number: number,
  words: Word[],
  scale: number,
): Promise<Page> {
  const viewport = page.getViewport({ scale });
  let image: Buffer | null = null;
  try {
    image = await render(doc, page, scale);
  } catch {
    // The words are what matters; the review screen can do without the picture.
    image = null;
  }
  return {
    number,
    width: Math.round(viewport.width),
    height: Math.round(viewport.height),
    words,
    source: 'text-layer',
    image,
    confidence: 1,
  };
}

/**
 * A page without a usable text layer that nobody reads by machine: its picture at review size
 * (what a text-layer page gets), no words. Rendering at 300 dpi and cleaning it for OCR took
 * seconds a page for nothing.
 */
async function imageOnlyPage(
  doc: PDFDocumentProxy,
  page: PDFPageProxy,
  number: number,
  scale: number,
): Promise<Page> {
  return { ...(await textLayerPage(doc, page, number, [], scale)), source: 'ocr', confidence: 0 };
}

async function scannedPage(
  doc: PDFDocumentProxy,
  page: PDFPageProxy,
  number: number,
  opts: PdfReadOptions,
): Promise<Page> {
  const img = await renderClean(doc, page, fitScale(page, OCR_SCALE, opts.maxPixels), opts.maxPixels);
  const { words, confidence, deskewed } = await opts.ocr.recognize(
    img.png,
    opts.languages ? { languages: opts.languages } : undefined,
  );
  faultPoint('pipeline.inside-ocr');
  return {
    number,
    width: img.width,
    height: img.height,
    words,
    source: 'ocr',
    image: deskewed ?? img.png,
    confidence,
  };
}

/**
 * Reads up to `maxPages` pages of a PDF: pages with a usable text layer from the text layer (no
 * OCR), the others rendered at 300 dpi and OCR'd. Never throws for a bad file.
 */
export async function readPdf(bytes: Buffer, opts: PdfReadOptions): Promise<PdfResult> {
  const doc = await open(bytes);
  if (typeof doc === 'string') return { kind: 'unreadable', reason: doc };
  const pages: Page[] = [];
  try {
    // The page count is what the file's page tree claims; a billion costs nothing to write.
    if (doc.numPages > opts.maxDocumentPages) {
      return { kind: 'unreadable', reason: tooManyPages('PDF', doc.numPages, opts.maxDocumentPages) };
    }
    const count = Math.min(doc.numPages, opts.maxPages);
    for (let n = 1; n <= count; n++) {
      let page: PDFPageProxy;
      try {
        page = await doc.getPage(n);
      } catch (err) {
        return { kind: 'unreadable', reason: `Page ${n} of the PDF is damaged (${describeError(err)}).` };
      }
      try {
        const scale = fitScale(page, TEXT_LAYER_SCALE, Math.min(opts.maxPixels, REVIEW_MAX_PIXELS));
        const words = await textLayerWords(page, scale);
        if (!isUnusableTextLayer(words)) pages.push(await textLayerPage(doc, page, n, words, scale));
        else if (opts.forPeopleOnly) pages.push(await imageOnlyPage(doc, page, n, scale));
        else pages.push(await scannedPage(doc, page, n, opts));
      } finally {
        page.cleanup();
      }
    }
    return { kind: 'pages', pages, totalPages: doc.numPages };
  } catch (err) {
    return { kind: 'unreadable', reason: `The PDF could not be read (${describeError(err)}).` };
  } finally {
    await doc.destroy().catch(() => {});
  }
}
