/**
 * Hostile and broken files for tests: each is small to store and big, endless or dangerous when
 * decoded the naive way. Built here, byte by byte, so no bomb is ever kept in the repository.
 */
import { crc32, deflateSync } from 'node:zlib';
import { PDFDocument, PDFHexString, PDFName, PDFNumber, PDFString, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';
import type { OcrEngine } from '../ocr/index.ts';

/** An OCR engine that counts its calls and finds nothing: for tests about decoding, not reading. */
export function countingOcr(): OcrEngine & { calls: number } {
  return {
    calls: 0,
    async recognize() {
      this.calls++;
      return { words: [], confidence: 0 };
    },
    close: async () => {},
  };
}

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([len, body, crc]);
}

/**
 * An 8-bit greyscale PNG whose header claims `width` x `height` and whose IDAT is `inflated`
 * zero bytes deflated (a megabyte of zeros deflates to about a kilobyte).
 */
export function pngBomb(width: number, height: number, inflated = 1024): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(Buffer.alloc(inflated), { level: 9 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * A real 16 x 16 JPEG whose frame header (SOF0) is rewritten to claim `width` x `height`, with a
 * comment of `pad` bytes (at most 65,000) to make it as big as a scan's file.
 */
export async function jpegBomb(width: number, height: number, pad = 0): Promise<Buffer> {
  const jpeg = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#fff' } })
    .jpeg({ mozjpeg: false })
    .toBuffer();
  const sof = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
  if (sof < 0) throw new Error('no SOF0 marker in the test JPEG');
  jpeg.writeUInt16BE(height, sof + 5);
  jpeg.writeUInt16BE(width, sof + 7);
  if (pad === 0) return jpeg;
  const com = Buffer.alloc(4 + pad, 0x20);
  com.writeUInt16BE(0xfffe, 0);
  com.writeUInt16BE(pad + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), com, jpeg.subarray(2)]);
}

/**
 * A little-endian TIFF of `pages` IFDs, each an uncompressed 8-bit grey page of `width` x
 * `height` sharing one small white strip. `loop` points the last IFD back at the first, as a
 * broken or hostile writer can, so that a naive page walk never ends.
 */
export function tiffPages(pages: number, width: number, height: number, loop = false): Buffer {
  // One strip shared by every page; a page claiming more pixels than that has a strip cut short.
  const stripBytes = Math.min(width * height, 64 * 1024);
  const strip = Buffer.alloc(stripBytes + (stripBytes % 2), 0xff);
  const entries = 9;
  const ifdSize = 2 + entries * 12 + 4;
  const stripAt = 8;
  const firstIfd = stripAt + strip.length;
  const buf = Buffer.alloc(firstIfd + pages * ifdSize);
  buf.write('II', 0, 'latin1');
  buf.writeUInt16LE(42, 2);
  buf.writeUInt32LE(firstIfd, 4);
  strip.copy(buf, stripAt);
  const SHORT = 3;
  const LONG = 4;
  for (let p = 0; p < pages; p++) {
    const at = firstIfd + p * ifdSize;
    buf.writeUInt16LE(entries, at);
    const tags: Array<[number, number, number]> = [
      [256, LONG, width],
      [257, LONG, height],
      [258, SHORT, 8], // BitsPerSample
      [259, SHORT, 1], // no compression
      [262, SHORT, 1], // BlackIsZero
      [273, LONG, stripAt],
      [277, SHORT, 1], // SamplesPerPixel
      [278, LONG, height], // RowsPerStrip
      [279, LONG, stripBytes],
    ];
    for (const [i, [tag, type, value]] of tags.entries()) {
      const e = at + 2 + i * 12;
      buf.writeUInt16LE(tag, e);
      buf.writeUInt16LE(type, e + 2);
      buf.writeUInt32LE(1, e + 4);
      if (type === SHORT) buf.writeUInt16LE(value, e + 8);
      else buf.writeUInt32LE(value, e + 8);
    }
    const next = p + 1 < pages ? at + ifdSize : loop ? firstIfd : 0;
    buf.writeUInt32LE(next, at + 2 + entries * 12);
  }
  return buf;
}

const A4: [number, number] = [595, 842];

/** A one-page text PDF holding `lines`, with whatever `tweak` adds to the document. */
export async function textPdf(
  lines: string[],
  tweak: (doc: PDFDocument) => void = () => {},
  size: [number, number] = A4,
): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage(size);
  for (const [i, line] of lines.entries()) {
    page.drawText(line, { x: 50, y: size[1] - 60 - i * 18, size: 11, font });
  }
  tweak(doc);
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

/**
 * A PDF whose document opens with a JavaScript action and whose page carries another: the
 * script, if anything ran it, would set `globalThis[marker]`.
 */
export function withJavaScript(marker: string): (doc: PDFDocument) => void {
  return (doc) => {
    const ctx = doc.context;
    const js = `globalThis['${marker}'] = true; app.alert('pwned'); this.exportDataObject({cName: 'x', nLaunch: 2});`;
    const action = ctx.obj({ Type: 'Action', S: 'JavaScript', JS: PDFString.of(js) });
    doc.catalog.set(PDFName.of('OpenAction'), ctx.register(action));
    const names = ctx.obj({ JavaScript: ctx.obj({ Names: [PDFString.of('boom'), ctx.register(action)] }) });
    doc.catalog.set(PDFName.of('Names'), names);
    const page = doc.getPage(0);
    page.node.set(PDFName.of('AA'), ctx.obj({ O: ctx.register(action) }));
  };
}

/** Marks the PDF encrypted with a user password the reader does not have (RC4, revision 2). */
export function encrypted(doc: PDFDocument): void {
  const ctx = doc.context;
  const encrypt = ctx.obj({
    Filter: 'Standard',
    V: 1,
    R: 2,
    O: PDFHexString.of('11'.repeat(32)),
    U: PDFHexString.of('22'.repeat(32)),
    P: PDFNumber.of(-4),
  });
  ctx.trailerInfo.Encrypt = ctx.register(encrypt);
  ctx.trailerInfo.ID = ctx.obj([PDFHexString.of('ab'.repeat(16)), PDFHexString.of('ab'.repeat(16))]);
}

/** Makes the page tree claim `count` pages while it holds one: a page-count bomb. */
export function claimsPages(count: number): (doc: PDFDocument) => void {
  return (doc) => {
    doc.catalog.Pages().set(PDFName.of('Count'), PDFNumber.of(count));
  };
}

/** A ZIP archive (stored, one entry) that says it unpacks to `claimed` bytes: a zip bomb's header. */
export function zipBomb(claimed = 0xfffffffe): Buffer {
  const name = Buffer.from('order.pdf');
  const data = deflateSync(Buffer.alloc(1024 * 1024), { level: 9 });
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8); // deflate
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(claimed, 22);
  local.writeUInt16LE(name.length, 26);
  return Buffer.concat([local, name, data]);
}
