import { readdirSync } from 'node:fs';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { createOcrEngine } from './index.ts';

const svg = (text: string) =>
  Buffer.from(
    '<svg xmlns="http://www.w3.org/2000/svg" width="900" height="160"><rect width="100%" height="100%" fill="white"/>' +
      `<text x="30" y="110" font-family="DejaVu Sans, sans-serif" font-size="64" fill="black">${text}</text></svg>`,
  );

describe('tesseract.js OCR engine', () => {
  const ocr = createOcrEngine({ workers: 1 });
  afterAll(() => ocr.close());

  it('returns words with boxes in the image pixels and confidences 0..1', async () => {
    const png = await sharp(svg('PEDIDO 4711')).png().toBuffer();
    const { words, confidence } = await ocr.recognize(png);
    expect(words.map((w) => w.text)).toEqual(['PEDIDO', '4711']);
    expect(confidence).toBeGreaterThan(0.6);
    expect(confidence).toBeLessThanOrEqual(1);
    for (const w of words) {
      expect(w.x).toBeGreaterThanOrEqual(0);
      expect(w.x + w.w).toBeLessThanOrEqual(900);
      expect(w.y + w.h).toBeLessThanOrEqual(160);
      expect(w.h).toBeGreaterThan(30);
    }
    expect(words[0]!.x).toBeLessThan(words[1]!.x);
  });

  it('reads with two languages from the packaged data, writing nothing to the working folder', async () => {
    const before = readdirSync('.');
    const png = await sharp(svg('PURCHASE ORDER 12')).png().toBuffer();
    const { words } = await ocr.recognize(png, { languages: 'spa+eng' });
    expect(words.map((w) => w.text)).toEqual(['PURCHASE', 'ORDER', '12']);
    expect(readdirSync('.')).toEqual(before);
  });

  it('straightens a skewed page and returns the image its boxes refer to', async () => {
    const straight = await sharp(svg('PEDIDO 4711')).png().toBuffer();
    const skewed = await sharp(straight).rotate(3, { background: '#ffffff' }).png().toBuffer();
    const size = await sharp(skewed).metadata();
    const { words, deskewed } = await ocr.recognize(skewed);
    expect(words.map((w) => w.text)).toEqual(['PEDIDO', '4711']);
    expect(deskewed).toBeDefined();
    const m = await sharp(deskewed!).metadata();
    expect([m.format, m.width, m.height]).toEqual(['png', size.width, size.height]);
    // Straightened: both words sit on one line.
    expect(Math.abs(words[0]!.y - words[1]!.y)).toBeLessThan(10);
    const plain = await ocr.recognize(straight);
    expect(plain.deskewed).toBeUndefined();
  });

  it('says plainly when a language has no installed data', async () => {
    const png = await sharp(svg('X')).png().toBuffer();
    await expect(ocr.recognize(png, { languages: 'deu' })).rejects.toThrow(/No OCR language data .* 'deu'/);
  });

  it('starts a second worker only when a page waits for one, and reads the same either way', async () => {
    const pngs = await Promise.all(
      ['PEDIDO 4711', 'ALBARAN 12', 'FACTURA 99'].map((t) => sharp(svg(t)).png().toBuffer()),
    );
    const one = createOcrEngine({ workers: 2 });
    const alone = await one.recognize(pngs[0]!);
    await one.close(); // waits for any worker still starting
    expect(one.workersStarted()).toBe(1);

    const engine = createOcrEngine({ workers: 2 });
    const together = await Promise.all(pngs.map((p) => engine.recognize(p)));
    // Six pages in all, two workers at most.
    await Promise.all(pngs.map((p) => engine.recognize(p)));
    await engine.close();
    expect(engine.workersStarted()).toBe(2);
    expect(together[0]!.words).toEqual(alone.words);
    expect(together.map((r) => r.words.map((w) => w.text).join(' '))).toEqual([
      'PEDIDO 4711',
      'ALBARAN 12',
      'FACTURA 99',
    ]);
  });

  it('starts a worker ahead of the first page when warmed, and one only', async () => {
    const engine = createOcrEngine({ workers: 2 });
    engine.warm?.();
    engine.warm?.('deu'); // no data: nothing started, nothing thrown
    await engine.close(); // waits for the worker being started, then ends it
    expect(engine.workersStarted()).toBe(1);
  });

  it('refuses work once closed', async () => {
    const engine = createOcrEngine({ workers: 1 });
    await engine.close();
    await expect(engine.recognize(Buffer.alloc(0))).rejects.toThrow(/closed/);
  });
});
