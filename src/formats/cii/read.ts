/**
 * Order-X (the order counterpart of Factur-X / ZUGFeRD): the UN/CEFACT Cross Industry Order
 * (SCRDM CIO) XML, alone or embedded in a PDF. Header (ExchangedDocument), buyer trade party
 * (global ids, tax registration, name), delivery, settlement totals and line items onto the
 * canonical order. A Cross Industry Invoice is recognised and said not to be an order.
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
import { at, child, childrenOf, textAt, type XmlElement } from '../xml/parse.ts';

const ORDER_ROOT = 'SCRDMCCBDACIOMessageStructure';
const OTHER_ROOTS: Record<string, string> = {
  CrossIndustryInvoice: 'a Cross Industry Invoice (Factur-X / ZUGFeRD)',
  SCRDMCCBDACIDAMessageStructure: 'a Cross Industry Despatch Advice',
};
const TYPE_NAMES: Record<string, string> = { '230': 'an order change', '231': 'an order response' };
const PURPOSES: Record<string, string> = {
  '1': 'cancellation',
  '4': 'change',
  '5': 'replace',
  '7': 'duplicate',
  '31': 'copy',
};

export function ciiScore(bytes: Buffer): number {
  const root = sniffRoot(bytes);
  if (!root) return 0;
  if (root.local === ORDER_ROOT) return 1;
  return root.local in OTHER_ROOTS && root.ns?.startsWith('urn:un:unece:uncefact:') ? 0.9 : 0;
}

export function readCii(bytes: Buffer): ExtractOutcome {
  return readXmlOrder(bytes, 'Order-X document', 'Order-X', read);
}

/** `<udt:DateTimeString format="102">20261120</udt:DateTimeString>` under the element. */
const dateString = (el: XmlElement | null) => at(el, 'DateTimeString');

function read(root: XmlElement): ExtractOutcome {
  const exchanged = child(root, 'ExchangedDocument');
  const reference = textAt(exchanged, 'ID');
  const tx = child(root, 'SupplyChainTradeTransaction');
  const agreement = child(tx, 'ApplicableHeaderTradeAgreement');
  const buyerParty = child(agreement, 'BuyerTradeParty');
  const type = textAt(exchanged, 'TypeCode');
  const other = root.local !== ORDER_ROOT ? OTHER_ROOTS[root.local] : type && TYPE_NAMES[type];
  if (other) {
    const message = `The document is ${other}${reference ? ` (${reference})` : ''}, not a new purchase order.`;
    return notAnOrderOutcome(message, { reference, sourceText: null, partyIds: partyIds(buyerParty) });
  }
  const d = new Draft();
  setText(d, 'poNumber', at(exchanged, 'ID'));
  if (!reference)
    d.findings.push(
      finding('invalid_message', 'warning', 'poNumber', 'The order has no ExchangedDocument/ID.'),
    );
  setDate(d, 'orderDate', dateString(at(exchanged, 'IssueDateTime')));
  const purpose = textAt(exchanged, 'PurposeCode');
  if (purpose && purpose !== '9') {
    d.notes.push(`Purpose code ${purpose}${PURPOSES[purpose] ? ` (${PURPOSES[purpose]})` : ''}`);
    if (purpose === '1') {
      d.findings.push(
        finding(
          'not_an_order',
          'warning',
          null,
          `The document cancels order ${reference ?? ''} instead of placing one`,
        ),
      );
    }
  }
  for (const note of childrenOf(exchanged, 'IncludedNote'))
    if (textAt(note, 'Content')) d.notes.push(textAt(note, 'Content')!);
  buyer(d, buyerParty);
  const delivery = child(tx, 'ApplicableHeaderTradeDelivery');
  const event = at(delivery, 'RequestedDeliverySupplyChainEvent');
  setDate(
    d,
    'deliveryDate',
    dateString(at(event, 'OccurrenceDateTime') ?? at(event, 'OccurrenceSpecifiedPeriod/StartDateTime')),
  );
  const shipTo = child(delivery, 'ShipToTradeParty');
  if (shipTo) {
    const address = addressOf(textAt(shipTo, 'Name'), child(shipTo, 'PostalTradeAddress'));
    if (address) {
      d.order.shipTo = address;
      d.source('shipTo', xmlSource(shipTo));
    }
  }
  const settlement = child(tx, 'ApplicableHeaderTradeSettlement');
  setText(d, 'currency', child(settlement, 'OrderCurrencyCode') ?? child(settlement, 'InvoiceCurrencyCode'));
  const sums = child(settlement, 'SpecifiedTradeSettlementHeaderMonetarySummation');
  d.order.total = numberOf(d, child(sums, 'TaxBasisTotalAmount') ?? child(sums, 'LineTotalAmount'), 'total');
  for (const item of childrenOf(tx, 'IncludedSupplyChainTradeLineItem')) line(d, item);
  if (d.order.deliveryDate === null) lineDelivery(d, childrenOf(tx, 'IncludedSupplyChainTradeLineItem'));
  if (d.order.lines.length === 0) {
    d.findings.push(
      finding('invalid_message', 'error', 'lines', 'The order has no IncludedSupplyChainTradeLineItem.'),
    );
  }
  return { kind: 'orders', orders: [d.finish({ reference, sourceText: null })], findings: [] };
}

/** Delivery dates on the lines only (none in the header): the earliest stands for the order. */
function lineDelivery(d: Draft, items: XmlElement[]): void {
  let best: { iso: string; el: XmlElement } | null = null;
  for (const item of items) {
    const event = at(item, 'SpecifiedLineTradeDelivery/RequestedDeliverySupplyChainEvent');
    const el = dateString(
      at(event, 'OccurrenceDateTime') ?? at(event, 'OccurrenceSpecifiedPeriod/StartDateTime'),
    );
    const iso = isoDate(textAt(el));
    if (el && iso && (best === null || iso < best.iso)) best = { iso, el };
  }
  if (best) d.set('deliveryDate', best.iso, xmlSource(best.el));
}

function partyIds(party: XmlElement | null): string[] {
  const ids = [
    ...childrenOf(party, 'GlobalID'),
    ...childrenOf(party, 'ID'),
    at(party, 'URIUniversalCommunication/URIID'),
  ];
  return ids
    .filter((e) => e && e.attrs.schemeID !== 'EM')
    .map((e) => textAt(e))
    .filter((v): v is string => v !== null);
}

function buyer(d: Draft, party: XmlElement | null): void {
  if (!party) {
    d.findings.push(finding('invalid_message', 'warning', 'customer', 'The order names no BuyerTradeParty.'));
    return;
  }
  d.evidence.partyIds.push(...partyIds(party));
  const taxEl =
    childrenOf(party, 'SpecifiedTaxRegistration')
      .map((r) => child(r, 'ID'))
      .find((e) => textAt(e) !== null) ?? null;
  setBuyer(d, child(party, 'Name'), taxEl);
  const uri = at(party, 'URIUniversalCommunication/URIID');
  if (uri?.attrs.schemeID === 'EM') d.evidence.email = textAt(uri);
  d.evidence.email ??= textAt(party, 'DefinedTradeContact/EmailURIUniversalCommunication/URIID');
}

function addressOf(name: string | null, a: XmlElement | null): Address | null {
  return addressFrom(name, [textAt(a, 'LineOne'), textAt(a, 'LineTwo'), textAt(a, 'LineThree')], {
    postalCode: textAt(a, 'PostcodeCode'),
    city: textAt(a, 'CityName'),
    country: textAt(a, 'CountryID'),
  });
}

function line(d: Draft, item: XmlElement): void {
  const { line: l, index } = d.addLine(textAt(item, 'AssociatedDocumentLineDocument/LineID'));
  const p = `lines[${index}]`;
  const product = child(item, 'SpecifiedTradeProduct');
  setLineText(d, l, p, 'sku', child(product, 'SellerAssignedID'));
  setLineText(d, l, p, 'customerRef', child(product, 'BuyerAssignedID'));
  setLineText(d, l, p, 'description', child(product, 'Name'));
  const gtinEl = child(product, 'GlobalID');
  l.gtin = sourced(d, `${p}.gtin`, gtinEl, gtinOf(textAt(gtinEl)));
  const price = at(item, 'SpecifiedLineTradeAgreement/NetPriceProductTradePrice');
  const sums = 'SpecifiedLineTradeSettlement/SpecifiedTradeSettlementLineMonetarySummation/LineTotalAmount';
  setLineAmounts(
    d,
    l,
    p,
    {
      quantity: at(item, 'SpecifiedLineTradeDelivery/RequestedQuantity'),
      price: child(price, 'ChargeAmount'),
      basis: child(price, 'BasisQuantity'),
      amount: at(item, sums),
    },
    `${item.path}: the line has no RequestedQuantity.`,
  );
}
