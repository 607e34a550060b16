import Parser from 'edifact/parser.js';
import Tokenizer from 'edifact/tokenizer.js';
import type { Delimiters } from './syntax.ts';
import { skipBlanks } from './syntax.ts';

/** One segment of an interchange as read. */
export interface Segment {
  /**
   * 1-based position in the file, counting from the first segment after the UNA service
   * string advice (UNB is 1); the UNA itself is not counted.
   */
  index: number;
  tag: string;
  /** Data elements after the tag, each a list of components, release characters resolved. */
  elements: string[][];
  /** The segment as written, terminator included, line breaks removed. */
  raw: string;
  /** Why the segment could not be read (bad character, cut off); its elements are then empty. */
  error?: string;
  /** The file ended inside this segment: no terminator followed it. */
  unterminated?: boolean;
}

// Stands in for "no release character": a C0 code outside every repertoire that the parser does
// not use as a sentinel (it uses 4, 10 and 13).
const NO_RELEASE = 0x01;

const hex = (code: number) => `\\u${Math.min(code, 0xffff).toString(16).padStart(4, '0')}`;

/**
 * node-edifact 1.2.12 writes the bounds of its character class unescaped, so a delimiter next to
 * `\` or `]` in the code table (`[`, `\`, `]`, `^`, as in `UNA^|,\ ~`) breaks the regex and every
 * segment fails. Same ranges as the original, each bound escaped; set before any parser exists.
 */
Tokenizer.compile = (ranges: number[][], exclude: number[]): RegExp => {
  let cls = '';
  for (const [from, to] of ranges) {
    let start = from!;
    for (const code of [...exclude.filter((c) => c >= from! && c < to!), to!]) {
      if (code > start) cls += `${hex(start)}-${hex(code - 1)}`;
      start = code + 1;
    }
  }
  return new RegExp(`[${cls}]*`, 'g');
};

/** Calls `each` with every segment text in order, split at unreleased terminators. */
export function splitSegments(
  body: string,
  d: Delimiters,
  each: (raw: string, terminated: boolean) => void,
): void {
  let start = 0;
  while (start < body.length) {
    let end = body.indexOf(d.segment, start);
    while (end !== -1 && d.release !== null && isReleased(body, end, start, d.release)) {
      end = body.indexOf(d.segment, end + 1);
    }
    const stop = end === -1 ? body.length : end + 1;
    const raw = clean(body.slice(start, stop), d.segment);
    if (raw !== d.segment && raw !== '') each(raw, end !== -1);
    start = stop;
  }
}

/** An odd run of release characters right before `at` escapes the character there. */
function isReleased(text: string, at: number, floor: number, release: string): boolean {
  let n = 0;
  for (let i = at - 1; i >= floor && text[i] === release; i--) n++;
  return n % 2 === 1;
}

function clean(raw: string, terminator: string): string {
  let out = raw;
  // Most segments need nothing; the regexes only run when a line break or blank is there.
  if (out.indexOf('\r') !== -1) out = out.replace(/\r/g, '');
  if (terminator !== '\n' && out.indexOf('\n') !== -1) out = out.replace(/\n/g, '');
  return out.slice(skipBlanks(out, 0));
}

/** Reads segments one by one with the `edifact` parser, remembering position and raw text. */
export class SegmentReader {
  private parser!: Parser;
  private tag = '';
  private elements: string[][] = [];
  private components: string[] = [];
  private closed = false;

  constructor(private readonly delimiters: Delimiters) {
    this.reset();
  }

  /** A fresh parser: after a throw the library's state is mid-segment and unusable. */
  private reset(): void {
    const d = this.delimiters;
    const parser = new Parser(undefined, {
      segmentTerminator: d.segment.charCodeAt(0),
      dataElementSeparator: d.element.charCodeAt(0),
      componentDataSeparator: d.component.charCodeAt(0),
      decimalMark: d.decimal.charCodeAt(0),
      releaseCharacter: d.release === null ? NO_RELEASE : d.release.charCodeAt(0),
    });
    // Bytes were already decoded by the declared charset; the widest repertoire lets a UNOA
    // interchange with lowercase letters through instead of failing on them.
    parser.encoding('UNOY');
    parser.onopensegment = (tag) => this.open(tag);
    parser.onelement = () => this.element();
    parser.oncomponent = (value) => this.components.push(value);
    parser.onclosesegment = () => {
      this.closed = true;
    };
    this.parser = parser;
  }

  private open(tag: string): void {
    this.tag = tag;
    this.elements = [];
  }

  private element(): void {
    this.components = [];
    this.elements.push(this.components);
  }

  /** Reads one segment text (terminator included or not); never throws. */
  read(index: number, raw: string, terminated: boolean): Segment {
    this.closed = false;
    this.tag = '';
    try {
      this.parser.write(terminated ? raw : raw + this.delimiters.segment);
    } catch (err) {
      this.reset();
      return broken(index, raw, (err as Error).message, terminated);
    }
    if (!this.closed || this.tag === '') {
      this.reset();
      return broken(index, raw, 'not a segment', terminated);
    }
    const segment: Segment = { index, tag: this.tag, elements: this.elements, raw };
    if (!terminated) segment.unterminated = true;
    return segment;
  }
}

function broken(index: number, raw: string, error: string, terminated: boolean): Segment {
  const tag = /^[A-Z]{3}/.exec(raw)?.[0] ?? '???';
  const segment: Segment = { index, tag, elements: [], raw, error };
  if (!terminated) segment.unterminated = true;
  return segment;
}

/** All segments of the body, in order. */
export function tokenize(body: string, d: Delimiters): Segment[] {
  const reader = new SegmentReader(d);
  const segments: Segment[] = [];
  splitSegments(body, d, (raw, terminated) =>
    segments.push(reader.read(segments.length + 1, raw, terminated)),
  );
  return segments;
}
