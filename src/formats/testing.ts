/**
 * Test helpers: one order written in every structured format, the way the customers' systems
 * write them (X12 850, UBL 2.1 Order, cXML OrderRequest, Order-X, CSV, XLSX), so each reader
 * is tested on files it has not seen and against the order they were written from.
 */
import { crc32 } from 'node:zlib';

export interface SampleLine {
  gtin?: string;
  sku?: string;
  ref?: string;
  description: string;
  quantity: number;
  unit: string;
  price: number;
}

export interface SampleOrder {
  po: string;
  date: string;
  delivery: string | null;
  buyerId: string;
  buyerName: string;
  taxId: string | null;
  /** The buyer's purchasing contact (cXML Contact). */
  email?: string;
  currency: string;
  shipTo: { name: string; street: string; postalCode: string; city: string; country: string };
  lines: SampleLine[];
}

export const amountOf = (l: SampleLine) => Number((l.quantity * l.price).toPrecision(12));
export const totalOf = (o: SampleOrder) =>
  Number(o.lines.reduce((a, l) => a + amountOf(l), 0).toPrecision(12));
const compact = (iso: string) => iso.replace(/-/g, '');
const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export interface X12Options {
  element?: string;
  component?: string;
  segment?: string;
  /** Added after each terminator (a line break, as many systems do). */
  newline?: string;
  /** Added to SE01: a broken envelope count. */
  seCountOffset?: number;
  /** Text before ISA. */
  junk?: string;
  /** Transaction set id (850 unless another is wanted). */
  type?: string;
  /** BEG01 purpose. */
  purpose?: string;
}

/** An X12 850 (004010) interchange with one transaction set. */
export function toX12(o: SampleOrder, opt: X12Options = {}): string {
  const e = opt.element ?? '*';
  const c = opt.component ?? '>';
  const t = opt.segment ?? '~';
  const sender = o.buyerId.padEnd(15);
  const isa = [
    'ISA',
    '00',
    ' '.repeat(10),
    '00',
    ' '.repeat(10),
    '14',
    sender,
    'ZZ',
    'SUPPLIER'.padEnd(15),
    compact(o.date).slice(2),
    '1200',
    'U',
    '00401',
    '000000905',
    '0',
    'P',
    c,
  ].join(e);
  const body: string[][] = [
    ['ST', opt.type ?? '850', '0001'],
    ['BEG', opt.purpose ?? '00', 'SA', o.po, '', compact(o.date)],
    ['CUR', 'BY', o.currency],
    ...(o.delivery ? [['DTM', '002', compact(o.delivery)]] : []),
    ['N1', 'BY', o.buyerName, '92', o.buyerId],
    ...(o.taxId ? [['REF', 'VA', o.taxId]] : []),
    ['N1', 'ST', o.shipTo.name],
    ['N3', o.shipTo.street],
    ['N4', o.shipTo.city, '', o.shipTo.postalCode, o.shipTo.country],
  ];
  o.lines.forEach((l, i) => {
    const ids = [
      ...(l.sku ? ['VN', l.sku] : []),
      ...(l.ref ? ['BP', l.ref] : []),
      ...(l.gtin ? ['EN', l.gtin] : []),
    ];
    body.push(['PO1', String(i + 1), String(l.quantity), l.unit, String(l.price), 'PE', ...ids]);
    body.push(['PID', 'F', '', '', '', l.description]);
  });
  body.push(['CTT', String(o.lines.length)]);
  body.push(['AMT', 'TT', String(totalOf(o))]);
  body.push(['SE', String(body.length + 1 + (opt.seCountOffset ?? 0)), '0001']);
  const nl = opt.newline ?? '\n';
  const seg = (fields: string[]) => fields.join(e) + t + nl;
  return (
    (opt.junk ?? '') +
    isa +
    t +
    nl +
    seg(['GS', 'PO', o.buyerId, 'SUPPLIER', compact(o.date), '1200', '905', 'X', '004010']) +
    body.map(seg).join('') +
    seg(['GE', '1', '905']) +
    seg(['IEA', '1', '000000905'])
  );
}

/** A UBL 2.1 Order (PEPPOL BIS Ordering 3); `root` another UBL document name for negative tests. */
export function toUbl(o: SampleOrder, root = 'Order'): string {
  const lines = o.lines
    .map(
      (l, i) => `  <cac:OrderLine>
    <cac:LineItem>
      <cbc:ID>${i + 1}</cbc:ID>
      <cbc:Quantity unitCode="${l.unit === 'EA' ? 'C62' : l.unit}">${l.quantity}</cbc:Quantity>
      <cbc:LineExtensionAmount currencyID="${o.currency}">${amountOf(l)}</cbc:LineExtensionAmount>
      <cac:Price><cbc:PriceAmount currencyID="${o.currency}">${l.price}</cbc:PriceAmount></cac:Price>
      <cac:Item>
        <cbc:Name>${esc(l.description)}</cbc:Name>
        ${l.ref ? `<cac:BuyersItemIdentification><cbc:ID>${esc(l.ref)}</cbc:ID></cac:BuyersItemIdentification>` : ''}
        ${l.sku ? `<cac:SellersItemIdentification><cbc:ID>${esc(l.sku)}</cbc:ID></cac:SellersItemIdentification>` : ''}
        ${l.gtin ? `<cac:StandardItemIdentification><cbc:ID schemeID="0160">${l.gtin}</cbc:ID></cac:StandardItemIdentification>` : ''}
      </cac:Item>
    </cac:LineItem>
  </cac:OrderLine>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<${root} xmlns="urn:oasis:names:specification:ubl:schema:xsd:${root}-2"
  xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
  xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>urn:fdc:peppol.eu:poacc:trns:order:3</cbc:CustomizationID>
  <cbc:ProfileID>urn:fdc:peppol.eu:poacc:bis:ordering:3</cbc:ProfileID>
  <cbc:ID>${esc(o.po)}</cbc:ID>
  <cbc:IssueDate>${o.date}</cbc:IssueDate>
  <cbc:OrderTypeCode>220</cbc:OrderTypeCode>
  <cbc:DocumentCurrencyCode>${o.currency}</cbc:DocumentCurrencyCode>
  <cac:BuyerCustomerParty>
    <cac:Party>
      <cbc:EndpointID schemeID="0088">${o.buyerId}</cbc:EndpointID>
      <cac:PartyName><cbc:Name>${esc(o.buyerName)}</cbc:Name></cac:PartyName>
      ${o.taxId ? `<cac:PartyTaxScheme><cbc:CompanyID>${o.taxId}</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>` : ''}
    </cac:Party>
  </cac:BuyerCustomerParty>
  <cac:SellerSupplierParty><cac:Party><cbc:EndpointID schemeID="0088">8437000000006</cbc:EndpointID></cac:Party></cac:SellerSupplierParty>
  <cac:Delivery>
    <cac:DeliveryLocation>
      <cac:Address>
        <cbc:StreetName>${esc(o.shipTo.street)}</cbc:StreetName>
        <cbc:CityName>${esc(o.shipTo.city)}</cbc:CityName>
        <cbc:PostalZone>${o.shipTo.postalCode}</cbc:PostalZone>
        <cac:Country><cbc:IdentificationCode>${o.shipTo.country}</cbc:IdentificationCode></cac:Country>
      </cac:Address>
    </cac:DeliveryLocation>
    ${o.delivery ? `<cac:RequestedDeliveryPeriod><cbc:StartDate>${o.delivery}</cbc:StartDate></cac:RequestedDeliveryPeriod>` : ''}
    <cac:DeliveryParty><cac:PartyName><cbc:Name>${esc(o.shipTo.name)}</cbc:Name></cac:PartyName></cac:DeliveryParty>
  </cac:Delivery>
  <cac:AnticipatedMonetaryTotal>
    <cbc:LineExtensionAmount currencyID="${o.currency}">${totalOf(o)}</cbc:LineExtensionAmount>
    <cbc:PayableAmount currencyID="${o.currency}">${totalOf(o)}</cbc:PayableAmount>
  </cac:AnticipatedMonetaryTotal>
${lines}
</${root}>
`;
}

/** A cXML OrderRequest from the buyer's network id. */
export function toCxml(o: SampleOrder, networkId: string, type = 'new'): string {
  const items = o.lines
    .map(
      (
        l,
        i,
      ) => `      <ItemOut quantity="${l.quantity}" lineNumber="${i + 1}"${o.delivery ? ` requestedDeliveryDate="${o.delivery}"` : ''}>
        <ItemID>
          <SupplierPartID>${esc(l.sku ?? '')}</SupplierPartID>
          ${l.ref ? `<BuyerPartID>${esc(l.ref)}</BuyerPartID>` : ''}
        </ItemID>
        <ItemDetail>
          <UnitPrice><Money currency="${o.currency}">${l.price}</Money></UnitPrice>
          <Description xml:lang="en">${esc(l.description)}</Description>
          <UnitOfMeasure>${l.unit}</UnitOfMeasure>
        </ItemDetail>
      </ItemOut>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.014/cXML.dtd">
<cXML payloadID="${o.po}@buyer.example" timestamp="${o.date}T10:00:00+01:00" xml:lang="en">
  <Header>
    <From><Credential domain="NetworkID"><Identity>${networkId}</Identity></Credential></From>
    <To><Credential domain="DUNS"><Identity>123456789</Identity></Credential></To>
    <Sender><Credential domain="NetworkID"><Identity>AN01000000001</Identity><SharedSecret>s3cret</SharedSecret></Credential><UserAgent>Buyer 14s</UserAgent></Sender>
  </Header>
  <Request deploymentMode="production">
    <OrderRequest>
      <OrderRequestHeader orderID="${esc(o.po)}" orderDate="${o.date}T10:00:00+01:00" type="${type}">
        <Total><Money currency="${o.currency}">${totalOf(o)}</Money></Total>
        <ShipTo><Address addressID="ST1"><Name xml:lang="en">${esc(o.shipTo.name)}</Name>
          <PostalAddress><Street>${esc(o.shipTo.street)}</Street><City>${esc(o.shipTo.city)}</City><PostalCode>${o.shipTo.postalCode}</PostalCode><Country isoCountryCode="${o.shipTo.country}">${o.shipTo.country}</Country></PostalAddress>
        </Address></ShipTo>
        <BillTo><Address addressID="BT1"><Name xml:lang="en">${esc(o.buyerName)}</Name></Address></BillTo>
        ${o.email ? `<Contact role="purchasingAgent"><Name xml:lang="en">Buyer</Name><Email>${esc(o.email)}</Email></Contact>` : ''}
      </OrderRequestHeader>
${items}
    </OrderRequest>
  </Request>
</cXML>
`;
}

/** An Order-X (UN/CEFACT Cross Industry Order) document. */
export function toOrderX(o: SampleOrder, typeCode = '220'): string {
  const date = (iso: string) => `<udt:DateTimeString format="102">${compact(iso)}</udt:DateTimeString>`;
  const items = o.lines
    .map(
      (l, i) => `    <ram:IncludedSupplyChainTradeLineItem>
      <ram:AssociatedDocumentLineDocument><ram:LineID>${i + 1}</ram:LineID></ram:AssociatedDocumentLineDocument>
      <ram:SpecifiedTradeProduct>
        ${l.gtin ? `<ram:GlobalID schemeID="0160">${l.gtin}</ram:GlobalID>` : ''}
        ${l.sku ? `<ram:SellerAssignedID>${esc(l.sku)}</ram:SellerAssignedID>` : ''}
        ${l.ref ? `<ram:BuyerAssignedID>${esc(l.ref)}</ram:BuyerAssignedID>` : ''}
        <ram:Name>${esc(l.description)}</ram:Name>
      </ram:SpecifiedTradeProduct>
      <ram:SpecifiedLineTradeAgreement><ram:NetPriceProductTradePrice><ram:ChargeAmount>${l.price}</ram:ChargeAmount></ram:NetPriceProductTradePrice></ram:SpecifiedLineTradeAgreement>
      <ram:SpecifiedLineTradeDelivery><ram:RequestedQuantity unitCode="${l.unit === 'EA' ? 'C62' : l.unit}">${l.quantity}</ram:RequestedQuantity></ram:SpecifiedLineTradeDelivery>
      <ram:SpecifiedLineTradeSettlement><ram:SpecifiedTradeSettlementLineMonetarySummation><ram:LineTotalAmount>${amountOf(l)}</ram:LineTotalAmount></ram:SpecifiedTradeSettlementLineMonetarySummation></ram:SpecifiedLineTradeSettlement>
    </ram:IncludedSupplyChainTradeLineItem>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<rsm:SCRDMCCBDACIOMessageStructure xmlns:rsm="urn:un:unece:uncefact:data:SCRDMCCBDACIOMessageStructure:100"
  xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:128"
  xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:128">
  <rsm:ExchangedDocumentContext><ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>urn:order-x.eu:1p0:extended</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter></rsm:ExchangedDocumentContext>
  <rsm:ExchangedDocument>
    <ram:ID>${esc(o.po)}</ram:ID>
    <ram:TypeCode>${typeCode}</ram:TypeCode>
    <ram:IssueDateTime>${date(o.date)}</ram:IssueDateTime>
    <ram:PurposeCode>9</ram:PurposeCode>
  </rsm:ExchangedDocument>
  <rsm:SupplyChainTradeTransaction>
${items}
    <ram:ApplicableHeaderTradeAgreement>
      <ram:SellerTradeParty><ram:Name>Supplier</ram:Name></ram:SellerTradeParty>
      <ram:BuyerTradeParty>
        <ram:GlobalID schemeID="0088">${o.buyerId}</ram:GlobalID>
        <ram:Name>${esc(o.buyerName)}</ram:Name>
        ${o.taxId ? `<ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">${o.taxId}</ram:ID></ram:SpecifiedTaxRegistration>` : ''}
      </ram:BuyerTradeParty>
    </ram:ApplicableHeaderTradeAgreement>
    <ram:ApplicableHeaderTradeDelivery>
      <ram:ShipToTradeParty><ram:Name>${esc(o.shipTo.name)}</ram:Name>
        <ram:PostalTradeAddress><ram:PostcodeCode>${o.shipTo.postalCode}</ram:PostcodeCode><ram:LineOne>${esc(o.shipTo.street)}</ram:LineOne><ram:CityName>${esc(o.shipTo.city)}</ram:CityName><ram:CountryID>${o.shipTo.country}</ram:CountryID></ram:PostalTradeAddress>
      </ram:ShipToTradeParty>
      ${o.delivery ? `<ram:RequestedDeliverySupplyChainEvent><ram:OccurrenceDateTime>${date(o.delivery)}</ram:OccurrenceDateTime></ram:RequestedDeliverySupplyChainEvent>` : ''}
    </ram:ApplicableHeaderTradeDelivery>
    <ram:ApplicableHeaderTradeSettlement>
      <ram:OrderCurrencyCode>${o.currency}</ram:OrderCurrencyCode>
      <ram:SpecifiedTradeSettlementHeaderMonetarySummation><ram:LineTotalAmount>${totalOf(o)}</ram:LineTotalAmount><ram:TaxBasisTotalAmount>${totalOf(o)}</ram:TaxBasisTotalAmount></ram:SpecifiedTradeSettlementHeaderMonetarySummation>
    </ram:ApplicableHeaderTradeSettlement>
  </rsm:SupplyChainTradeTransaction>
</rsm:SCRDMCCBDACIOMessageStructure>
`;
}

/** An order sheet as rows: header fields above, a blank row, the table, a total row. */
export function sheetRows(
  o: SampleOrder,
  opt: { decimalComma?: boolean; shuffle?: boolean } = {},
): string[][] {
  const num = (n: number) => (opt.decimalComma ? String(n).replace('.', ',') : String(n));
  const dmy = (iso: string) => iso.split('-').reverse().join('/');
  const columns = [
    ['Línea', (_: SampleLine, i: number) => String(i + 1)],
    ['EAN', (l: SampleLine) => l.gtin ?? ''],
    ['Artículo', (l: SampleLine) => l.sku ?? ''],
    ['Su ref.', (l: SampleLine) => l.ref ?? ''],
    ['Descripción', (l: SampleLine) => l.description],
    ['Cantidad', (l: SampleLine) => num(l.quantity)],
    ['Unidad', (l: SampleLine) => l.unit],
    ['Precio', (l: SampleLine) => num(l.price)],
    ['Importe', (l: SampleLine) => num(amountOf(l))],
  ] as const;
  const order = opt.shuffle ? [4, 5, 0, 8, 2, 7, 1, 6, 3] : [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const cols = order.map((i) => columns[i]!);
  return [
    ['PEDIDO DE COMPRA'],
    ['Cliente', o.buyerName],
    ['CIF', o.taxId ?? ''],
    ['Nº pedido', o.po],
    ['Fecha', dmy(o.date)],
    ['Fecha de entrega', o.delivery ? dmy(o.delivery) : ''],
    [],
    cols.map(([h]) => h),
    ...o.lines.map((l, i) => cols.map(([, f]) => f(l, i))),
    [],
    ['Total', ...cols.slice(2).map(() => ''), num(totalOf(o))],
  ];
}

export function toCsv(
  o: SampleOrder,
  opt: { sep?: string; decimalComma?: boolean; shuffle?: boolean } = {},
): string {
  const sep = opt.sep ?? ';';
  const q = (v: string) =>
    v.includes(sep) || v.includes('"') || v.includes('\n') ? `"${v.replace(/"/g, '""')}"` : v;
  return `${sheetRows(o, opt)
    .map((r) => r.map(q).join(sep))
    .join('\r\n')}\r\n`;
}

/** A minimal XLSX workbook (stored ZIP, inline strings, numbers as numbers) holding the rows; `merges` as `A1:C1`. */
export function toXlsx(rows: string[][], sheetName = 'Pedido', merges: string[] = []): Buffer {
  const colName = (i: number) => String.fromCharCode(65 + i);
  const cell = (v: string, r: number, c: number) => {
    const ref = `${colName(c)}${r + 1}`;
    if (v === '') return '';
    if (/^-?\d+(\.\d+)?$/.test(v) && !/^0\d/.test(v) && v.length < 12) return `<c r="${ref}"><v>${v}</v></c>`;
    return `<c r="${ref}" t="inlineStr"><is><t>${esc(v)}</t></is></c>`;
  };
  const sheet = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rows
    .map((r, i) => `<row r="${i + 1}">${r.map((v, c) => cell(v, i, c)).join('')}</row>`)
    .join('')}</sheetData>${
    merges.length > 0
      ? `<mergeCells count="${merges.length}">${merges.map((m) => `<mergeCell ref="${m}"/>`).join('')}</mergeCells>`
      : ''
  }</worksheet>`;
  const files: Record<string, string> = {
    '[Content_Types].xml': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
    '_rels/.rels': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    'xl/workbook.xml': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="${esc(sheetName)}" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    'xl/_rels/workbook.xml.rels': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
    'xl/worksheets/sheet1.xml': sheet,
  };
  return storedZip(Object.entries(files).map(([name, text]) => ({ name, data: Buffer.from(text, 'utf8') })));
}

/** A ZIP archive with the entries stored (not compressed). */
export function storedZip(entries: Array<{ name: string; data: Buffer }>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const n = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(n.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(n.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, n, data);
    centrals.push(central, n);
    offset += 30 + n.length + data.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

/** The clean order of the demo customer C042 (Ferreteria Lopez SL), as master data expects it. */
export function cleanOrder(po: string): SampleOrder {
  return {
    po,
    date: '2026-11-20',
    delivery: '2026-11-27',
    buyerId: '8412345000003',
    buyerName: 'Ferreteria Lopez SL',
    taxId: 'ESB12345678',
    currency: 'EUR',
    shipTo: {
      name: 'Almacen Norte',
      street: 'C/ Mayor 1',
      postalCode: '28001',
      city: 'Madrid',
      country: 'ES',
    },
    lines: [
      {
        gtin: '8412345678905',
        sku: 'TOR-M8-40',
        ref: '4711',
        description: 'Tornillo M8x40 zincado',
        quantity: 200,
        unit: 'EA',
        price: 0.12,
      },
      { sku: 'ARA-M8', ref: '4713', description: 'Arandela M8', quantity: 400, unit: 'EA', price: 0.018 },
    ],
  };
}
