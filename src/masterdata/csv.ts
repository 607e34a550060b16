/**
 * RFC 4180 reader that knows the physical line where each record starts and recovers from a
 * malformed record. csv-parse was tried first: after one stray quote it swallows the rest of
 * the file, and master data must report the bad row and go on loading the others.
 *
 * Leniency, on purpose: `\n`, `\r\n` and `\r` all end a record; a quote inside an unquoted
 * field is kept as a character (`Tornillo 1/2"` is common in hardware catalogs); blank lines
 * and lines of only commas are skipped.
 */

/** One record and the 1-based physical line where it starts. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/** A record that could not be read, reported at the line where it starts. */
export interface CsvProblem {
  line: number;
  message: string;
}

export interface CsvContent {
  records: CsvRecord[];
  problems: CsvProblem[];
}

type ReadResult = { ok: true; fields: string[]; next: number } | { ok: false; message: string; next: number };

/** Splits a whole file (BOM removed) into records. */
export function parseCsv(input: string): CsvContent {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const records: CsvRecord[] = [];
  const problems: CsvProblem[] = [];
  let pos = 0;
  let line = 1;
  while (pos < text.length) {
    const r = readRecord(text, pos);
    if (r.ok && !isBlank(r.fields)) records.push({ line, fields: r.fields });
    if (!r.ok) problems.push({ line, message: r.message });
    line += countLineBreaks(text, pos, r.next);
    pos = r.next;
  }
  return { records, problems };
}

function readRecord(text: string, start: number): ReadResult {
  const fields: string[] = [];
  let pos = start;
  for (;;) {
    const f = text[pos] === '"' ? readQuoted(text, pos, start) : readPlain(text, pos);
    if (!f.ok) return f;
    fields.push(f.value);
    pos = f.next;
    if (text[pos] === ',') {
      pos++;
      continue;
    }
    return { ok: true, fields, next: skipLineBreak(text, pos) };
  }
}

type FieldResult = { ok: true; value: string; next: number } | { ok: false; message: string; next: number };

function readPlain(text: string, pos: number): FieldResult {
  let end = pos;
  while (end < text.length) {
    const c = text[end];
    if (c === ',' || c === '\n' || c === '\r') break;
    end++;
  }
  return { ok: true, value: text.slice(pos, end), next: end };
}

function readQuoted(text: string, pos: number, recordStart: number): FieldResult {
  let value = '';
  let from = pos + 1;
  for (;;) {
    const q = text.indexOf('"', from);
    if (q < 0) {
      // Resume right after the line the record started on: the lines the open quote swallowed are records.
      return { ok: false, message: 'a quoted field is never closed', next: endOfLine(text, recordStart) };
    }
    value += text.slice(from, q);
    if (text[q + 1] === '"') {
      value += '"';
      from = q + 2;
      continue;
    }
    const after = text[q + 1];
    if (after === undefined || after === ',' || after === '\n' || after === '\r') {
      return { ok: true, value, next: q + 1 };
    }
    return {
      ok: false,
      message: `unexpected text after a closing quote: ${JSON.stringify(snippet(text, q + 1))} (a quote inside a quoted value is written "")`,
      next: endOfLine(text, q),
    };
  }
}

function snippet(text: string, pos: number): string {
  return text.slice(pos, pos + 10).split(/[\r\n]/)[0] ?? '';
}

/** Index just after the line break that ends the physical line holding `pos` (or the text end). */
function endOfLine(text: string, pos: number): number {
  let i = pos;
  while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
  return skipLineBreak(text, i);
}

function skipLineBreak(text: string, pos: number): number {
  if (text[pos] === '\r') return text[pos + 1] === '\n' ? pos + 2 : pos + 1;
  if (text[pos] === '\n') return pos + 1;
  return pos;
}

function countLineBreaks(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text[i];
    if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) n++;
  }
  return n;
}

function isBlank(fields: string[]): boolean {
  return fields.every((f) => f.trim() === '');
}
