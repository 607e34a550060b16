import sharp from 'sharp';

/** Lines of a purchase order as a fax would show them, for tests and measurements. */
export const FAX_LINES = [
  'FAX 2026-11-20 10:42  +34 91 555 0142  P.1/1',
  'DISTRIBUCIONES LEVANTE S.L.  CIF B12345678',
  'PEDIDO DE COMPRA',
  'Pedido n: PO-2026-0042   Fecha: 20/11/2026',
  'Fecha de entrega: 27/11/2026',
  'Referencia  Descripcion            Cantidad  Precio  Importe',
  'A-1001      Tornillo hexagonal M8    100      0,12     12,00',
  'A-2040      Arandela plana 8 mm      250      0,03      7,50',
  'B-0077      Tuerca autoblocante M8   100      0,09      9,00',
  'TOTAL                                                  28,50',
];

const xmlText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** An SVG of black text lines on white, `size` px high, one line every `size * 1.6` px. */
export function textSvg(
  lines: string[],
  width: number,
  height: number,
  size: number,
  font = 'DejaVu Sans Mono, monospace',
): Buffer {
  const texts = lines
    .map(
      (l, i) =>
        `<text xml:space="preserve" x="${Math.round(size * 2)}" y="${Math.round(size * 2 + i * size * 1.6)}" ` +
        `font-family="${font}" font-size="${size}" fill="black">${xmlText(l)}</text>`,
    )
    .join('');
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
      `<rect width="100%" height="100%" fill="white"/>${texts}</svg>`,
  );
}

/**
 * A fax page as a gateway writes it: 1728 dots wide, CCITT G4, at "normal" (204x98 dpi, so the
 * height is halved) or "fine" (204x196 dpi) resolution, from one or more pages of lines.
 */
export async function faxTiff(
  pages: string[][],
  resolution: 'normal' | 'fine',
  text: { size?: number; font?: string } = {},
): Promise<Buffer> {
  const width = 1728;
  const fineHeight = 2292;
  const height = resolution === 'normal' ? fineHeight / 2 : fineHeight;
  const rasters = await Promise.all(
    pages.map((lines) =>
      sharp(textSvg(lines, width, fineHeight, text.size ?? 34, text.font))
        .resize(width, height, { fit: 'fill' })
        .greyscale()
        .raw()
        .toBuffer(),
    ),
  );
  // sharp writes a multi-page TIFF from a vertical strip with `pageHeight`.
  const strip = Buffer.concat(rasters);
  const yDpi = resolution === 'normal' ? 98 : 196;
  return (
    sharp(strip, { raw: { width, height: height * pages.length, channels: 1, pageHeight: height } })
      // Reducing to 1 bit thresholds at mid-grey; G4 takes only 1-bit input.
      .toColourspace('b-w')
      .tiff({
        compression: 'ccittfax4',
        bitdepth: 1,
        xres: 204 / 25.4,
        yres: yDpi / 25.4,
        resolutionUnit: 'inch',
      })
      .toBuffer()
  );
}
