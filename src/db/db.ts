/**
 * The one door to SQL. Two engines speak the same SQL: PGlite (embedded Postgres in WASM,
 * the bare-machine default) and a real PostgreSQL server through `pg`.
 *
 * Type conventions, identical on both engines: numeric and int8 come back as JS numbers,
 * `date` as a `YYYY-MM-DD` string, timestamptz as Date, jsonb as parsed JSON. Pass jsonb
 * parameters as `JSON.stringify(x)` with an explicit `::jsonb` cast (pg would turn a JS array
 * into a Postgres array literal).
 */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs SQL that may hold several statements and no parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly engine: 'pglite' | 'postgres';
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** OIDs whose text form both engines must parse the same way. */
export const TYPE_PARSERS: Record<number, (value: string) => unknown> = {
  20: (v) => Number(v), // int8
  1700: (v) => Number(v), // numeric
  1082: (v) => v, // date: keep 'YYYY-MM-DD', never a local-midnight Date
};
