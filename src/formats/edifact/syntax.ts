import { isAscii, isUtf8 } from 'node:buffer';
import type { Finding } from '../../domain/findings.ts';
import { finding } from '../../domain/findings.ts';

/** The service characters of an interchange (UNA, or the ISO 9735 defaults). */
export interface Delimiters {
  component: string;
  element: string;
  /** Decimal mark for numbers; a full stop is accepted as well (ISO 9735). */
  decimal: string;
  /** Release (escape) character; null when the UNA says none is used. */
  release: string | null;
  segment: string;
}

/** How the bytes of one interchange are to be read. */
export interface Syntax {
  delimiters: Delimiters;
  /** The text after the UNA service string advice (or after leading blanks), decoded. */
  body: string;
  /** Syntax identifier named in UNB S001 0001 (UNOA, UNOC, UNOY...), null without UNB. */
  charset: string | null;
  /** Notes about the reading itself (a charset the bytes do not match). */
  findings: Finding[];
}

export const DEFAULT_DELIMITERS: Delimiters = {
  component: ':',
  element: '+',
  decimal: '.',
  release: '?',
  segment: "'",
};

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/** Single-byte ISO 8859 parts behind the syntax identifiers of ISO 9735 level C to K. */
const ISO_8859: Record<string, string> = {
  UNOC: 'iso-8859-1',
  UNOD: 'iso-8859-2',
  UNOE: 'iso-8859-5',
  UNOF: 'iso-8859-7',
  UNOG: 'iso-8859-3',
  UNOH: 'iso-8859-4',
  UNOI: 'iso-8859-6',
  UNOJ: 'iso-8859-8',
  UNOK: 'iso-8859-9',
};
const UTF8_LEVELS = new Set(['UNOW', 'UNOY']);
const C1_CONTROLS = /[\x80-\x9f]/;

/** Drops a UTF-8 byte order mark; says whether there was one. */
export function stripBom(bytes: Buffer): { bytes: Buffer; bom: boolean } {
  const bom = UTF8_BOM.every((b, i) => bytes[i] === b);
  return { bytes: bom ? bytes.subarray(3) : bytes, bom };
}

/** The first characters of the document after blanks, as Latin-1 (enough to sniff and to read UNA/UNB). */
export function head(bytes: Buffer, length = 512): string {
  let i = 0;
  while (i < bytes.length && isBlank(bytes[i]!)) i++;
  return bytes.subarray(i, i + length).toString('latin1');
}

/** Space, tab, line breaks, NUL and the DOS end-of-file mark: padding found around interchanges. */
export function isBlank(code: number): boolean {
  return code === 0x20 || (code >= 0x09 && code <= 0x0d) || code === 0 || code === 0x1a;
}

/** Index of the first non-blank character of `text` from `from`. */
export function skipBlanks(text: string, from: number): number {
  let i = from;
  while (i < text.length && isBlank(text.charCodeAt(i))) i++;
  return i;
}

/**
 * Reads the UNA service string advice: `UNA` then component separator, element separator,
 * decimal mark, release character (space: none), repetition separator (ignored), terminator.
 */
export function parseUna(start: string): Delimiters | string {
  const c = start.slice(3, 9);
  if (c.length < 6) return 'the UNA service string advice is cut short';
  const release = c[3] === ' ' ? null : c[3]!;
  const d: Delimiters = { component: c[0]!, element: c[1]!, decimal: c[2]!, release, segment: c[5]! };
  const used = [d.component, d.element, d.segment, ...(release ? [release] : [])];
  if (new Set(used).size !== used.length || used.some((ch) => /[A-Za-z0-9 ]/.test(ch))) {
    return `the UNA service string advice "${start.slice(0, 9)}" names unusable or repeated separators`;
  }
  return d;
}

/**
 * Without UNA the separators are the defaults, except for level B interchanges written with the
 * information separators IS1/IS3/IS4, which the char right after `UNB` gives away.
 */
function inferDelimiters(start: string): Delimiters {
  if (start.startsWith('UNB\x1d')) {
    return { component: '\x1f', element: '\x1d', decimal: '.', release: null, segment: '\x1c' };
  }
  return DEFAULT_DELIMITERS;
}

/** The syntax identifier (UNOC...) from the UNB segment at the start of `text`, if any. */
export function syntaxIdentifier(text: string, d: Delimiters): string | null {
  if (!text.startsWith('UNB') || text[3] !== d.element) return null;
  let end = 4;
  while (end < text.length && end < 12 && ![d.component, d.element, d.segment].includes(text[end]!)) end++;
  const id = text.slice(4, end).trim().toUpperCase();
  return id === '' ? null : id;
}

/** Bytes to text as the charset says, with the usual mislabels forgiven and reported. */
export function decode(
  bytes: Buffer,
  charset: string | null,
  bom: boolean,
): { text: string; findings: Finding[] } {
  const level = charset ?? 'UNOA';
  const label = ISO_8859[level];
  if (isAscii(bytes)) return { text: bytes.toString('latin1'), findings: [] };
  if (bom || UTF8_LEVELS.has(level)) return decodeUtf8(bytes, level);
  if (isUtf8(bytes)) {
    // Latin-1 text with accents practically never forms valid UTF-8: the label is wrong.
    return { text: bytes.toString('utf8'), findings: [mislabel(level, 'UTF-8')] };
  }
  if (level === 'UNOC') {
    const text = bytes.toString('latin1');
    // Windows-1252 only differs from ISO 8859-1 in the C1 range, which UNOC forbids anyway.
    return C1_CONTROLS.test(text)
      ? { text: new TextDecoder('windows-1252').decode(bytes), findings: [] }
      : { text, findings: [] };
  }
  if (label) return { text: new TextDecoder(label).decode(bytes), findings: [] };
  return { text: new TextDecoder('windows-1252').decode(bytes), findings: [mislabel(level, 'Windows-1252')] };
}

function decodeUtf8(bytes: Buffer, level: string): { text: string; findings: Finding[] } {
  if (isUtf8(bytes)) return { text: bytes.toString('utf8'), findings: [] };
  return { text: new TextDecoder('windows-1252').decode(bytes), findings: [mislabel(level, 'Windows-1252')] };
}

function mislabel(level: string, actual: string): Finding {
  return finding(
    'invalid_edifact',
    'info',
    null,
    `The interchange declares character set ${level} but its bytes are ${actual}; read as ${actual}.`,
  );
}

/**
 * Finds the service characters and the charset, then decodes the bytes. Returns a message
 * instead when the UNA is unusable.
 */
export function readSyntax(input: Buffer): Syntax | string {
  const { bytes, bom } = stripBom(input);
  const start = head(bytes);
  let delimiters = inferDelimiters(start);
  let unbAt = 0;
  if (start.startsWith('UNA')) {
    const una = parseUna(start);
    if (typeof una === 'string') return una;
    delimiters = una;
    unbAt = skipBlanks(start, 9);
  }
  const charset = syntaxIdentifier(start.slice(unbAt), delimiters);
  const { text, findings } = decode(bytes, charset, bom);
  const trimmed = text.slice(skipBlanks(text, 0));
  return { delimiters, body: trimmed.startsWith('UNA') ? trimmed.slice(9) : trimmed, charset, findings };
}
