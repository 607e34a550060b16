import { PGlite } from '@electric-sql/pglite';
import type { Db, Queryable } from './db.ts';
import { TYPE_PARSERS } from './db.ts';

export interface PgliteOptions {
  /** PostgreSQL's shared_buffers in MB; default PGlite's (128 MB). */
  sharedBuffersMb?: number;
}

/** Opens an embedded database: a folder path, or `memory://` (optionally from a dump). */
export async function openPglite(dataDir: string, loadDataDir?: Blob, opts: PgliteOptions = {}): Promise<Db> {
  const pg = await PGlite.create(dataDir, {
    parsers: TYPE_PARSERS,
    loadDataDir,
    ...(opts.sharedBuffersMb ? { postgresqlconf: `shared_buffers = ${opts.sharedBuffersMb}MB` } : {}),
  });
  return new PgliteDb(pg);
}

class PgliteDb implements Db {
  readonly engine = 'pglite' as const;
  constructor(private readonly pg: PGlite) {}

  async query<T>(sql: string, params?: unknown[]): Promise<T[]> {
    const res = await this.pg.query<T>(sql, params);
    return res.rows;
  }

  async exec(sql: string): Promise<void> {
    await this.pg.exec(sql);
  }

  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.pg.transaction(async (tx) =>
      fn({
        query: async <R>(sql: string, params?: unknown[]) => (await tx.query<R>(sql, params)).rows,
        exec: async (sql: string) => {
          await tx.exec(sql);
        },
      }),
    );
  }

  async close(): Promise<void> {
    if (!this.pg.closed) await this.pg.close();
  }

  /** A tarball of the data folder (gzip by default), to start other databases from (test and CLI templates). */
  dump(compression: 'gzip' | 'none'): Promise<Blob> {
    return this.pg.dumpDataDir(compression) as Promise<Blob>;
  }
}

export async function dumpPglite(db: Db, compression: 'gzip' | 'none' = 'gzip'): Promise<Blob> {
  if (!(db instanceof PgliteDb)) throw new TypeError('dumpPglite needs a PGlite database');
  return db.dump(compression);
}
