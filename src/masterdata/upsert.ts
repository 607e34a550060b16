import type { Queryable } from '../db/db.ts';
import type { SqlType } from './columns.ts';
import type { Row } from './files.ts';

/** Rows per INSERT: well under PostgreSQL's 65,535 parameters for the widest file (9 columns). */
const BATCH_ROWS = 500;

export interface UpsertTarget {
  table: string;
  key: string[];
  /** The columns present in the file; columns the file lacks keep their stored values. */
  columns: Array<{ name: string; type: SqlType }>;
  /** The table has an `updated_at` column to stamp on update. */
  updatedAt: boolean;
}

/**
 * Inserts or updates `rows` by primary key, in multi-row statements (a few per thousand rows).
 * Rows must have distinct keys: ON CONFLICT cannot touch one row twice in one statement.
 */
export async function upsertRows(q: Queryable, target: UpsertTarget, rows: Row[]): Promise<void> {
  const sql = statementFor(target);
  for (let start = 0; start < rows.length; start += BATCH_ROWS) {
    const batch = rows.slice(start, start + BATCH_ROWS);
    const params: unknown[] = [];
    for (const row of batch) for (const c of target.columns) params.push(row[c.name] ?? null);
    await q.query(sql(batch.length), params);
  }
}

function statementFor(target: UpsertTarget): (rowCount: number) => string {
  const names = target.columns.map((c) => c.name);
  const updates = names.filter((n) => !target.key.includes(n)).map((n) => `${n} = EXCLUDED.${n}`);
  if (target.updatedAt) updates.push('updated_at = now()');
  const head = `INSERT INTO ${target.table} (${names.join(', ')}) VALUES `;
  const tail = ` ON CONFLICT (${target.key.join(', ')}) DO UPDATE SET ${updates.join(', ')}`;
  return (rowCount) => {
    const tuples: string[] = [];
    let p = 0;
    for (let r = 0; r < rowCount; r++) {
      tuples.push(`(${target.columns.map((c) => `${placeholder(++p, c.type)}`).join(', ')})`);
    }
    return head + tuples.join(', ') + tail;
  };
}

function placeholder(n: number, type: SqlType): string {
  // An empty list is stored as '{}', the column default, never NULL.
  if (type === 'text[]') return `COALESCE($${n}::text[], '{}')`;
  // An empty yes/no cell is "no", the column default.
  if (type === 'boolean') return `COALESCE($${n}::boolean, false)`;
  return `$${n}::${type}`;
}
