/**
 * UBL 2.1 Order (PEPPOL BIS Ordering 3): header, buyer (endpoint id, party ids, tax scheme,
 * name), delivery, monetary total and order lines onto the canonical order, each value with its
 * element path. Other UBL documents (OrderCancellation, OrderChange, OrderResponse, Invoice) are
 * recognised and said not to be new orders.
 */
import type { ExtractOutcome } from '../../domain/extraction.ts';
import { finding } from '../../domain/findings.ts';
import type { Address } from '../../domain/order.ts';
import { Draft, notAnOrderOutcome } from '../common/draft.ts';
import { addressFrom, gtinOf, isoDate } from '../common/values.ts';
import {
  numberOf,
  readXmlOrder,
  setBuyer,
  setDate,
  setLineAmounts,
  setLineText,
  setText,
  sniffRoot,
  sourced,
  xmlSource,
} from '../xml/document.ts';
import { at, childrenOf, textAt, type XmlElement } from '../xml/parse.ts';

export const UBL_NS = 'urn:oasis:names:specification:ubl:schema:xsd:';

const DOCUMENT_NAMES: Record<string, string> = {
  OrderCancellation: 'an order cancellation',
  OrderChange: 'an order change',
  OrderResponse: 'an order response',
  OrderResponseSimple: 'an order response',
  Invoice: 'an invoice',
  CreditNote: 'a credit note',
  DespatchAdvice: 'a despatch advice',
  Catalogue: 'a catalogue',
  Quotation: 'a quotation',
};

/** 0: not UBL; 1: a UBL document (an Order or another one this reader can name). */
export function ublScore(bytes: Buffer): number {
  const root = sniffRoot(bytes);
  return root?.ns?.startsWith(UBL_NS) ? 1 : 0;
}

export function readUbl(bytes: Buffer): ExtractOutcome {
  return readXmlOrder(bytes, 'UBL document', 'UBL', read);
}

function read(root: XmlElement): ExtractOutcome {
  const reference = textAt(root, 'ID');
  const sourceText = null;
  if (root.local !== 'Order') {
    const what = DOCUMENT_NAMES[root.local] ?? `a UBL ${root.local}`;
    const ids = buyerIds(at(root, 'BuyerCustomerParty/Party'));
    const message = `The document is ${what}${reference ? ` (${reference})` : ''}, not a new purchase order.`;
    return notAnOrderOutcome(message, { reference, sourceText, partyIds: ids });
  }
  const d = new Draft();
  const id = at(root, 'ID');
  setText(d, 'poNumber', id);
  if (!id || !textAt(id))
    d.findings.push(
      finding('invalid_message', 'warning', 'poNumber', 'The UBL Order has no cbc:ID (order number).'),
    );
  setDate(d, 'orderDate', at(root, 'IssueDate'));
  setText(d, 'currency', at(root, 'DocumentCurrencyCode'));
  for (const note of childrenOf(root, 'Note')) if (textAt(note)) d.notes.push(textAt(note)!);
  const type = textAt(root, 'OrderTypeCode');
  if (type && type !== '220' && type !== '105') d.notes.push(`Order type code ${type}`);
  buyer(d, at(root, 'BuyerCustomerParty/Party'));
  delivery(d, childrenOf(root, 'Delivery')[0] ?? null);
  const totals = at(root, 'AnticipatedMonetaryTotal');
  const total = at(totals, 'TaxExclusiveAmount') ?? at(totals, 'LineExtensionAmount');
  d.order.total = numberOf(d, total, 'total');
  for (const ol of childrenOf(root, 'OrderLine')) line(d, at(ol, 'LineItem'), ol);
  if (d.order.deliveryDate === null) lineDelivery(d, childrenOf(root, 'OrderLine'));
  if (d.order.lines.length === 0) {
    d.findings.push(
      finding('invalid_message', 'error', 'lines', 'The UBL Order has no OrderLine with a LineItem.'),
    );
  }
  return { kind: 'orders', orders: [d.finish({ reference, sourceText })], findings: [] };
}

function buyerIds(party: XmlElement | null): string[] {
  const ids = [at(party, 'EndpointID'), ...childrenOf(party, 'PartyIdentification').map((p) => at(p, 'ID'))];
  return ids.map((e) => textAt(e)).filter((v): v is string => v !== null);
}

function buyer(d: Draft, party: XmlElement | null): void {
  if (!party) {
    d.findings.push(
      finding('invalid_message', 'warning', 'customer', 'The UBL Order names no BuyerCustomerParty.'),
    );
    return;
  }
  d.evidence.partyIds.push(...buyerIds(party));
  const nameEl = at(party, 'PartyName/Name') ?? at(party, 'PartyLegalEntity/RegistrationName');
  const taxEl =
    childrenOf(party, 'PartyTaxScheme')
      .map((p) => at(p, 'CompanyID'))
      .find((e) => textAt(e) !== null) ?? at(party, 'PartyLegalEntity/CompanyID');
  setBuyer(d, nameEl, taxEl);
  d.evidence.email = textAt(party, 'Contact/ElectronicMail');
  d.evidence.fax = textAt(party, 'Contact/Telefax');
}

function addressOf(name: string | null, a: XmlElement | null): Address | null {
  const street = [textAt(a, 'StreetName'), textAt(a, 'AdditionalStreetName'), textAt(a, 'AddressLine/Line')];
  return addressFrom(name, street, {
    postalCode: textAt(a, 'PostalZone'),
    city: textAt(a, 'CityName'),
    country: textAt(a, 'Country/IdentificationCode'),
  });
}

function delivery(d: Draft, del: XmlElement | null): void {
  if (!del) return;
  const period = at(del, 'RequestedDeliveryPeriod');
  setDate(d, 'deliveryDate', at(period, 'StartDate') ?? at(period, 'EndDate'));
  const location = at(del, 'DeliveryLocation');
  const name = textAt(del, 'DeliveryParty/PartyName/Name') ?? textAt(location, 'Name');
  const address = addressOf(name, at(location, 'Address'));
  if (address) {
    d.order.shipTo = address;
    d.source('shipTo', xmlSource(location ?? del));
  }
  const locationId = textAt(location, 'ID');
  if (locationId) d.notes.push(`Deliver to location ${locationId}`);
}

/** A delivery date on the lines only (none in the header): the earliest stands for the order. */
function lineDelivery(d: Draft, lines: XmlElement[]): void {
  let best: { iso: string; el: XmlElement } | null = null;
  for (const ol of lines) {
    const period = at(ol, 'LineItem/Delivery/RequestedDeliveryPeriod');
    const el = at(period, 'StartDate') ?? at(period, 'EndDate');
    const iso = isoDate(textAt(el));
    if (el && iso && (best === null || iso < best.iso)) best = { iso, el };
  }
  if (best) d.set('deliveryDate', best.iso, xmlSource(best.el));
}

function line(d: Draft, item: XmlElement | null, ol: XmlElement): void {
  if (!item) {
    d.warn(null, `${ol.path}: an OrderLine without a LineItem was skipped`);
    return;
  }
  const { line: l, index } = d.addLine(textAt(item, 'ID'));
  const p = `lines[${index}]`;
  setLineAmounts(
    d,
    l,
    p,
    {
      quantity: at(item, 'Quantity'),
      price: at(item, 'Price/PriceAmount'),
      basis: at(item, 'Price/BaseQuantity'),
      amount: at(item, 'LineExtensionAmount'),
    },
    `${item.path}: the line has no cbc:Quantity.`,
  );
  const it = at(item, 'Item');
  setLineText(d, l, p, 'sku', at(it, 'SellersItemIdentification/ID'));
  setLineText(d, l, p, 'sku', at(it, 'ManufacturersItemIdentification/ID'));
  setLineText(d, l, p, 'customerRef', at(it, 'BuyersItemIdentification/ID'));
  setLineText(d, l, p, 'description', at(it, 'Name'));
  setLineText(d, l, p, 'description', at(it, 'Description'));
  const gtinEl = at(it, 'StandardItemIdentification/ID');
  l.gtin = sourced(d, `${p}.gtin`, gtinEl, gtinOf(textAt(gtinEl)));
}
