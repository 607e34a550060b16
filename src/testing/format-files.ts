/**
 * One clean order written in every structured format the program reads, with the file name each
 * travels under: shared by the in-process tests on the engine under test (src/formats/extract.db.test.ts)
 * and the program's own test (src/formats/extract-program.test.ts).
 */
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afOnlyPdf } from './af-pdf.ts';
import {
  type SampleOrder,
  sheetRows,
  toCsv,
  toCxml,
  toOrderX,
  toUbl,
  toX12,
  toXlsx,
} from '../formats/testing.ts';

async function orderXPdf(o: SampleOrder): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const page = pdf.addPage([595, 842]);
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  page.drawText(`Pedido ${o.po}`, { x: 50, y: 780, size: 14, font });
  await pdf.attach(Buffer.from(toOrderX(o)), 'order-x.xml', { mimeType: 'text/xml' });
  return Buffer.from(await pdf.save());
}

let mails = 0;

function eml(name: string, type: string, body: Buffer, from: string): Buffer {
  const b64 = body.toString('base64').replace(/.{76}/g, '$&\r\n');
  return Buffer.from(
    [
      // The buyer's own address sends it (docs/threat-model.md: an e-mail is judged by its sender).
      `From: ${from}`,
      'To: pedidos@proveedor.es',
      'Subject: EDI delivery',
      `Message-ID: <edi-${++mails}-${Date.now()}@ferreterialopez.es>`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Interchange attached.',
      '--b1',
      `Content-Type: ${type}; name="${name}"`,
      'Content-Transfer-Encoding: base64',
      `Content-Disposition: attachment; filename="${name}"`,
      '',
      b64,
      '--b1--',
      '',
    ].join('\r\n'),
  );
}

export type Writer = (o: SampleOrder) => Buffer | Promise<Buffer>;

/** Each format: how the order is written, and the file name it travels under. */
export const FORMATS: Record<string, { file: string; write: Writer }> = {
  x12: { file: 'order.x12', write: (o) => Buffer.from(toX12(o)) },
  ubl: { file: 'order.xml', write: (o) => Buffer.from(toUbl(o)) },
  // C042's Ariba network id is in its edi_ids; another buyer's is unknown, its contact e-mail names it.
  cxml: {
    file: 'order.cxml',
    write: (o) => Buffer.from(toCxml(o, o.email ? 'AN09999999999' : 'AN01000012345')),
  },
  'order-x': { file: 'order-x.xml', write: (o) => Buffer.from(toOrderX(o)) },
  'order-x-pdf': { file: 'order.pdf', write: orderXPdf },
  // Listed only in the catalog's /AF array (PDF 2.0 / PDF/A-3), not in the EmbeddedFiles tree.
  'order-x-af-pdf': {
    file: 'factur.pdf',
    write: (o) => afOnlyPdf(Buffer.from(toOrderX(o)), 'order-x.xml', `Pedido ${o.po}`),
  },
  csv: {
    file: 'pedido.csv',
    write: (o) => Buffer.from(toCsv(o, { decimalComma: true, shuffle: true }), 'latin1'),
  },
  xlsx: { file: 'pedido.xlsx', write: (o) => toXlsx(sheetRows(o, { shuffle: true })) },
  'x12-junk': { file: 'van.edi', write: (o) => Buffer.from(`VAN BATCH 17\r\n${toX12(o)}`) },
  'x12-email': {
    file: 'mail.eml',
    write: (o) =>
      eml('po.edi', 'application/edi-x12', Buffer.from(toX12(o)), o.email ?? 'compras@ferreterialopez.es'),
  },
  'ubl-email': {
    file: 'mail2.eml',
    write: (o) =>
      eml('order.xml', 'application/xml', Buffer.from(toUbl(o)), o.email ?? 'compras@ferreterialopez.es'),
  },
  as2: {
    file: 'message.as2',
    write: (o) =>
      Buffer.from(
        `AS2-Version: 1.2\r\nAS2-From: BUYER\r\nAS2-To: SUPPLIER\r\nMessage-ID: <${o.po}@as2>\r\nContent-Type: application/edi-x12\r\n\r\n${toX12(o)}`,
      ),
  },
};
