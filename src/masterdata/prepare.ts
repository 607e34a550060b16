import { type CsvRecord, parseCsv } from './csv.ts';
import type { FileSpec, Row } from './files.ts';
import { type Header, mapHeader, rowKey, toRow } from './rows.ts';
import type { UpsertTarget } from './upsert.ts';

/** A row that was not loaded: 1-based physical line where its record starts (header = 1). */
export interface ImportError {
  line: number;
  message: string;
}

/** What happened to one file. `rows` counts data records; `loaded` of them went to the database. */
export interface FileReport {
  file: string;
  rows: number;
  loaded: number;
  errors: ImportError[];
}

/** A file read and checked, ready to upsert; `target` is null when the whole file is refused. */
export interface PreparedFile {
  report: FileReport;
  target: UpsertTarget | null;
  rows: Row[];
}

/** Reads and checks one file's bytes; touches no database. */
export function prepareFile(spec: FileSpec, fileName: string, bytes: Uint8Array): PreparedFile {
  const report: FileReport = { file: fileName, rows: 0, loaded: 0, errors: [] };
  const refuse = (line: number, message: string): PreparedFile => {
    report.errors.push({ line, message });
    return { report, target: null, rows: [] };
  };
  const text = decodeUtf8(bytes);
  if (typeof text !== 'string') return refuse(text.line, text.message);

  const { records, problems } = parseCsv(text);
  const [headerRecord, ...data] = records;
  if (!headerRecord) return refuse(1, 'the file is empty: expected a header row');
  const early = problems.find((p) => p.line < headerRecord.line);
  if (early) return refuse(early.line, `the header row cannot be read: ${early.message}`);
  const header = mapHeader(spec, headerRecord.fields);
  if (!header.ok) {
    report.rows = data.length + problems.length;
    return refuse(headerRecord.line, header.message);
  }

  const rows = collectRows(spec, header.header, data, report);
  for (const p of problems) report.errors.push(p);
  report.errors.sort((a, b) => a.line - b.line);
  report.rows = data.length + problems.length;
  report.loaded = report.rows - report.errors.length;
  const target: UpsertTarget = {
    table: spec.table,
    key: spec.key,
    updatedAt: spec.updatedAt,
    columns: header.header.columns.map(({ column }) => ({ name: column.name, type: column.type })),
  };
  return { report, target, rows };
}

/** Checks each record; repeats of a key are merged (spec.merge) or reported. */
function collectRows(spec: FileSpec, header: Header, data: CsvRecord[], report: FileReport): Row[] {
  const byKey = new Map<string, { line: number; row: Row }>();
  for (const record of data) {
    const r = toRow(header, record.fields);
    if (!r.ok) {
      report.errors.push({ line: record.line, message: r.message });
      continue;
    }
    const key = rowKey(spec, r.row);
    const first = byKey.get(key);
    if (!first) byKey.set(key, { line: record.line, row: r.row });
    else if (spec.merge) first.row = spec.merge(first.row, r.row);
    else {
      const what = spec.key.map((k) => `${k} ${r.row[k]}`).join(', ');
      report.errors.push({ line: record.line, message: `repeats ${what} of line ${first.line}; ignored` });
    }
  }
  return [...byKey.values()].map((v) => v.row);
}

/** Strict UTF-8: a file saved as Windows-1252 is refused, not loaded with garbled names. */
function decodeUtf8(bytes: Uint8Array): string | { line: number; message: string } {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const bad = firstInvalidUtf8Line(bytes);
    return {
      line: bad,
      message: `the file is not UTF-8 text (first bad character on line ${bad}): save it as "CSV UTF-8"; file not loaded`,
    };
  }
}

function firstInvalidUtf8Line(bytes: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      try {
        decoder.decode(bytes.subarray(start, i));
      } catch {
        return line;
      }
      line++;
      start = i + 1;
    }
  }
  return 1;
}
