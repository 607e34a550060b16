/**
 * cXML OrderRequest (Ariba, Coupa and other procurement suites): the buyer is named by the
 * `From` (and `Sender`) credentials (NetworkID, DUNS, a domain of the buyer's own), which
 * master data keeps in `edi_ids`; the header gives PO number, date, total, ship-to and comments,
 * each ItemOut a line. Other cXML messages are recognised and said not to be orders.
 */
import type { ExtractOutcome } from '../../domain/extraction.ts';
import { finding } from '../../domain/findings.ts';
import type { Address } from '../../domain/order.ts';
import { Draft, notAnOrderOutcome } from '../common/draft.ts';
import { gtinOf, isoDate, plainNumber, unitCode } from '../common/values.ts';
import { attrSource, numberOf, readXmlOrder, sniffRoot, sourced, xmlSource } from '../xml/document.ts';
import { at, child, childrenOf, textAt, type XmlElement } from '../xml/parse.ts';

export function cxmlScore(bytes: Buffer): number {
  return sniffRoot(bytes)?.local === 'cXML' ? 1 : 0;
}

export function readCxml(bytes: Buffer): ExtractOutcome {
  return readXmlOrder(bytes, 'cXML document', 'cXML', read);
}

/** Every credential identity of From and Sender, From first: `AN01000012345`, a DUNS... */
export function credentials(root: XmlElement): string[] {
  const header = child(root, 'Header');
  const ids: string[] = [];
  for (const who of ['From', 'Sender']) {
    for (const c of childrenOf(child(header, who), 'Credential')) {
      const id = textAt(c, 'Identity');
      if (id && !ids.includes(id)) ids.push(id);
    }
  }
  return ids;
}

function read(root: XmlElement): ExtractOutcome {
  const reference = root.attrs.payloadID ?? null;
  const request = child(root, 'Request');
  const order = child(request, 'OrderRequest');
  if (!order) {
    const what =
      (request ?? child(root, 'Message') ?? child(root, 'Response'))?.children[0]?.local ?? 'no request';
    const message = `The cXML message holds ${what}, not an OrderRequest.`;
    return notAnOrderOutcome(message, { reference, sourceText: null, partyIds: credentials(root) });
  }
  const d = new Draft();
  d.evidence.partyIds.push(...credentials(root));
  const header = child(order, 'OrderRequestHeader');
  if (!header) {
    d.findings.push(finding('invalid_message', 'error', null, 'The OrderRequest has no OrderRequestHeader.'));
  } else {
    readHeader(d, header);
  }
  for (const item of childrenOf(order, 'ItemOut')) readItem(d, item);
  if (d.order.lines.length === 0) {
    d.findings.push(finding('invalid_message', 'error', 'lines', 'The OrderRequest has no ItemOut.'));
  }
  return {
    kind: 'orders',
    // The payloadID is what a ConfirmationRequest refers back to.
    orders: [d.finish({ reference: reference ?? d.order.poNumber, sourceText: null })],
    findings: [],
  };
}

function readHeader(d: Draft, h: XmlElement): void {
  const po = h.attrs.orderID?.trim() || null;
  d.set('poNumber', po, attrSource(h, 'orderID'));
  if (!po)
    d.findings.push(
      finding('invalid_message', 'warning', 'poNumber', 'The OrderRequestHeader has no orderID.'),
    );
  const date = h.attrs.orderDate ? isoDate(h.attrs.orderDate) : null;
  if (date) d.set('orderDate', date, attrSource(h, 'orderDate'));
  else if (h.attrs.orderDate)
    d.warn('orderDate', `${h.path}: orderDate "${h.attrs.orderDate}" is not a date`);
  const type = h.attrs.type ?? 'new';
  if (type !== 'new') {
    d.notes.push(`Order request type "${type}"`);
    const what = type === 'delete' ? 'cancels' : 'changes';
    d.findings.push(
      finding(
        'not_an_order',
        'warning',
        null,
        `The OrderRequest (type "${type}") ${what} order ${po ?? ''} instead of placing a new one`.replace(
          '  ',
          ' ',
        ),
      ),
    );
  }
  const money = at(h, 'Total/Money');
  d.order.total = numberOf(d, money, 'total');
  if (money?.attrs.currency) d.set('currency', money.attrs.currency.toUpperCase(), xmlSource(money));
  const shipTo = at(h, 'ShipTo/Address');
  if (shipTo) {
    d.order.shipTo = addressOf(shipTo);
    d.source('shipTo', xmlSource(shipTo));
  }
  const billTo = at(h, 'BillTo/Address');
  const nameEl = at(billTo, 'Name');
  const name = textAt(nameEl);
  if (name) {
    d.order.customer.name = sourced(d, 'customer.name', nameEl, name);
    d.evidence.name = name;
  }
  const contacts = childrenOf(h, 'Contact');
  d.evidence.email =
    contacts.map((c) => textAt(c, 'Email')).find((e) => e !== null) ?? textAt(billTo, 'Email');
  for (const c of childrenOf(h, 'Comments')) if (textAt(c)) d.notes.push(textAt(c)!);
}

function addressOf(a: XmlElement): Address {
  const postal = child(a, 'PostalAddress');
  const streets = childrenOf(postal, 'Street')
    .map((s) => textAt(s))
    .filter((s): s is string => s !== null);
  return {
    name: textAt(a, 'Name') ?? textAt(postal, 'DeliverTo'),
    street: streets.length > 0 ? streets.join(', ') : null,
    postalCode: textAt(postal, 'PostalCode'),
    city: textAt(postal, 'City'),
    country: at(postal, 'Country')?.attrs.isoCountryCode?.toUpperCase() ?? null,
  };
}

function readItem(d: Draft, item: XmlElement): void {
  const { line: l, index } = d.addLine(item.attrs.lineNumber ?? null);
  const p = `lines[${index}]`;
  const qty = plainNumber(item.attrs.quantity);
  if (qty === undefined || qty === null) {
    d.findings.push(
      finding(
        'invalid_message',
        'warning',
        `${p}.quantity`,
        `${item.path}: quantity "${item.attrs.quantity ?? ''}" is not a number.`,
      ),
    );
  } else {
    l.quantity = qty;
    d.source(`${p}.quantity`, attrSource(item, 'quantity'));
  }
  const ids = child(item, 'ItemID');
  const text = (el: XmlElement | null, field: 'sku' | 'customerRef' | 'description' | 'unit') => {
    const v = textAt(el);
    if (v && l[field] === null)
      l[field] = sourced(d, `${p}.${field}`, el, field === 'unit' ? unitCode(v) : v);
  };
  const detail = child(item, 'ItemDetail');
  text(at(ids, 'SupplierPartID'), 'sku');
  // The maker's part number when the supplier gave none (a supplier is often the maker).
  text(at(detail, 'ManufacturerPartID'), 'sku');
  text(at(ids, 'BuyerPartID'), 'customerRef');
  const aux = textAt(at(ids, 'SupplierPartAuxiliaryID'));
  if (aux) d.notes.push(`Line ${l.lineNo}: supplier part auxiliary id ${aux}`);
  const eanEl = at(detail, 'ItemDetailIndustry/ItemDetailRetail/EANID');
  const ean = gtinOf(textAt(eanEl));
  if (ean) l.gtin = sourced(d, `${p}.gtin`, eanEl, ean);
  l.unitPrice = numberOf(d, at(detail, 'UnitPrice/Money'), `${p}.unitPrice`);
  text(at(detail, 'Description'), 'description');
  text(at(detail, 'UnitOfMeasure'), 'unit');
  // The earliest date asked for, on the item or on its schedule lines, stands for the order.
  for (const el of [item, ...childrenOf(item, 'ScheduleLine')]) {
    const requested = el.attrs.requestedDeliveryDate ? isoDate(el.attrs.requestedDeliveryDate) : null;
    if (requested && (d.order.deliveryDate === null || requested < d.order.deliveryDate)) {
      d.order.deliveryDate = requested;
      d.source('deliveryDate', attrSource(el, 'requestedDeliveryDate'));
    }
  }
  // Ship-to on the items only (no header ShipTo): the first item's.
  const shipTo = at(item, 'ShipTo/Address');
  if (shipTo && d.order.shipTo === null) {
    d.order.shipTo = addressOf(shipTo);
    d.source('shipTo', xmlSource(shipTo));
  }
}
