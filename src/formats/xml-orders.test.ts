import { PDFDocument, StandardFonts } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import type { ExtractedOrder, ExtractOutcome } from '../domain/extraction.ts';
import { ciiScore, readCii } from './cii/read.ts';
import { cxmlScore, readCxml } from './cxml/read.ts';
import { structuredFormatOf } from './structured.ts';
import { pdfAttachments } from './pdf-attachments/read.ts';
import { cleanOrder, toCxml, toOrderX, toUbl } from './testing.ts';
import { readUbl, ublScore } from './ubl/read.ts';

function only(o: ExtractOutcome): ExtractedOrder {
  if (o.kind !== 'orders') throw new Error(`rejected: ${o.findings.map((f) => f.message).join('; ')}`);
  expect(o.orders).toHaveLength(1);
  return o.orders[0]!;
}

const order = cleanOrder('PO-XML-1');
const expectedLines = [
  {
    lineNo: 1,
    sku: 'TOR-M8-40',
    customerRef: '4711',
    description: 'Tornillo M8x40 zincado',
    quantity: 200,
    unit: 'EA',
    unitPrice: 0.12,
  },
  {
    lineNo: 2,
    sku: 'ARA-M8',
    customerRef: '4713',
    description: 'Arandela M8',
    quantity: 400,
    unit: 'EA',
    unitPrice: 0.018,
  },
];
const header = {
  poNumber: 'PO-XML-1',
  orderDate: '2026-11-20',
  deliveryDate: '2026-11-27',
  currency: 'EUR',
  total: 31.2,
  shipTo: { name: 'Almacen Norte', street: 'C/ Mayor 1', postalCode: '28001', city: 'Madrid', country: 'ES' },
};

describe('UBL 2.1 Order (PEPPOL BIS Ordering 3)', () => {
  it('reads header, buyer (endpoint GLN, tax scheme, name) and lines, each with its element path', () => {
    const part = only(readUbl(Buffer.from(toUbl(order))));
    expect(part.order).toMatchObject({
      ...header,
      customer: { name: 'Ferreteria Lopez SL', taxId: 'ESB12345678' },
    });
    expect(part.order.lines).toEqual(
      expectedLines.map((l, i) => expect.objectContaining({ ...l, amount: [24, 7.2][i] })),
    );
    expect(part.order.lines[0]!.gtin).toBe('8412345678905');
    expect(part.evidence).toMatchObject({ partyIds: ['8412345000003'], taxId: 'ESB12345678' });
    expect(part.findings).toEqual([]);
    expect(part.fieldMeta['lines[1].unitPrice']?.source).toEqual({
      kind: 'xml',
      path: '/Order/cac:OrderLine[2]/cac:LineItem/cac:Price/cbc:PriceAmount',
      text: '0.018',
    });
  });

  it('divides the price by its base quantity', () => {
    const xml = toUbl(order).replace(
      '<cbc:PriceAmount currencyID="EUR">0.12</cbc:PriceAmount>',
      '<cbc:PriceAmount currencyID="EUR">12</cbc:PriceAmount><cbc:BaseQuantity unitCode="C62">100</cbc:BaseQuantity>',
    );
    expect(only(readUbl(Buffer.from(xml))).order.lines[0]!.unitPrice).toBe(0.12);
  });

  it.each(['OrderCancellation', 'OrderChange', 'OrderResponse', 'Invoice'])(
    'recognises a UBL %s as not a new order',
    (root) => {
      const bytes = Buffer.from(toUbl(order, root));
      expect(ublScore(bytes)).toBe(1);
      const part = only(readUbl(bytes));
      expect(part.rejected).toBe(true);
      expect(part.findings[0]).toMatchObject({
        code: 'not_an_order',
        message: expect.stringMatching(/not a new purchase order/),
      });
      expect(part.evidence.partyIds).toEqual(['8412345000003']);
    },
  );

  it('an Order without lines or broken XML is invalid_message', () => {
    const empty = only(readUbl(Buffer.from(toUbl({ ...order, lines: [] }))));
    expect(empty.findings).toContainEqual(
      expect.objectContaining({ code: 'invalid_message', severity: 'error' }),
    );
    const cut = readUbl(Buffer.from(toUbl(order).slice(0, 900)));
    expect(cut).toMatchObject({ kind: 'rejected', findings: [{ code: 'invalid_message' }] });
  });
});

describe('cXML OrderRequest', () => {
  it('names the buyer by its From and Sender credentials and reads the order', () => {
    const bytes = Buffer.from(toCxml(order, 'AN01000012345'));
    expect(cxmlScore(bytes)).toBe(1);
    const part = only(readCxml(bytes));
    expect(part.evidence.partyIds).toEqual(['AN01000012345', 'AN01000000001']);
    expect(part.order).toMatchObject({ ...header, customer: { name: 'Ferreteria Lopez SL' } });
    expect(part.order.lines).toEqual(expectedLines.map((l) => expect.objectContaining(l)));
    expect(part.fieldMeta['lines[0].quantity']?.source).toMatchObject({
      path: '/cXML/Request/OrderRequest/ItemOut[1]/@quantity',
    });
  });

  it('an update or delete request is said not to be a new order; a ConfirmationRequest is no order', () => {
    const update = only(readCxml(Buffer.from(toCxml(order, 'AN01000012345', 'update'))));
    expect(update.findings).toContainEqual(
      expect.objectContaining({ code: 'not_an_order', severity: 'warning' }),
    );
    const confirmation = toCxml(order, 'AN1').replace(
      /<Request[\s\S]*<\/Request>/,
      '<Request><ConfirmationRequest/></Request>',
    );
    expect(only(readCxml(Buffer.from(confirmation)))).toMatchObject({
      rejected: true,
      findings: [{ code: 'not_an_order' }],
    });
  });
});

describe('Order-X (Cross Industry Order)', () => {
  it('reads the CIO XML', () => {
    const bytes = Buffer.from(toOrderX(order));
    expect(ciiScore(bytes)).toBe(1);
    const part = only(readCii(bytes));
    expect(part.order).toMatchObject({
      ...header,
      customer: { name: 'Ferreteria Lopez SL', taxId: 'ESB12345678' },
    });
    expect(part.order.lines).toEqual(expectedLines.map((l) => expect.objectContaining(l)));
    expect(part.evidence.partyIds).toEqual(['8412345000003']);
    expect(part.fieldMeta.poNumber?.source).toMatchObject({
      kind: 'xml',
      path: '/rsm:SCRDMCCBDACIOMessageStructure/rsm:ExchangedDocument/ram:ID',
    });
  });

  it('an order change (230) or a Factur-X invoice is not a new order', () => {
    expect(only(readCii(Buffer.from(toOrderX(order, '230'))))).toMatchObject({ rejected: true });
    const invoice =
      '<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"/>';
    expect(ciiScore(Buffer.from(invoice))).toBeGreaterThan(0.5);
    expect(only(readCii(Buffer.from(invoice)))).toMatchObject({
      rejected: true,
      findings: [{ code: 'not_an_order' }],
    });
  });

  it('finds the Order-X file embedded in a PDF (an AF attachment)', async () => {
    const pdf = await PDFDocument.create();
    const page = pdf.addPage([595, 842]);
    page.drawText('Purchase order PO-XML-1', {
      x: 50,
      y: 780,
      size: 14,
      font: await pdf.embedFont(StandardFonts.Helvetica),
    });
    await pdf.attach(Buffer.from(toOrderX(order)), 'order-x.xml', {
      mimeType: 'text/xml',
      description: 'Order-X',
    });
    const files = await pdfAttachments(Buffer.from(await pdf.save()));
    expect(files.map((f) => f.name)).toEqual(['order-x.xml']);
    expect(
      structuredFormatOf({ bytes: files[0]!.bytes, filename: 'order-x.xml', contentType: null })?.id,
    ).toBe('order-x');
  });
});
