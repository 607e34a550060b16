import { CellError, type Column } from './columns.ts';
import type { FileSpec, Row } from './files.ts';

/** Where each known column sits in a record; columns absent from the header are not in it. */
export interface Header {
  width: number;
  columns: Array<{ column: Column; index: number }>;
}

export type HeaderResult = { ok: true; header: Header } | { ok: false; message: string };
export type RowResult = { ok: true; row: Row } | { ok: false; message: string };

/** `Unit Price ` -> `unit_price`: header names match case-insensitively, trimmed. */
function headerName(raw: string): string {
  return raw
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

/** Matches a header row against a file's columns; a missing required column rejects the file. */
export function mapHeader(spec: FileSpec, fields: string[]): HeaderResult {
  const names = fields.map(headerName);
  const columns: Header['columns'] = [];
  const missing: string[] = [];
  for (const column of spec.columns) {
    const index = names.indexOf(column.name);
    if (index >= 0 && names.indexOf(column.name, index + 1) >= 0) {
      return { ok: false, message: `the header has the column ${column.name} twice` };
    }
    if (index >= 0) columns.push({ column, index });
    else if (column.required) missing.push(column.name);
  }
  if (missing.length > 0) {
    const s = missing.length > 1 ? 's' : '';
    return {
      ok: false,
      message: `the header lacks the required column${s} ${missing.join(', ')} (found: ${names.join(', ')}); file not loaded`,
    };
  }
  return { ok: true, header: { width: fields.length, columns } };
}

/**
 * Turns a record into a row of SQL parameters. Fewer fields than the header means empty trailing
 * cells; more fields is refused, as values would land in the wrong columns (an unquoted comma).
 */
export function toRow(header: Header, fields: string[]): RowResult {
  if (fields.length > header.width) {
    return {
      ok: false,
      message: `has ${fields.length} fields but the header has ${header.width} (a comma inside an unquoted value?)`,
    };
  }
  const row: Row = {};
  const problems: string[] = [];
  for (const { column, index } of header.columns) {
    const value = (fields[index] ?? '').trim();
    try {
      row[column.name] = parseCell(column, value);
    } catch (err) {
      if (!(err instanceof CellError)) throw err;
      problems.push(err.message);
    }
  }
  return problems.length > 0 ? { ok: false, message: problems.join('; ') } : { ok: true, row };
}

function parseCell(column: Column, value: string): string | string[] | null {
  if (value === '') {
    if (column.required) throw new CellError(`${column.name} is empty but required`);
    return column.type === 'text[]' ? [] : null;
  }
  const parsed = column.parse(value);
  return parsed === '' ? null : parsed;
}

/** The row's primary key as one string, to find repeats inside a file. */
export function rowKey(spec: FileSpec, row: Row): string {
  return JSON.stringify(spec.key.map((k) => row[k]));
}
