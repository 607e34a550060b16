import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from '../domain/page.ts';
import { submit } from '../pipeline/submit.ts';
import { createTestDatabase, type TestDatabase } from '../testing/db.ts';
import { getBlob } from './blobs.ts';
import { insertPages, pagesOf, pageText } from './pages.ts';

const word = (text: string, x: number, y: number) => ({
  text,
  x,
  y,
  w: text.length * 10,
  h: 20,
  confidence: 0.9,
});

describe('document pages', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t.close());

  it('keeps each page image once and the words in reading order', async () => {
    const { documentId } = await submit(t.db, {
      channel: 'fax',
      sourceRef: 'test:pages',
      sender: '+34912345678',
      receivedAt: new Date(),
      filename: 'fax.tif',
      contentType: null,
      bytes: Buffer.from('II*\0'),
    });
    const image = Buffer.from('\x89PNG fake page image bytes');
    const page: Page = {
      number: 1,
      width: 1700,
      height: 2200,
      source: 'ocr',
      confidence: 0.91,
      image,
      words: [word('PO-1', 200, 102), word('Pedido', 10, 100), word('nº', 90, 98), word('Cantidad', 10, 200)],
    };
    await t.db.transaction((tx) => insertPages(tx, documentId, [page, { ...page, number: 2 }]));
    const stored = await pagesOf(t.db, documentId);
    expect(stored.map((p) => [p.page_no, p.source, p.width])).toEqual([
      [1, 'ocr', 1700],
      [2, 'ocr', 1700],
    ]);
    expect(stored[0]!.image_sha256).toBe(stored[1]!.image_sha256);
    expect(await getBlob(t.db, stored[0]!.image_sha256!)).toEqual(image);
    expect(pageText(page)).toBe('Pedido nº PO-1\nCantidad');
  });
});
