import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAX_LINES, faxTiff } from '../documents/testing.ts';
import { submit } from '../pipeline/submit.ts';
import { arrive, createReviewBench, orderWithNewReference, type ReviewBench } from '../review/testing.ts';
import { searchArchive } from './search.ts';

describe('archive search', () => {
  let bench: ReviewBench;
  let faxDoc: number;
  let pdfPo: string;

  beforeAll(async () => {
    bench = await createReviewBench();
    const tiff = await faxTiff(
      [[...FAX_LINES, 'Obra: Polideportivo Valdebebas, descargar en almacén']],
      'fine',
    );
    faxDoc = (
      await submit(bench.p.db, {
        channel: 'fax',
        sourceRef: 'archive-fax',
        sender: '+34915550142',
        receivedAt: new Date('2026-11-20T10:42:00Z'),
        filename: 'fax-0001.tif',
        contentType: 'image/tiff',
        bytes: tiff,
      })
    ).documentId;
    await bench.p.worker.runUntilIdle();
    const doc = await orderWithNewReference(71, '4711', 300);
    pdfPo = doc.g.expected.poNumber!;
    await arrive(bench, doc.pdf, 'archive-pdf');
  });
  afterAll(() => bench.close());

  it('finds a document by a word only its scanned page holds, accents and case ignored', async () => {
    for (const text of ['Valdebebas', 'VALDEBEBAS', 'almacen', 'polideportivo valdebebas']) {
      const hits = await searchArchive(bench.p.db, { text });
      expect(
        hits.map((h) => h.id),
        text,
      ).toEqual([faxDoc]);
    }
    const [hit] = await searchArchive(bench.p.db, { text: 'valdebebas' });
    expect(hit!.snippet).toContain('«Valdebebas»');
    expect(await searchArchive(bench.p.db, { text: 'inexistente' })).toEqual([]);
  });

  it('finds orders by customer, PO, article or description, status, channel and date', async () => {
    const ids = async (q: Parameters<typeof searchArchive>[1]) =>
      (await searchArchive(bench.p.db, q)).flatMap((h) => h.orders.map((o) => o.po_number));
    expect(await ids({ po: pdfPo.slice(0, 9) })).toEqual([pdfPo]);
    expect(await ids({ customer: 'lopez' })).toContain(pdfPo);
    expect(await ids({ customer: 'C042', article: 'TUE-M8' })).toContain(pdfPo);
    expect(await ids({ article: 'tuerca' })).toContain(pdfPo);
    expect(await ids({ channel: 'email', po: pdfPo })).toEqual([pdfPo]);
    expect(await ids({ channel: 'fax', po: pdfPo })).toEqual([]);
    expect(
      (await searchArchive(bench.p.db, { from: '2026-11-20', to: '2026-11-20' })).map((h) => h.id),
    ).toEqual([faxDoc]);
    // Wildcards typed by a person are characters, not patterns.
    expect(await ids({ po: '%' })).toEqual([]);
  });
});
