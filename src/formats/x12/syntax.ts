/**
 * ANSI X12 interchange syntax: the ISA header names its own separators (element separator right
 * after `ISA`, sub-element separator in ISA16, the segment terminator right after it), so any
 * choice of them is read. Segments are split on the terminator, line breaks around them dropped.
 */

export interface X12Delimiters {
  element: string;
  component: string;
  segment: string;
  /** ISA11 from version 00402 on, when it is not a letter or digit; else null. */
  repetition: string | null;
}

export interface X12Segment {
  /** 1-based position in the file. */
  index: number;
  tag: string;
  /** Elements after the tag (0 is X12 element 01), each split into its sub-elements. */
  elements: string[][];
  raw: string;
}

/** Where the first interchange starts: ISA followed by a separator, after any junk. */
const ISA_START = /ISA([^A-Za-z0-9\s])/;

/**
 * Where an X12 interchange starts in the first kilobytes: 0 for a file that starts with ISA
 * (after a byte-order mark or blanks), more when junk comes first, -1 when there is none.
 */
export function x12Start(bytes: Buffer): number {
  return isaIndex(bytes.subarray(0, 4096).toString('latin1'), true);
}

function isaIndex(head: string, leadIsZero = false): number {
  for (const m of head.matchAll(new RegExp(ISA_START, 'g'))) {
    // A real ISA has 16 elements, so at least 16 more separators follow; "VISA*" is no header.
    const before = head[m.index - 1];
    if (before !== undefined && /[A-Za-z0-9]/.test(before)) continue;
    if (head.slice(m.index, m.index + 200).split(m[1]!).length < 17) continue;
    const lead = head.slice(0, m.index).replace(/^\xef\xbb\xbf/, '');
    return leadIsZero && lead.trim() === '' ? 0 : m.index;
  }
  return -1;
}

export interface X12Text {
  delimiters: X12Delimiters;
  segments: X12Segment[];
  /** Characters before the first ISA (junk a VAN left), skipped; empty when none. */
  skipped: string;
}

/** Reads the separators from the ISA header; a string saying why when it cannot. */
export function readDelimiters(text: string, at: number): X12Delimiters | string {
  const element = text[at + 3];
  if (!element || /[A-Za-z0-9\s]/.test(element)) return 'ISA is not followed by an element separator';
  // ISA has 16 elements; the sub-element separator is ISA16, one character, then the terminator.
  let pos = at;
  for (let n = 0; n < 16; n++) {
    pos = text.indexOf(element, pos + 1);
    if (pos === -1) return 'the ISA header is cut off before its 16th element';
  }
  const component = text[pos + 1];
  const segment = text[pos + 2];
  if (component === undefined || segment === undefined) return 'the ISA header is cut off';
  if (component === element) return 'ISA16 (sub-element separator) is empty';
  const repetition = text.slice(at, pos).split(element)[11] ?? '';
  return {
    element,
    component,
    segment,
    repetition: repetition.length === 1 && !/[A-Za-z0-9 ]/.test(repetition) ? repetition : null,
  };
}

/**
 * Splits the text into segments from its first ISA on. Each interchange is read with the
 * separators its own ISA names (files that concatenate interchanges from several partners mix
 * them). Where the segment terminator is not a line break, line breaks are no part of the data:
 * they are dropped everywhere, so files a VAN wrapped at 80 columns read whole.
 */
export function tokenize(text: string): X12Text | string {
  const start = isaIndex(text.slice(0, 4096));
  if (start === -1) return 'no ISA interchange header was found';
  const first = readDelimiters(text, start);
  if (typeof first === 'string') return first;
  const segments: X12Segment[] = [];
  let delimiters = first;
  let at = start;
  while (at < text.length) {
    const end = readInterchange(text, at, delimiters, segments);
    const rest = text.slice(end, end + 4096);
    const next = isaIndex(rest);
    if (next === -1) {
      // What follows the last IEA: blanks, or segments the envelope check will report as stray.
      if (text.slice(end).trim() !== '') readInterchange(text, end, delimiters, segments, false);
      break;
    }
    const own = readDelimiters(text, end + next);
    if (typeof own !== 'string') delimiters = own;
    at = end + next;
  }
  return { delimiters: first, segments, skipped: text.slice(0, start) };
}

/** Reads segments from `at` up to and with the IEA trailer (or the end); returns where it stopped. */
function readInterchange(
  text: string,
  at: number,
  delimiters: X12Delimiters,
  segments: X12Segment[],
  stopAtIea = true,
): number {
  const wrapped = delimiters.segment !== '\n' && delimiters.segment !== '\r';
  let pos = at;
  while (pos < text.length) {
    let end = text.indexOf(delimiters.segment, pos);
    if (end === -1) end = text.length;
    const part = text.slice(pos, end);
    pos = end + 1;
    const raw = (wrapped ? part.replace(/[\r\n]/g, '') : part).replace(/^\s+|[\r\n]+$/g, '');
    if (raw === '') continue;
    const fields = raw.split(delimiters.element);
    const tag = fields[0]!.trim().toUpperCase();
    segments.push({
      index: segments.length + 1,
      tag,
      // ISA values are fixed width, padded with blanks: no X12 value keeps them.
      elements: fields.slice(1).map((f) => (tag === 'ISA' ? [f] : f.split(delimiters.component))),
      raw,
    });
    if (stopAtIea && tag === 'IEA') break;
  }
  return Math.min(pos, text.length);
}

/** Sub-element `c` of element `e` (both 0-based: e = 0 is XX01), trimmed; null when absent or empty. */
export function el(s: X12Segment, e: number, c = 0): string | null {
  const v = s.elements[e]?.[c]?.trim();
  return v ? v : null;
}
