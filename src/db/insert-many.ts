import type { Queryable } from './db.ts';

/** PostgreSQL's wire protocol carries at most 65,535 parameters per statement. */
const MAX_PARAMS = 65_535;

export interface InsertManyOptions {
  /** Per column, a cast appended to its placeholder, e.g. `::jsonb`. */
  casts?: string[];
  /** SQL appended inside each row's parentheses after the parameters, e.g. `, now()`. */
  rowTail?: string;
  /** SQL after the VALUES list: `ON CONFLICT ...`, `RETURNING ...`. */
  suffix?: string;
}

/**
 * A multi-row INSERT, split into as few statements as the parameter limit allows: one for the
 * usual document, several for a huge one (an interchange with tens of thousands of lines).
 * Returns the rows of every statement's RETURNING clause, in order.
 */
export async function insertMany<T = Record<string, unknown>>(
  q: Queryable,
  head: string,
  rows: unknown[][],
  opts: InsertManyOptions = {},
): Promise<T[]> {
  const width = rows[0]?.length ?? 0;
  if (width === 0) return [];
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS / width));
  const out: T[] = [];
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    const values = chunk.map((_, r) => {
      const cells = Array.from({ length: width }, (_, c) => `$${r * width + c + 1}${opts.casts?.[c] ?? ''}`);
      return `(${cells.join(',')}${opts.rowTail ?? ''})`;
    });
    out.push(...(await q.query<T>(`${head} VALUES ${values.join(',')} ${opts.suffix ?? ''}`, chunk.flat())));
  }
  return out;
}
