/** What the XML order readers share: reading the document, its root, and field sources. */
import type { ExtractOutcome, FieldSource } from '../../domain/extraction.ts';
import { finding } from '../../domain/findings.ts';
import type { Draft } from '../common/draft.ts';
import { isoDate, plainNumber } from '../common/values.ts';
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
