/**
 * Orders carried inside a PDF as an embedded file (Order-X, the order counterpart of Factur-X /
 * ZUGFeRD; also a UBL or cXML file attached to a PDF): the PDF's attachments (the EmbeddedFiles
 * name tree, where Factur-X writers also list the `AF` associated files) are read with pdfjs,
 * the files listed only under `/AF` (PDF 2.0, PDF/A-3) by associated.ts,
 * and the first one a structured reader recognises is the order. Nothing is rendered here.
 */
import type * as Pdfjs from 'pdfjs-dist/legacy/build/pdf.mjs';
import { loadPdfjs } from '../../documents/pdf.ts';
import { associatedFiles } from './associated.ts';

export interface PdfAttachment {
  name: string;
  bytes: Buffer;
}

/** Larger embedded files are not orders (and not worth holding in memory). */
const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;

/**
 * The PDF's embedded files: the EmbeddedFiles name tree's, then the `/AF` associated files not
 * already among them; empty when it has none or cannot be opened (the page reader says why).
 */
export async function pdfAttachments(bytes: Buffer): Promise<PdfAttachment[]> {
  const named = await nameTreeAttachments(bytes);
  if (!/\/AF\b|\/ObjStm/.test(bytes.toString('latin1'))) return named;
  const more = associatedFiles(bytes).filter(
    (a) => a.bytes.length <= MAX_ATTACHMENT_BYTES && !named.some((n) => n.bytes.equals(a.bytes)),
  );
  return [...named, ...more];
}

async function nameTreeAttachments(bytes: Buffer): Promise<PdfAttachment[]> {
  // Cheap test first: a PDF with no embedded file names none of these keys in its uncompressed
  // parts... unless they sit in object streams, so the test only skips when none of the markers
  // nor an object stream is present.
  const text = bytes.toString('latin1');
  if (!/\/EmbeddedFile|\/AF\b|\/ObjStm/.test(text)) return [];
  let doc: Awaited<ReturnType<typeof Pdfjs.getDocument>['promise']> | null = null;
  const pdfjs = await loadPdfjs();
  try {
    doc = await pdfjs.getDocument({
      data: new Uint8Array(bytes),
      verbosity: pdfjs.VerbosityLevel.ERRORS,
      isEvalSupported: false,
      password: '',
    }).promise;
    const found = (await doc.getAttachments()) as Record<
      string,
      { filename: string; content: Uint8Array }
    > | null;
    if (!found) return [];
    return Object.values(found)
      .filter((a) => a.content && a.content.length <= MAX_ATTACHMENT_BYTES)
      .map((a) => ({ name: a.filename, bytes: Buffer.from(a.content) }));
  } catch {
    return [];
  } finally {
    await doc?.destroy();
  }
}
