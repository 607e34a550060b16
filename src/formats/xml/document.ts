/** What the XML order readers share: reading the document, its root, and field sources. */
import type { ExtractOutcome, FieldSource } from '../../domain/extraction.ts';
import { finding } from '../../domain/findings.ts';
import type { Draft } from '../common/draft.ts';
import type { OrderLine } from '../../domain/order.ts';
import { isoDate, plainNumber, unitCode } from '../common/values.ts';
import { decodeXml, parseXml, textAt, type XmlElement, XmlError } from './parse.ts';

export const xmlSource = (el: XmlElement): FieldSource => ({
  kind: 'xml',
  path: el.path,
  text: el.text.trim().slice(0, 200),
});

/** An attribute of an element as a source: `/cXML/.../ItemOut[2]/@quantity`. */
export const attrSource = (el: XmlElement, name: string): FieldSource => ({
  kind: 'xml',
  path: `${el.path}/@${name}`,
  text: el.attrs[name] ?? '',
});

/** The root element's local name and namespace from the first kilobytes, without parsing it all. */
export function sniffRoot(bytes: Buffer): { local: string; ns: string | null } | null {
  const head = decodeXml(bytes.subarray(0, 8192)).replace(/^\uFEFF/, '');
  const trimmed = head
    .replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>[]*(\[[\s\S]*?\])?\s*>/g, '')
    .trimStart();
  const m = /^<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)([^>]*)>/.exec(trimmed);
  if (!m) return null;
  const prefix = m[1] ? m[1].slice(0, -1) : '';
  const attr = prefix ? `xmlns:${prefix}` : 'xmlns';
  const ns = new RegExp(`${attr.replace(':', '\\:')}\\s*=\\s*["']([^"']*)["']`).exec(m[3] ?? '');
  return { local: m[2]!, ns: ns?.[1] ?? null };
}

/** Parses the document; a rejected outcome with the reason when it is not well-formed. */
export function readXmlDocument(bytes: Buffer, what: string): XmlElement | ExtractOutcome {
  try {
    return parseXml(decodeXml(bytes));
  } catch (err) {
    const why = err instanceof XmlError ? err.message : String(err);
    return {
      kind: 'rejected',
      findings: [finding('invalid_message', 'error', null, `The ${what} is not well-formed XML: ${why}.`)],
    };
  }
}

/** Sets a header text field from an element's text. */
export function setText(d: Draft, field: 'poNumber' | 'currency', el: XmlElement | null): void {
  const v = textAt(el);
  if (el && v) d.set(field, field === 'currency' ? v.toUpperCase() : v, xmlSource(el));
}

/** An ISO date (or a CII `format="102"` date) from an element; a bad one is a warning. */
export function setDate(d: Draft, field: 'orderDate' | 'deliveryDate', el: XmlElement | null): void {
  const raw = textAt(el);
  if (!el || raw === null) return;
  const iso = isoDate(raw);
  if (iso) d.set(field, iso, xmlSource(el));
  else d.warn(field, `${el.path}: "${raw}" is not a date`);
}

/** A decimal from an element (XML schema decimals: full stop, no grouping); a bad one is a warning. */
export function numberOf(d: Draft, el: XmlElement | null, field: string | null): number | null {
  const raw = textAt(el);
  if (!el || raw === null) return null;
  const n = plainNumber(raw);
  if (n !== undefined && n !== null) {
    if (field) d.source(field, xmlSource(el));
    return n;
  }
  d.warn(field, `${el.path}: "${raw}" is not a number`);
  return null;
}

/** Sets `field` of the draft's order to the element's text, recording the source. */
export function sourced<T extends string | null>(
  d: Draft,
  field: string,
  el: XmlElement | null,
  value: T,
): T {
  if (el && value !== null) d.source(field, xmlSource(el));
  return value;
}

/**
 * Reads an XML order document with `read`; never throws. A document that is not well-formed, or
 * that the reader fails on, is rejected with the reason in words.
 */
export function readXmlOrder(
  bytes: Buffer,
  what: string,
  reader: string,
  read: (root: XmlElement) => ExtractOutcome,
): ExtractOutcome {
  const doc = readXmlDocument(bytes, what);
  if ('kind' in doc) return doc;
  try {
    return read(doc);
  } catch (err) {
    const why = `The ${reader} reader failed on this file: ${(err as Error).message}`;
    return { kind: 'rejected', findings: [finding('unreadable_document', 'error', null, why)] };
  }
}

/** The buyer's name and tax id from their elements, as order fields and as customer evidence. */
export function setBuyer(d: Draft, nameEl: XmlElement | null, taxEl: XmlElement | null): void {
  const name = textAt(nameEl);
  if (name) {
    d.order.customer.name = sourced(d, 'customer.name', nameEl, name);
    d.evidence.name = name;
  }
  const taxId = textAt(taxEl);
  if (taxId) {
    d.order.customer.taxId = sourced(d, 'customer.taxId', taxEl, taxId);
    d.evidence.taxId = taxId;
  }
}

/** A line's text field from an element, when the line has none yet. */
export function setLineText(
  d: Draft,
  l: OrderLine,
  path: string,
  field: 'sku' | 'customerRef' | 'description',
  el: XmlElement | null,
): void {
  const v = textAt(el);
  if (v && l[field] === null) l[field] = sourced(d, `${path}.${field}`, el, v);
}

/**
 * A line's quantity (with its unit code), unit price (per the price's basis quantity) and
 * amount; a missing quantity is a warning that says what the line lacks.
 */
export function setLineAmounts(
  d: Draft,
  l: OrderLine,
  path: string,
  els: {
    quantity: XmlElement | null;
    price: XmlElement | null;
    basis: XmlElement | null;
    amount: XmlElement | null;
  },
  noQuantity: string,
): void {
  l.quantity = numberOf(d, els.quantity, `${path}.quantity`);
  if (l.quantity === null)
    d.findings.push(finding('invalid_message', 'warning', `${path}.quantity`, noQuantity));
  l.unit = unitCode(els.quantity?.attrs.unitCode);
  if (l.unit) d.source(`${path}.unit`, xmlSource(els.quantity!));
  const price = numberOf(d, els.price, `${path}.unitPrice`);
  const basis = numberOf(d, els.basis, null);
  l.unitPrice =
    price !== null && basis !== null && basis > 0 && basis !== 1
      ? Number((price / basis).toPrecision(12))
      : price;
  l.amount = numberOf(d, els.amount, `${path}.amount`);
}
