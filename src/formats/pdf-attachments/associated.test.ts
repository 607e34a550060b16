import { describe, expect, it } from 'vitest';
import { afOnlyPdf } from '../../testing/af-pdf.ts';
import { readStructured } from '../structured.ts';
import { cleanOrder, toOrderX } from '../testing.ts';
import { associatedFiles } from './associated.ts';
import { pdfAttachments } from './read.ts';

const xml = Buffer.from(toOrderX(cleanOrder('PO-AF-1')));

describe('PDF associated files listed only under /AF', () => {
  it.each([
    ['catalog /AF, object streams', {}],
    ['catalog /AF, classic cross-reference table', { objectStreams: false }],
    ['page /AF', { onPage: true }],
    ['an uncompressed embedded file', { compress: false, objectStreams: false }],
  ])('finds the Order-X file: %s', async (_, opt) => {
    const pdf = await afOnlyPdf(xml, 'order-x.xml', 'Pedido PO-AF-1', opt);
    // Nothing in the EmbeddedFiles name tree: pdfjs alone would find nothing.
    expect(pdf.toString('latin1')).not.toContain('/EmbeddedFiles');
    const files = await pdfAttachments(pdf);
    expect(files.map((f) => f.name)).toEqual(['order-x.xml']);
    expect(files[0]!.bytes.equals(xml)).toBe(true);
    const found = await readStructured({
      bytes: files[0]!.bytes,
      filename: files[0]!.name,
      contentType: null,
    });
    expect(found?.format).toBe('order-x');
    if (found?.outcome.kind !== 'orders') throw new Error('not read');
    expect(found.outcome.orders[0]!.order.poNumber).toBe('PO-AF-1');
  });

  it('takes only what /AF lists: an orphaned embedded file is left alone', async () => {
    const old = Buffer.from(toOrderX(cleanOrder('PO-OLD')));
    const pdf = await afOnlyPdf(xml, 'order-x.xml', 'Pedido', { orphan: old });
    expect(associatedFiles(pdf).map((f) => f.bytes.equals(xml))).toEqual([true]);
  });

  it('a PDF without /AF, or a broken one, gives nothing and does not throw', async () => {
    const pdf = await afOnlyPdf(xml, 'order-x.xml', 'Pedido', { objectStreams: false });
    const without = Buffer.from(pdf.toString('latin1').replace('/AF', '/XX'), 'latin1');
    expect(associatedFiles(without)).toEqual([]);
    for (const cut of [10, 200, pdf.length / 2, pdf.length - 40]) {
      expect(() => associatedFiles(pdf.subarray(0, cut))).not.toThrow();
    }
    expect(
      associatedFiles(Buffer.from('%PDF-1.7\n/Root 1 0 R /AF [2 0 R]\n1 0 obj << /AF [ 1 0 R ] >>')),
    ).toEqual([]);
  });

  it('a file name in UTF-16 with a byte missing does not throw (found by the fuzzer)', async () => {
    const pdf = (await afOnlyPdf(xml, 'order-x.xml', 'Pedido', { objectStreams: false })).toString('latin1');
    // Every string of the file specification written as UTF-16 with an odd byte count.
    const odd = pdf.replace(/\/UF <FEFF[0-9A-F]*>/g, '/UF <FEFF0041004200>');
    expect(odd).not.toBe(pdf);
    expect(() => associatedFiles(Buffer.from(odd, 'latin1'))).not.toThrow();
  });
});
