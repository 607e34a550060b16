import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from '../db/db.ts';
import { OrderCaptureError } from '../errors.ts';
import { FILE_SPECS, type FileSpec } from './files.ts';
import { type FileReport, prepareFile } from './prepare.ts';
import { upsertRows } from './upsert.ts';

/** One entry per master-data file found in the folder, in load order. */
export interface ImportReport {
  files: FileReport[];
}

/**
 * Loads the master-data CSVs (CONTRACTS.md section 2) found in `dir`. Each file is upserted by
 * primary key in its own transaction: a re-import updates rows in place and never deletes one.
 * Wrong rows are reported and skipped; a file whose header lacks a required column is refused.
 * Throws OrderCaptureError('input_invalid') when `dir` cannot be read.
 */
export async function importMasterData(
  db: Db,
  dir: string,
  /** Told after each file (the command line's progress). */
  onFile?: (file: string) => void,
): Promise<ImportReport> {
  const present = await listFolder(dir);
  const files: FileReport[] = [];
  for (const spec of FILE_SPECS) {
    const name = present.find((n) => n.toLowerCase() === spec.file);
    if (!name) continue;
    files.push(await importFile(db, spec, name, await readFile(join(dir, name))));
    onFile?.(name);
  }
  return { files };
}

/** Checks one file, then upserts its good rows in one transaction. */
export async function importFile(
  db: Db,
  spec: FileSpec,
  fileName: string,
  bytes: Uint8Array,
): Promise<FileReport> {
  const prepared = prepareFile(spec, fileName, bytes);
  const target = prepared.target;
  if (target && prepared.rows.length > 0) {
    await db.transaction((tx) => upsertRows(tx, target, prepared.rows));
  }
  return prepared.report;
}

async function listFolder(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    throw new OrderCaptureError('input_invalid', `cannot read the master-data folder ${dir}`, { cause: err });
  }
}

/**
 * The report as lines a person reads:
 * `customers.csv: 12 rows, 11 loaded, 1 error` then `  customers.csv:7: credit_limit "abc" is not a number`.
 */
export function formatImportReport(report: ImportReport): string {
  if (report.files.length === 0) {
    return `no master-data files found (expected any of ${FILE_SPECS.map((s) => s.file).join(', ')})`;
  }
  const lines: string[] = [];
  for (const f of report.files) {
    lines.push(
      `${f.file}: ${plural(f.rows, 'row')}, ${f.loaded} loaded, ${plural(f.errors.length, 'error')}`,
    );
    for (const e of f.errors) lines.push(`  ${f.file}:${e.line}: ${e.message}`);
  }
  return lines.join('\n');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
