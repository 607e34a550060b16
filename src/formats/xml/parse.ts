/**
 * A small, strict XML reader for order documents (UBL, cXML, CII): elements with namespaces,
 * attributes and text, each with its XPath-like path for provenance. It never fetches anything: a
 * DOCTYPE is skipped (cXML names its DTD by URL), entities other than the five predefined ones and
 * character references are refused, so there is no external entity and no entity expansion bomb.
 */

export interface XmlElement {
  /** The qualified name as written (`cbc:ID`). */
  name: string;
  /** The local name (`ID`). */
  local: string;
  /** The namespace URI, null when none is in scope. */
  ns: string | null;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** The element's own text (its text children joined), not trimmed. */
  text: string;
  /** `/Order/cac:OrderLine[2]/cbc:ID`: position among same-named siblings when there are several. */
  path: string;
}

export class XmlError extends Error {}

/** Deeper than any order document; a deeper one is refused rather than recursed into. */
const MAX_DEPTH = 256;
const MAX_ELEMENTS = 2_000_000;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const NAME = /^[A-Za-z_\u00C0-\uFFEF][\w.\-:\u00B7\u00C0-\uFFEF]*/;

/** Bytes to text by BOM, then the XML declaration's encoding; UTF-8 by default. */
export function decodeXml(bytes: Buffer): string {
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes.subarray(3).toString('utf8');
  const decl = /^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(
    bytes.subarray(0, 200).toString('latin1'),
  );
  const encoding = decl?.[1]?.toLowerCase() ?? 'utf-8';
  try {
    return new TextDecoder(encoding).decode(bytes);
  } catch {
    return bytes.toString('utf8');
  }
}

function unescapeXml(raw: string, at: number): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(/&([^;&\s]{0,12});/g, (_, ref: string) => {
    if (ref[0] === '#') {
      const code =
        ref[1] === 'x' || ref[1] === 'X' ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
      if (!Number.isInteger(code) || code < 1 || code > 0x10ffff)
        throw new XmlError(`bad character reference &${ref}; near offset ${at}`);
      return String.fromCodePoint(code);
    }
    const v = PREDEFINED[ref];
    if (v === undefined) throw new XmlError(`entity &${ref}; is not allowed (near offset ${at})`);
    return v;
  });
}

interface Open {
  el: XmlElement;
  scope: Map<string, string>;
  counts: Map<string, number>;
  parts: string[];
}

/** Parses a whole document; throws XmlError with the reason when it is not well-formed XML. */
export function parseXml(text: string): XmlElement {
  let i = 0;
  let root: XmlElement | null = null;
  let elements = 0;
  const stack: Open[] = [];
  const n = text.length;
  while (i < n) {
    const lt = text.indexOf('<', i);
    const chunk = text.slice(i, lt === -1 ? n : lt);
    if (chunk !== '') {
      const top = stack[stack.length - 1];
      if (top) top.parts.push(unescapeXml(chunk, i));
      else if (chunk.trim() !== '') throw new XmlError(`text outside the root element at offset ${i}`);
    }
    if (lt === -1) break;
    i = lt;
    if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i + 4);
      if (end === -1) throw new XmlError('a comment is not closed');
      i = end + 3;
    } else if (text.startsWith('<![CDATA[', i)) {
      const end = text.indexOf(']]>', i + 9);
      if (end === -1) throw new XmlError('a CDATA section is not closed');
      const top = stack[stack.length - 1];
      if (!top) throw new XmlError('CDATA outside the root element');
      top.parts.push(text.slice(i + 9, end));
      i = end + 3;
    } else if (text.startsWith('<?', i)) {
      const end = text.indexOf('?>', i + 2);
      if (end === -1) throw new XmlError('a processing instruction is not closed');
      i = end + 2;
    } else if (text.startsWith('<!DOCTYPE', i)) {
      i = skipDoctype(text, i);
    } else if (text[i + 1] === '/') {
      const end = text.indexOf('>', i);
      if (end === -1) throw new XmlError('an end tag is not closed');
      const name = text.slice(i + 2, end).trim();
      const top = stack.pop();
      if (!top || top.el.name !== name) {
        throw new XmlError(
          `end tag </${name}> does not close ${top ? `<${top.el.name}>` : 'anything'} (offset ${i})`,
        );
      }
      top.el.text = top.parts.join('');
      i = end + 1;
    } else {
      const tag = readTag(text, i);
      if (stack.length >= MAX_DEPTH) throw new XmlError(`elements nested deeper than ${MAX_DEPTH}`);
      if (++elements > MAX_ELEMENTS) throw new XmlError(`more than ${MAX_ELEMENTS} elements`);
      if (root && stack.length === 0)
        throw new XmlError(`a second root element <${tag.name}> at offset ${i}`);
      const parent = stack[stack.length - 1];
      const scope = new Map(parent?.scope ?? []);
      for (const [k, v] of Object.entries(tag.attrs)) {
        if (k === 'xmlns') scope.set('', v);
        else if (k.startsWith('xmlns:')) scope.set(k.slice(6), v);
      }
      const colon = tag.name.indexOf(':');
      const prefix = colon === -1 ? '' : tag.name.slice(0, colon);
      const local = colon === -1 ? tag.name : tag.name.slice(colon + 1);
      const ns = scope.get(prefix) ?? null;
      if (prefix !== '' && ns === null && prefix !== 'xml')
        throw new XmlError(`prefix ${prefix}: is not declared`);
      const seen = (parent?.counts.get(tag.name) ?? 0) + 1;
      parent?.counts.set(tag.name, seen);
      const el: XmlElement = {
        name: tag.name,
        local,
        ns,
        attrs: tag.attrs,
        children: [],
        text: '',
        path: `${parent ? parent.el.path : ''}/${tag.name}[${seen}]`,
      };
      if (parent) parent.el.children.push(el);
      else root = el;
      if (!tag.selfClosing) stack.push({ el, scope, counts: new Map(), parts: [] });
      i = tag.end;
    }
  }
  if (stack.length > 0)
    throw new XmlError(`<${stack[stack.length - 1]!.el.name}> is not closed: the file is cut off`);
  if (!root) throw new XmlError('no root element');
  return tidyPaths(root);
}

/** Drops `[1]` from the path steps of elements that have no same-named sibling. */
function tidyPaths(root: XmlElement): XmlElement {
  const walk = (el: XmlElement, path: string) => {
    el.path = path;
    const count = new Map<string, number>();
    for (const c of el.children) count.set(c.name, (count.get(c.name) ?? 0) + 1);
    const seen = new Map<string, number>();
    for (const c of el.children) {
      const k = (seen.get(c.name) ?? 0) + 1;
      seen.set(c.name, k);
      walk(c, `${path}/${c.name}${count.get(c.name)! > 1 ? `[${k}]` : ''}`);
    }
  };
  walk(root, `/${root.name}`);
  return root;
}

function skipDoctype(text: string, from: number): number {
  let i = from + 9;
  let depth = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (c === '>' && depth <= 0) {
      if (/<!ENTITY/i.test(text.slice(from, i))) throw new XmlError('entity declarations are not allowed');
      return i + 1;
    }
    i++;
  }
  throw new XmlError('the DOCTYPE is not closed');
}

function readTag(
  text: string,
  from: number,
): { name: string; attrs: Record<string, string>; selfClosing: boolean; end: number } {
  const m = NAME.exec(text.slice(from + 1, from + 200));
  if (!m) throw new XmlError(`a tag without a name at offset ${from}`);
  const name = m[0];
  let i = from + 1 + name.length;
  const attrs: Record<string, string> = Object.create(null);
  for (;;) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) throw new XmlError(`<${name}> is not closed`);
    if (text[i] === '>') return { name, attrs, selfClosing: false, end: i + 1 };
    if (text.startsWith('/>', i)) return { name, attrs, selfClosing: true, end: i + 2 };
    const a = NAME.exec(text.slice(i, i + 200));
    if (!a) throw new XmlError(`a bad attribute in <${name}> at offset ${i}`);
    i += a[0].length;
    while (/\s/.test(text[i] ?? '')) i++;
    if (text[i] !== '=') throw new XmlError(`attribute ${a[0]} of <${name}> has no value`);
    i++;
    while (/\s/.test(text[i] ?? '')) i++;
    const q = text[i];
    if (q !== '"' && q !== "'") throw new XmlError(`attribute ${a[0]} of <${name}> is not quoted`);
    const end = text.indexOf(q, i + 1);
    if (end === -1) throw new XmlError(`attribute ${a[0]} of <${name}> is not closed`);
    const value = text.slice(i + 1, end);
    if (value.includes('<')) throw new XmlError(`attribute ${a[0]} of <${name}> contains <`);
    if (a[0] in attrs) throw new XmlError(`attribute ${a[0]} repeated in <${name}>`);
    attrs[a[0]] = unescapeXml(value, i);
    i = end + 1;
  }
}

/** The first child with this local name. */
export function child(el: XmlElement | null | undefined, local: string): XmlElement | null {
  return el?.children.find((c) => c.local === local) ?? null;
}

export function childrenOf(el: XmlElement | null | undefined, local: string): XmlElement[] {
  return el ? el.children.filter((c) => c.local === local) : [];
}

/** Follows a path of local names (`AccountingSupplierParty/Party/PartyName/Name`), first match each step. */
export function at(el: XmlElement | null | undefined, path: string): XmlElement | null {
  let cur: XmlElement | null = el ?? null;
  for (const step of path.split('/')) {
    if (!cur) return null;
    cur = child(cur, step);
  }
  return cur;
}

/** The trimmed text of the element at `path`; null when absent or blank. */
export function textAt(el: XmlElement | null | undefined, path?: string): string | null {
  const t = (path ? at(el, path) : el)?.text.trim();
  return t ? t : null;
}

/** True when the bytes start like an XML document (after a BOM and blanks) within the first kilobyte. */
export function looksLikeXml(bytes: Buffer): boolean {
  const head = decodeXml(bytes.subarray(0, 1024))
    .replace(/^\uFEFF/, '')
    .trimStart();
  return head.startsWith('<?xml') || /^<(!--|!DOCTYPE|[A-Za-z_])/.test(head);
}
