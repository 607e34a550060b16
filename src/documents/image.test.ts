import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { createOcrEngine } from '../ocr/index.ts';
import { countingOcr, pngBomb } from '../testing/hostile.ts';
import { CORPUS } from '../testing/services.ts';
import { isolatedDotsPerThousand } from './despeckle.ts';
import { cleanRendered, cleanRenderedPixels, decodePage, targetSize } from './image.ts';
import { readDocument, sniffDocumentKind } from './index.ts';
import { FAX_LINES, faxTiff, textSvg } from './testing.ts';
import { tiffResolution } from './tiff-ifd.ts';

describe('reading images', () => {
  const ocr = createOcrEngine({ workers: 1 });
  afterAll(() => ocr.close());

  it('OCRs a PNG of large black text', async () => {
    const png = await sharp(textSvg(['PEDIDO 4711'], 900, 200, 72))
      .png()
      .toBuffer();
    expect(sniffDocumentKind(png)).toBe('image');
    const read = await readDocument(png, 'image', { ocr });
    if (read.kind !== 'pages') throw new Error(read.reason);
    const [page] = read.pages;
    expect(page!.words.map((w) => w.text)).toEqual(['PEDIDO', '4711']);
    expect(page!.confidence).toBeGreaterThan(0.6);
    expect(page!.source).toBe('ocr');
    const [pedido, num] = page!.words;
    expect(pedido!.x).toBeLessThan(num!.x);
    expect(num!.x + num!.w).toBeLessThanOrEqual(page!.width);
  });

  it('turns a JPEG upright from its EXIF orientation', async () => {
    const upright = await sharp(textSvg(['PEDIDO 4711'], 900, 200, 72))
      .png()
      .toBuffer();
    // Stored turned 90 degrees clockwise; orientation 8 tells viewers to turn it back.
    const jpeg = await sharp(upright)
      .rotate(90)
      .jpeg({ quality: 90 })
      .withMetadata({ orientation: 8 })
      .toBuffer();
    expect(sniffDocumentKind(jpeg)).toBe('image');
    const read = await readDocument(jpeg, 'image', { ocr });
    if (read.kind !== 'pages') throw new Error(read.reason);
    expect([read.pages[0]!.width, read.pages[0]!.height]).toEqual([900, 200]);
    expect(read.pages[0]!.words.map((w) => w.text)).toEqual(['PEDIDO', '4711']);
  });

  it('reads a G4 fax at normal resolution, every page, with the aspect ratio corrected', async () => {
    const tiff = await faxTiff([FAX_LINES.slice(0, 4), ['PAGINA 2', 'TOTAL 28,50']], 'normal');
    expect(sniffDocumentKind(tiff)).toBe('tiff');
    expect(tiffResolution(tiff, 1)).toEqual({ x: 204, y: 98 });
    expect(tiff.readUInt16LE(0)).toBe(0x4949);

    const read = await readDocument(tiff, 'tiff', { ocr });
    if (read.kind !== 'pages') throw new Error(read.reason);
    expect(read.totalPages).toBe(2);
    const [p1, p2] = read.pages;
    // 1728 x 1146 dots at 204 x 98 dpi: the height is stretched to square pixels, 204 dpi both ways.
    expect([p1!.width, p1!.height]).toEqual([1728, 2386]);
    const text1 = p1!.words.map((w) => w.text).join(' ');
    expect(text1).toContain('PEDIDO DE COMPRA');
    expect(text1).toMatch(/Fecha: 20\/11\/2026/);
    expect(p1!.confidence).toBeGreaterThan(0.8);
    expect(p2!.words.map((w) => w.text)).toEqual(['PAGINA', '2', 'TOTAL', '28,50']);
    expect(p2!.image!.subarray(1, 4).toString()).toBe('PNG');
  });

  it('reads the small print of a clean normal-resolution fax without eroding its one-dot strokes', async () => {
    // 18 px serif at 204 x 98 dpi: what the eval's faxes of EAN-coded Italian orders look like.
    const lines = [
      '1    20  8437001104079  Punta HSS per metallo 8 mm',
      '2    12  8437001108008  Spray lubrificante 400 ml',
      '3  1.000  8437001103140  Tassello in nylon 10x50 mm',
      '4    75  8437001105007  Disco da taglio 115x1,0 mm',
    ];
    const tiff = await faxTiff([lines], 'normal', { size: 18, font: 'DejaVu Serif, serif' });
    const read = await readDocument(tiff, 'tiff', { ocr });
    if (read.kind !== 'pages') throw new Error(read.reason);
    const text = read.pages[0]!.words.map((w) => w.text).join(' ');
    // A 3x3 median filter before binarising read two of these codes, at a mean confidence of 0.54.
    expect(text.match(/8437001\d{6}/g)?.length ?? 0).toBeGreaterThanOrEqual(3);
    expect(read.pages[0]!.confidence).toBeGreaterThan(0.65);
  });

  it('counts the isolated dots that tell a noisy fax from a clean one', async () => {
    const width = 400;
    const height = 300;
    const page = new Uint8Array(width * height).fill(255);
    for (let x = 50; x < 350; x++) for (let y = 100; y < 103; y++) page[y * width + x] = 0;
    expect(isolatedDotsPerThousand(page, width, height)).toBe(0);
    // Dithered grey: single dots three apart, touching nothing.
    for (let y = 150; y < 290; y += 3) for (let x = 10; x < 390; x += 3) page[y * width + x] = 0;
    expect(isolatedDotsPerThousand(page, width, height)).toBeGreaterThan(10);
  });

  it('refuses a 20000 x 20000 pixel image from its header, without decoding it', async () => {
    const fake = countingOcr();
    const before = process.memoryUsage().rss;
    const read = await readDocument(pngBomb(20_000, 20_000), 'image', { ocr: fake });
    expect(read).toEqual({ kind: 'unreadable', reason: expect.stringMatching(/20000 x 20000 pixels/) });
    expect(fake.calls).toBe(0);
    expect(process.memoryUsage().rss - before).toBeLessThan(100e6);
  });

  it('refuses a TIFF page whose header claims 100000 x 100000 pixels', async () => {
    const tiff = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } })
      .tiff({ compression: 'none' })
      .toBuffer();
    // Rewrite ImageWidth (256) and ImageLength (257) in the first IFD as LONG 100000.
    const ifd = tiff.readUInt32LE(4);
    for (let e = 0; e < tiff.readUInt16LE(ifd); e++) {
      const at = ifd + 2 + e * 12;
      if ([256, 257].includes(tiff.readUInt16LE(at))) {
        tiff.writeUInt16LE(4, at + 2);
        tiff.writeUInt32LE(100_000, at + 8);
      }
    }
    const fake = countingOcr();
    const read = await readDocument(tiff, 'tiff', { ocr: fake });
    expect(read).toEqual({ kind: 'unreadable', reason: expect.stringMatching(/100000 x 100000 pixels/) });
    expect(fake.calls).toBe(0);
  });

  it('refuses empty, corrupt and truncated images with a reason', async () => {
    const png = await sharp(textSvg(['X'], 200, 100, 40))
      .png()
      .toBuffer();
    const cases: [Buffer, 'image' | 'tiff'][] = [
      [Buffer.alloc(0), 'image'],
      [Buffer.alloc(0), 'tiff'],
      [Buffer.from('\x89PNG\r\n\x1a\nnonsense', 'latin1'), 'image'],
      [Buffer.from('II*\0garbage garbage', 'latin1'), 'tiff'],
      [png.subarray(0, 60), 'image'],
    ];
    for (const [bytes, kind] of cases) {
      const read = await readDocument(bytes, kind, { ocr: countingOcr() });
      expect(read.kind).toBe('unreadable');
      if (read.kind === 'unreadable') expect(read.reason).toMatch(/^The (file|image)/);
    }
  });

  it('cleans a rendered page from its pixels exactly as from its PNG', async () => {
    // A colour page with noise in one channel: resize, median, threshold and despeckle all act.
    const page = sharp(textSvg(['PEDIDO 4711', 'Cant. 12  Precio 3,50'], 1240, 900, 40));
    const { data, info } = await page.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    for (let i = 0; i < data.length; i += 4 * 7) data[i] = (data[i]! + 97) % 256;
    const png = await sharp(data, { raw: { width: info.width, height: info.height, channels: 4 } })
      .png()
      .toBuffer();
    const fromPng = await cleanRendered(png, 40e6);
    const fromPixels = await cleanRenderedPixels(data, info.width, info.height, 40e6);
    expect([fromPixels.width, fromPixels.height]).toEqual([fromPng.width, fromPng.height]);
    expect(fromPixels.png.equals(fromPng.png)).toBe(true);
  });

  it('sizes pages: square pixels, ~300 dpi, never above maxPixels', () => {
    expect(targetSize(1728, 1146, { x: 204, y: 98 }, 40e6)).toEqual({ width: 1728, height: 2386 });
    expect(targetSize(1728, 2292, { x: 204, y: 196 }, 40e6)).toEqual({ width: 1728, height: 2386 });
    expect(targetSize(590, 88, { x: 96, y: 96 }, 40e6)).toEqual({ width: 1180, height: 176 });
    expect(targetSize(2480, 3508, { x: 300, y: 300 }, 40e6)).toEqual({ width: 2480, height: 3508 });
    expect(targetSize(1000, 800, null, 40e6)).toEqual({ width: 1000, height: 800 });
    const capped = targetSize(1728, 1146, { x: 204, y: 98 }, 1e6);
    expect(capped.width * capped.height).toBeLessThanOrEqual(1e6);
  });
});

const hasCorpus = existsSync(path.join(CORPUS, 'pillow'));

describe.skipIf(!hasCorpus)('real TIFF fax samples', () => {
  const files = hasCorpus
    ? ['pillow', 'image-tiff'].flatMap((dir) =>
        readdirSync(path.join(CORPUS, dir))
          .filter((f) => /\.tiff?$/.test(f))
          .map((f) => path.join(CORPUS, dir, f)),
      )
    : [];

  it('decodes every corpus TIFF (G3, G4, fill order, multi-page)', async () => {
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const ocr = countingOcr();
      const read = await readDocument(readFileSync(file), 'tiff', { ocr });
      if (read.kind !== 'pages') throw new Error(`${path.basename(file)}: ${read.reason}`);
      expect(read.pages.length).toBe(read.totalPages);
      expect(ocr.calls).toBe(read.pages.length);
    }
  });

  it('honours the TIFF orientation tag: all eight orientations give the same upright page', async () => {
    const upright = await decodePage(readFileSync(path.join(CORPUS, 'pillow/g4_orientation_1.tif')), 0, 40e6);
    const ref = await sharp(upright.png).raw().toBuffer();
    for (let o = 2; o <= 8; o++) {
      const img = await decodePage(
        readFileSync(path.join(CORPUS, `pillow/g4_orientation_${o}.tif`)),
        0,
        40e6,
      );
      expect([img.width, img.height]).toEqual([upright.width, upright.height]);
      const raw = await sharp(img.png).raw().toBuffer();
      let same = 0;
      for (let i = 0; i < raw.length; i++) if (raw[i] === ref[i]) same++;
      expect(same / raw.length).toBeGreaterThan(0.97);
    }
  });
});
