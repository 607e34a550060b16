/**
 * CSV order sheets as people and shop systems write them: any common encoding (UTF-8 with or
 * without BOM, UTF-16, Windows-1252), comma, semicolon, tab or pipe separated, RFC 4180 quotes.
 */
import { isUtf8 } from 'node:buffer';
import type { Cell } from './grid.ts';

const SEPARATORS = [',', ';', '\t', '|'];

export function decodeText(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes.subarray(3).toString('utf8');
  // Excel's "CSV" without BOM is the Windows code page; UTF-8 is recognised by being valid.
  return isUtf8(bytes) ? bytes.toString('utf8') : new TextDecoder('windows-1252').decode(bytes);
}

/** RFC 4180 rows; quotes may hold separators and line breaks, `""` is a quote. */
export function parseCsv(text: string, sep: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"' && field.trim() === '') {
      quoted = true;
      field = '';
    } else if (c === sep) {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** The separator that splits the first lines most evenly into the most columns. */
export function guessSeparator(text: string): string {
  const lines = text
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .slice(0, 20);
  let best = ',';
  let bestScore = 0;
  for (const sep of SEPARATORS) {
    const counts = lines.map((l) => parseCsv(l, sep)[0]?.length ?? 1);
    const max = Math.max(0, ...counts);
    if (max < 2) continue;
    // Rows with the most common column count, weighted by that count.
    const mode = counts.filter((n) => n === max).length;
    const score = mode * max;
    if (score > bestScore) [best, bestScore] = [sep, score];
  }
  return best;
}

export function csvGrid(bytes: Buffer): Cell[][] {
  const text = decodeText(bytes);
  const rows = parseCsv(text, guessSeparator(text));
  return rows.map((r) => r.map((v) => (v.trim() === '' ? null : v.trim())));
}

/** True when the bytes look like a delimited text table: text, several lines, a steady separator. */
export function looksLikeCsv(bytes: Buffer): boolean {
  const head = bytes.subarray(0, 8192);
  if (head.length === 0 || (head.includes(0) && !(head[0] === 0xff || head[0] === 0xfe))) return false;
  const text = decodeText(head);
  if (/^\s*[<{[%]/.test(text) || /^(UN[ABH]|ISA)/.test(text.trimStart())) return false;
  const lines = text
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .slice(0, 20);
  if (lines.length < 2) return false;
  const sep = guessSeparator(text);
  const counts = lines.map((l) => parseCsv(l, sep)[0]?.length ?? 1);
  return counts.filter((n) => n >= 3).length >= 2;
}
