/** Renders laid-out text as a text PDF, a page image, a fax TIFF and a scanned PDF. */
import { PDFDocument, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';
import { PAGE, type TextItem } from './layout.ts';

export async function textPdf(items: TextItem[]): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([PAGE.width, PAGE.height]);
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  for (const it of items) {
    const font = it.bold ? bold : regular;
    const width = font.widthOfTextAtSize(it.text, it.size);
    const x = it.anchor === 'end' ? it.x - width : it.x;
    page.drawText(it.text, { x, y: PAGE.height - it.y, size: it.size, font });
  }
  return Buffer.from(await doc.save());
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The page as an SVG at `dpi`, with optional fax header line and speckle noise. */
function svg(
  items: TextItem[],
  dpi: number,
  extra: { header?: string; speckles?: number; seed?: () => number },
): string {
  const k = dpi / 72;
  const w = Math.round(PAGE.width * k);
  const h = Math.round(PAGE.height * k);
  const texts = items.map(
    (it) =>
      `<text x="${(it.x * k).toFixed(1)}" y="${(it.y * k).toFixed(1)}" font-family="DejaVu Sans" font-size="${(it.size * k).toFixed(1)}"${it.bold ? ' font-weight="bold"' : ''}${it.anchor === 'end' ? ' text-anchor="end"' : ''}>${esc(it.text)}</text>`,
  );
  if (extra.header) {
    texts.push(
      `<text x="${20 * k}" y="${18 * k}" font-family="DejaVu Sans Mono" font-size="${8 * k}">${esc(extra.header)}</text>`,
    );
  }
  const dots: string[] = [];
  const rnd = extra.seed ?? Math.random;
  for (let i = 0; i < (extra.speckles ?? 0); i++) {
    dots.push(
      `<rect x="${Math.floor(rnd() * w)}" y="${Math.floor(rnd() * h)}" width="${1 + Math.floor(rnd() * 2)}" height="${1 + Math.floor(rnd() * 2)}"/>`,
    );
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="100%" height="100%" fill="white"/>${texts.join('')}${dots.join('')}</svg>`;
}

/**
 * A fax as a gateway stores it: 1-bit CCITT G4 TIFF, 204 dpi across and 98 dpi down ("normal"
 * resolution, non-square pixels), a header line from the sending machine, speckle noise and a
 * slight skew.
 */
export async function faxTiff(
  items: TextItem[],
  opts: { header: string; skewDeg: number; seed: () => number },
): Promise<Buffer> {
  const image = await sharp(
    Buffer.from(svg(items, 204, { header: opts.header, speckles: 1500, seed: opts.seed })),
  )
    .flatten({ background: '#ffffff' })
    .rotate(opts.skewDeg, { background: '#ffffff' })
    .greyscale()
    .png()
    .toBuffer();
  const meta = await sharp(image).metadata();
  return sharp(image)
    .resize(meta.width, Math.round(meta.height! * (98 / 204)), { fit: 'fill' })
    .threshold(160)
    .toColourspace('b-w')
    .tiff({
      compression: 'ccittfax4',
      xres: 204 / 25.4,
      yres: 98 / 25.4,
      resolutionUnit: 'inch',
      bitdepth: 1,
    })
    .toBuffer();
}

/** A scanned page: a 200 dpi greyscale image inside a PDF without a text layer. */
export async function scannedPdf(items: TextItem[], seed: () => number): Promise<Buffer> {
  const png = await sharp(Buffer.from(svg(items, 200, { speckles: 300, seed })))
    .flatten({ background: '#ffffff' })
    .rotate(0.4, { background: '#ffffff' })
    .greyscale()
    .png()
    .toBuffer();
  const doc = await PDFDocument.create();
  const page = doc.addPage([PAGE.width, PAGE.height]);
  const img = await doc.embedPng(png);
  page.drawImage(img, { x: 0, y: 0, width: PAGE.width, height: PAGE.height });
  return Buffer.from(await doc.save());
}
