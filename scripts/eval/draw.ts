/** Renders laid-out pages as a text PDF, a fax TIFF (normal or fine) and a scanned PDF. */
import { degrees, grayscale, PDFDocument, type PDFFont, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';
import { type Item, type Laid, PAGE } from './page.ts';

const PDF_FONTS = {
  helvetica: [StandardFonts.Helvetica, StandardFonts.HelveticaBold],
  times: [StandardFonts.TimesRoman, StandardFonts.TimesRomanBold],
  courier: [StandardFonts.Courier, StandardFonts.CourierBold],
} as const;
const SVG_FONTS = {
  helvetica: 'Liberation Sans',
  times: 'Liberation Serif',
  courier: 'Liberation Mono',
} as const;

/** A fixed date in the PDF's metadata, so the same seed writes the same bytes. */
const PRODUCED = new Date('2026-12-01T08:00:00Z');

async function newPdf(): Promise<PDFDocument> {
  const doc = await PDFDocument.create();
  doc.setCreationDate(PRODUCED);
  doc.setModificationDate(PRODUCED);
  return doc;
}

export async function textPdf(laid: Laid): Promise<Buffer> {
  const doc = await newPdf();
  const [r, b] = PDF_FONTS[laid.font];
  const regular = await doc.embedFont(r);
  const bold = await doc.embedFont(b);
  const pages = Array.from({ length: laid.pages }, () => doc.addPage([PAGE.width, PAGE.height]));
  for (const it of laid.items) drawPdf(pages[it.page]!, it, it.t === 'text' && it.bold ? bold : regular);
  return Buffer.from(await doc.save());
}

function drawPdf(page: ReturnType<PDFDocument['addPage']>, it: Item, font: PDFFont): void {
  const H = PAGE.height;
  if (it.t === 'text') {
    const width = font.widthOfTextAtSize(it.text, it.size);
    page.drawText(it.text, {
      x: it.anchor === 'end' ? it.x - width : it.x,
      y: H - it.y,
      size: it.size,
      font,
      color: grayscale(it.grey ?? 0),
      ...(it.rotate ? { rotate: degrees(-it.rotate) } : {}),
    });
  } else if (it.t === 'rect') {
    page.drawRectangle({
      x: it.x,
      y: H - it.y - it.h,
      width: it.w,
      height: it.h,
      ...(it.fill !== undefined ? { color: grayscale(it.fill) } : {}),
      ...(it.stroke ? { borderColor: grayscale(0.2), borderWidth: 0.8 } : {}),
      ...(it.rotate ? { rotate: degrees(-it.rotate) } : {}),
    });
  } else if (it.t === 'line') {
    page.drawLine({ start: { x: it.x1, y: H - it.y1 }, end: { x: it.x2, y: H - it.y2 }, thickness: 0.7 });
  } else {
    page.drawEllipse({
      x: it.cx,
      y: H - it.cy,
      xScale: it.rx,
      yScale: it.ry,
      color: grayscale(it.fill ?? 0),
    });
  }
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const grey = (v: number) => {
  const c = Math.round(v * 255);
  return `rgb(${c},${c},${c})`;
};

/** One page as SVG at `dpi`, with an optional fax header line and speckles. */
export function pageSvg(
  laid: Laid,
  page: number,
  dpi: number,
  extra: { header?: string; speckles: number; rnd: () => number },
): string {
  const k = dpi / 72;
  const w = Math.round(PAGE.width * k);
  const h = Math.round(PAGE.height * k);
  const out: string[] = [];
  const family = SVG_FONTS[laid.font];
  for (const it of laid.items) {
    if (it.page !== page) continue;
    if (it.t === 'text') {
      const rot = it.rotate
        ? ` transform="rotate(${it.rotate} ${(it.x * k).toFixed(1)} ${(it.y * k).toFixed(1)})"`
        : '';
      out.push(
        `<text x="${(it.x * k).toFixed(1)}" y="${(it.y * k).toFixed(1)}" font-family="${family}" font-size="${(it.size * k).toFixed(1)}" fill="${grey(it.grey ?? 0)}"${it.bold ? ' font-weight="bold"' : ''}${it.anchor === 'end' ? ' text-anchor="end"' : ''}${rot}>${esc(it.text)}</text>`,
      );
    } else if (it.t === 'rect') {
      const rot = it.rotate
        ? ` transform="rotate(${it.rotate} ${(it.x * k).toFixed(1)} ${(it.y * k).toFixed(1)})"`
        : '';
      const paint =
        it.fill !== undefined
          ? `fill="${grey(it.fill)}"`
          : `fill="none" stroke="${grey(0.2)}" stroke-width="${0.8 * k}"`;
      out.push(
        `<rect x="${it.x * k}" y="${it.y * k}" width="${it.w * k}" height="${it.h * k}" ${paint}${rot}/>`,
      );
    } else if (it.t === 'line') {
      out.push(
        `<line x1="${it.x1 * k}" y1="${it.y1 * k}" x2="${it.x2 * k}" y2="${it.y2 * k}" stroke="black" stroke-width="${0.7 * k}"/>`,
      );
    } else {
      out.push(
        `<ellipse cx="${it.cx * k}" cy="${it.cy * k}" rx="${it.rx * k}" ry="${it.ry * k}" fill="${grey(it.fill ?? 0)}"/>`,
      );
    }
  }
  if (extra.header) {
    out.push(
      `<text x="${20 * k}" y="${16 * k}" font-family="DejaVu Sans Mono" font-size="${7.5 * k}">${esc(extra.header)}</text>`,
    );
  }
  for (let i = 0; i < extra.speckles; i++) {
    const s = 1 + Math.floor(extra.rnd() * 2);
    out.push(
      `<rect x="${Math.floor(extra.rnd() * w)}" y="${Math.floor(extra.rnd() * h)}" width="${s}" height="${s}"/>`,
    );
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="100%" height="100%" fill="white"/>${out.join('')}</svg>`;
}

/**
 * A fax as a gateway stores it: 1-bit CCITT G4 TIFF, one image per page, 204 dpi across and 98
 * ("normal") or 196 ("fine") dpi down, the sending machine's header line, speckles and skew.
 */
export async function faxTiff(
  laid: Laid,
  opts: {
    resolution: 'normal' | 'fine';
    header: (page: number, pages: number) => string;
    skewDeg: number;
    rnd: () => number;
  },
): Promise<Buffer> {
  const width = 1728;
  const fineHeight = Math.round((PAGE.height / 72) * 196);
  const height = opts.resolution === 'normal' ? Math.round(fineHeight / 2) : fineHeight;
  const rasters: Buffer[] = [];
  for (let p = 0; p < laid.pages; p++) {
    const page = pageSvg(laid, p, 204, {
      header: opts.header(p + 1, laid.pages),
      speckles: 1200,
      rnd: opts.rnd,
    });
    // One pipeline: sharp rotates before it resizes.
    rasters.push(
      await sharp(Buffer.from(page))
        .flatten({ background: '#ffffff' })
        .rotate(opts.skewDeg, { background: '#ffffff' })
        .resize(width, height, { fit: 'fill' })
        .greyscale()
        .threshold(150)
        .raw()
        .toBuffer(),
    );
  }
  return sharp(Buffer.concat(rasters), {
    raw: { width, height: height * laid.pages, channels: 1, pageHeight: height },
  })
    .toColourspace('b-w')
    .tiff({
      compression: 'ccittfax4',
      bitdepth: 1,
      xres: 204 / 25.4,
      yres: (opts.resolution === 'normal' ? 98 : 196) / 25.4,
      resolutionUnit: 'inch',
    })
    .toBuffer();
}

/** A scanned document: greyscale JPEG pages in a PDF without text layer; rotation, noise, blur. */
export async function scannedPdf(
  laid: Laid,
  opts: { dpi: number; rotateDeg: number; blur: number; speckles: number; rnd: () => number },
): Promise<Buffer> {
  const doc = await newPdf();
  for (let p = 0; p < laid.pages; p++) {
    let img = sharp(Buffer.from(pageSvg(laid, p, opts.dpi, { speckles: opts.speckles, rnd: opts.rnd })))
      .flatten({ background: '#ffffff' })
      .rotate(opts.rotateDeg, { background: '#f4f4f4' })
      .greyscale();
    if (opts.blur > 0.3) img = img.blur(opts.blur);
    const jpg = await img.linear(0.92, 12).jpeg({ quality: 78 }).toBuffer();
    const page = doc.addPage([PAGE.width, PAGE.height]);
    const embedded = await doc.embedJpg(jpg);
    page.drawImage(embedded, { x: 0, y: 0, width: PAGE.width, height: PAGE.height });
  }
  return Buffer.from(await doc.save());
}
