/**
 * Replies in the customer's own format (issue 14), beside the EDIFACT ORDRSP of render.ts: an
 * X12 855 purchase order acknowledgment for an X12 850, a UBL OrderResponse (PEPPOL BIS Ordering
 * 3) for a UBL Order, a cXML ConfirmationRequest for a cXML OrderRequest. Each accepts the order
 * as it stands, or, for a rejected order, refuses it with the operator's reason.
 */
import type { ConfirmationFacts } from './render.ts';
import { ourReference } from './render.ts';

export interface ReplyParties {
  /** Our interchange id (GLN, DUNS, network id). */
  sender: string;
  /** The customer's id in the reply's envelope. */
  recipient: string;
  now: Date;
  /** The customer's other ids (edi_ids): a GLN for UBL, a network id (AN...) for cXML. */
  customerIds: string[];
  /** The reference of the customer's message (cXML payloadID), when it was kept. */
  reference: string | null;
}

/** The reply formats and the outbox folder (beside the EDIFACT one) each is written to. */
export const REPLY_FORMATS = {
  x12: { folder: 'x12', extension: 'x12', name: 'X12 855' },
  ubl: { folder: 'ubl', extension: 'xml', name: 'UBL OrderResponse' },
  cxml: { folder: 'cxml', extension: 'xml', name: 'cXML ConfirmationRequest' },
} as const;
export type ReplyFormat = keyof typeof REPLY_FORMATS;

/** The reply format for an order read in `format` (documents.format); null: EDIFACT ORDRSP. */
export function replyFormatOf(format: string | null): ReplyFormat | null {
  return format === 'x12' || format === 'ubl' || format === 'cxml' ? format : null;
}

export function renderReply(kind: ReplyFormat, f: ConfirmationFacts, p: ReplyParties): string {
  if (kind === 'x12') return renderX12855(f, p);
  if (kind === 'ubl') return renderUblOrderResponse(f, p);
  return renderCxmlConfirmation(f, p);
}

/** X12 values may not hold the separators: they become blanks. */
const x12 = (v: string) => v.replace(/[*~>^\r\n]/g, ' ').trim();
const pad = (v: string, n: number) => x12(v).slice(0, n).padEnd(n);
const num = (n: number) => String(Number(n.toPrecision(12)));

/**
 * An X12 855 (004010): BAK 00 AD (acknowledge with detail, no change) with the PO number and
 * date, one PO1 + ACK IA (item accepted) per line; a rejected order is BAK 00 RJ with the reason
 * in an MSG segment and no lines.
 */
export function renderX12855(f: ConfirmationFacts, p: ReplyParties): string {
  const o = f.order;
  const iso = p.now.toISOString();
  const date = iso.slice(0, 10).replace(/-/g, '');
  const time = iso.slice(11, 16).replace(':', '');
  const control = String(f.orderId % 1_000_000_000).padStart(9, '0');
  const rejected = f.rejection != null;
  const body: string[][] = [
    ['ST', '855', '0001'],
    [
      'BAK',
      '00',
      rejected ? 'RJ' : 'AD',
      x12(o.poNumber ?? ''),
      (o.orderDate ?? iso.slice(0, 10)).replace(/-/g, ''),
      '',
      '',
      '',
      x12(ourReference(f.orderId)),
      date,
    ],
  ];
  if (f.rejection) body.push(['MSG', x12(f.rejection).slice(0, 264)]);
  if (!rejected && o.currency) body.splice(2, 0, ['CUR', 'SE', o.currency]);
  if (!rejected && o.deliveryDate) body.push(['DTM', '067', o.deliveryDate.replace(/-/g, '')]);
  const lines = rejected ? [] : o.lines;
  for (const l of lines) {
    const ids = [
      ...(l.sku ? ['VN', x12(l.sku)] : []),
      ...(l.customerRef ? ['BP', x12(l.customerRef)] : []),
      ...(l.gtin ? ['EN', l.gtin] : []),
    ];
    body.push([
      'PO1',
      String(l.lineNo),
      l.quantity === null ? '' : num(l.quantity),
      x12(l.unit ?? 'EA'),
      l.unitPrice === null ? '' : num(l.unitPrice),
      '',
      ...ids,
    ]);
    body.push([
      'ACK',
      'IA',
      l.quantity === null ? '' : num(l.quantity),
      x12(l.unit ?? 'EA'),
      ...(o.deliveryDate ? ['068', o.deliveryDate.replace(/-/g, '')] : []),
    ]);
  }
  if (!rejected) body.push(['CTT', String(lines.length)]);
  body.push(['SE', String(body.length + 1), '0001']);
  const seg = (fields: string[]) => `${fields.join('*').replace(/\*+$/, '')}~`;
  const isa = [
    'ISA',
    '00',
    ' '.repeat(10),
    '00',
    ' '.repeat(10),
    'ZZ',
    pad(p.sender, 15),
    'ZZ',
    pad(p.recipient, 15),
    date.slice(2),
    time,
    'U',
    '00401',
    control,
    '0',
    'P',
    '>',
  ];
  return [
    `${isa.join('*')}~`,
    seg(['GS', 'PR', x12(p.sender), x12(p.recipient), date, time, String(f.orderId), 'X', '004010']),
    ...body.map(seg),
    seg(['GE', '1', String(f.orderId)]),
    seg(['IEA', '1', control]),
    '',
  ].join('\n');
}

const xml = (v: string) =>
  v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * A UBL OrderResponse (PEPPOL BIS Ordering 3, order response transaction): response code AP
 * (accepted as it stands: no lines, as the specification asks) or RE (rejected, the reason in a
 * Note), referring to the customer's order number.
 */
export function renderUblOrderResponse(f: ConfirmationFacts, p: ReplyParties): string {
  const o = f.order;
  const iso = p.now.toISOString();
  const gln = p.customerIds.find((id) => /^\d{13}$/.test(id)) ?? null;
  // GLN (0088) or DUNS (0060) as PEPPOL names them; another id goes without a scheme.
  const scheme = (id: string) =>
    /^\d{13}$/.test(id) ? ' schemeID="0088"' : /^\d{9}$/.test(id) ? ' schemeID="0060"' : '';
  const endpoint = (id: string) => `<cbc:EndpointID${scheme(id)}>${xml(id)}</cbc:EndpointID>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<OrderResponse xmlns="urn:oasis:names:specification:ubl:schema:xsd:OrderResponse-2"
  xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
  xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>urn:fdc:peppol.eu:poacc:trns:order_response:3</cbc:CustomizationID>
  <cbc:ProfileID>urn:fdc:peppol.eu:poacc:bis:ordering:3</cbc:ProfileID>
  <cbc:ID>${xml(ourReference(f.orderId))}</cbc:ID>
  <cbc:IssueDate>${iso.slice(0, 10)}</cbc:IssueDate>
  <cbc:IssueTime>${iso.slice(11, 19)}</cbc:IssueTime>
  <cbc:OrderResponseCode>${f.rejection != null ? 'RE' : 'AP'}</cbc:OrderResponseCode>
${f.rejection ? `  <cbc:Note>${xml(f.rejection)}</cbc:Note>\n` : ''}${o.currency ? `  <cbc:DocumentCurrencyCode>${xml(o.currency)}</cbc:DocumentCurrencyCode>\n` : ''}  <cac:OrderReference><cbc:ID>${xml(o.poNumber ?? '')}</cbc:ID></cac:OrderReference>
  <cac:SellerSupplierParty><cac:Party>${endpoint(p.sender)}</cac:Party></cac:SellerSupplierParty>
  <cac:BuyerCustomerParty><cac:Party>${endpoint(gln ?? p.recipient)}${o.customer.name ? `<cac:PartyName><cbc:Name>${xml(o.customer.name)}</cbc:Name></cac:PartyName>` : ''}</cac:Party></cac:BuyerCustomerParty>
${!f.rejection && o.deliveryDate ? `  <cac:Delivery><cac:PromisedDeliveryPeriod><cbc:StartDate>${o.deliveryDate}</cbc:StartDate></cac:PromisedDeliveryPeriod></cac:Delivery>\n` : ''}</OrderResponse>
`;
}

/**
 * A cXML ConfirmationRequest: ConfirmationHeader type "accept" (with the total) or "reject"
 * (with the reason in Comments), and the OrderReference to the customer's order; From is us,
 * To the buyer's network id.
 */
export function renderCxmlConfirmation(f: ConfirmationFacts, p: ReplyParties): string {
  const o = f.order;
  const iso = p.now.toISOString().replace(/\.\d{3}Z$/, '+00:00');
  const buyer = p.customerIds.find((id) => /^AN\d+/i.test(id)) ?? p.recipient;
  const rejected = f.rejection != null;
  const total =
    !rejected && o.total !== null && o.currency
      ? `<Total><Money currency="${xml(o.currency)}">${num(o.total)}</Money></Total>`
      : '';
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.014/cXML.dtd">
<cXML payloadID="${xml(ourReference(f.orderId))}.${p.now.getTime()}@order-capture" timestamp="${iso}">
  <Header>
    <From><Credential domain="NetworkID"><Identity>${xml(p.sender)}</Identity></Credential></From>
    <To><Credential domain="NetworkID"><Identity>${xml(buyer)}</Identity></Credential></To>
    <Sender><Credential domain="NetworkID"><Identity>${xml(p.sender)}</Identity></Credential><UserAgent>order-capture</UserAgent></Sender>
  </Header>
  <Request>
    <ConfirmationRequest>
      <ConfirmationHeader type="${rejected ? 'reject' : 'accept'}" noticeDate="${iso}" operation="new" confirmID="${xml(ourReference(f.orderId))}">
        ${total}${f.rejection ? `<Comments>${xml(f.rejection)}</Comments>` : ''}
      </ConfirmationHeader>
      <OrderReference orderID="${xml(o.poNumber ?? '')}"${o.orderDate ? ` orderDate="${o.orderDate}"` : ''}>
        <DocumentReference payloadID="${xml(p.reference ?? '')}"/>
      </OrderReference>
    </ConfirmationRequest>
  </Request>
</cXML>
`;
}
