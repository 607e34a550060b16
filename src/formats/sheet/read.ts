/** CSV and XLSX order sheets: bytes in, ExtractOutcome out. */
import type { ExtractOutcome } from '../../domain/extraction.ts';
import { finding } from '../../domain/findings.ts';
import { csvGrid } from './csv.ts';
import { type Cell, readSheet, type Sheet } from './grid.ts';

/** Sheets beyond this are not read: an order is on the first ones. */
const MAX_SHEETS = 20;
/** An XLSX is a ZIP: more than this unpacked is refused before it is read (a zip bomb). */
export const MAX_XLSX_BYTES = 20 * 1024 * 1024;

function outcome(sheets: Sheet[], what: string): ExtractOutcome {
  const orders = [];
  for (const sheet of sheets) {
    const found = readSheet(sheet);
    if (!found) continue;
    for (const o of found) {
      const lines = sheet.rows.map((r) =>
        r.map((c) => (c instanceof Date ? c.toISOString().slice(0, 10) : (c ?? ''))).join('\t'),
      );
      orders.push(o.draft.finish({ reference: o.reference, sourceText: lines.join('\n').slice(0, 20_000) }));
    }
    // The first sheet with an order table is the order; others are price lists, notes, terms.
    if (orders.length > 0) break;
  }
  if (orders.length === 0) {
    const why = `The ${what} has no order table: no row among the first ones names a quantity column and an article, EAN or description column.`;
    return { kind: 'rejected', findings: [finding('not_an_order', 'error', null, why)] };
  }
  return { kind: 'orders', orders, findings: [] };
}

export function readCsv(bytes: Buffer): ExtractOutcome {
  try {
    return outcome([{ name: null, rows: csvGrid(bytes) }], 'CSV file');
  } catch (err) {
    return {
      kind: 'rejected',
      findings: [
        finding(
          'unreadable_document',
          'error',
          null,
          `The CSV file could not be read: ${(err as Error).message}`,
        ),
      ],
    };
  }
}

/** The total uncompressed size the ZIP's central directory declares, or null when it cannot be read. */
function declaredSize(bytes: Buffer): number | null {
  const end = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end === -1 || end + 22 > bytes.length) return null;
  let at = bytes.readUInt32LE(end + 16);
  const count = bytes.readUInt16LE(end + 10);
  let total = 0;
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || bytes.readUInt32LE(at) !== 0x02014b50) return null;
    total += bytes.readUInt32LE(at + 24);
    at += 46 + bytes.readUInt16LE(at + 28) + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
  }
  return total;
}

export async function readXlsx(bytes: Buffer): Promise<ExtractOutcome> {
  const size = declaredSize(bytes);
  if (size === null || size > MAX_XLSX_BYTES) {
    const why =
      size === null
        ? 'The spreadsheet is not a readable XLSX file (its ZIP directory is damaged).'
        : `The spreadsheet unpacks to ${Math.round(size / 1e6)} MB, more than an order sheet can be (${MAX_XLSX_BYTES / 1e6} MB).`;
    return { kind: 'rejected', findings: [finding('unreadable_document', 'error', null, why)] };
  }
  try {
    // Loaded with the first workbook: runs that read none never pay its start-up.
    const { default: readXlsxFile } = await import('read-excel-file/node');
    const sheets = await readXlsxFile(bytes);
    return outcome(
      sheets.slice(0, MAX_SHEETS).map((s) => ({ name: s.sheet, rows: s.data as unknown as Cell[][] })),
      'spreadsheet',
    );
  } catch (err) {
    const why = `The spreadsheet could not be read: ${(err as Error).message}`;
    return { kind: 'rejected', findings: [finding('unreadable_document', 'error', null, why)] };
  }
}

/** An XLSX (Office Open XML workbook): a ZIP whose entries include `xl/workbook.xml`. */
export function looksLikeXlsx(bytes: Buffer): boolean {
  if (bytes.subarray(0, 4).toString('latin1') !== 'PK\x03\x04') return false;
  return (
    bytes.includes('xl/workbook.xml') || (bytes.includes('[Content_Types].xml') && bytes.includes('xl/'))
  );
}
