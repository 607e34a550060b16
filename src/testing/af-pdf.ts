/**
 * Test helper: a PDF whose order travels as a PDF 2.0 / PDF/A-3 associated file, listed only in
 * an `/AF` array (of the catalog or of the page) and not in the EmbeddedFiles name tree, the way
 * some Factur-X / Order-X writers leave it. Built with pdf-lib's low-level objects.
 */
import { PDFDocument, PDFHexString, PDFName, PDFString, StandardFonts } from 'pdf-lib';

export interface AfPdfOptions {
  /** Write objects into compressed object streams (pdf-lib's default, PDF 1.5+). */
  objectStreams?: boolean;
  /** List the file on the page's `/AF` instead of the catalog's. */
  onPage?: boolean;
  /** Compress the embedded file (Flate); false stores it plain. */
  compress?: boolean;
  /** Also embed this file, referenced from nowhere (an orphan left by an editor). */
  orphan?: Buffer;
}

export async function afOnlyPdf(
  file: Buffer,
  name: string,
  pageText: string,
  opt: AfPdfOptions = {},
): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const page = pdf.addPage([595, 842]);
  page.drawText(pageText, { x: 50, y: 780, size: 14, font: await pdf.embedFont(StandardFonts.Helvetica) });
  const ctx = pdf.context;
  const embed = (bytes: Buffer) => {
    const dict = { Type: 'EmbeddedFile', Subtype: 'text/xml', Params: { Size: bytes.length } };
    return ctx.register(opt.compress === false ? ctx.stream(bytes, dict) : ctx.flateStream(bytes, dict));
  };
  const spec = ctx.register(
    ctx.obj({
      Type: 'Filespec',
      F: PDFString.of(name),
      UF: PDFHexString.fromText(name),
      AFRelationship: PDFName.of('Alternative'),
      EF: { F: embed(file), UF: embed(file) },
    }),
  );
  if (opt.orphan) {
    ctx.register(ctx.obj({ Type: 'Filespec', F: PDFString.of('old.xml'), EF: { F: embed(opt.orphan) } }));
  }
  (opt.onPage ? page.node : pdf.catalog).set(PDFName.of('AF'), ctx.obj([spec]));
  return Buffer.from(await pdf.save({ useObjectStreams: opt.objectStreams ?? true }));
}
