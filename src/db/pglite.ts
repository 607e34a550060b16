import { PGlite } from '@electric-sql/pglite';
import type { Db, Queryable } from './db.ts';
import { TYPE_PARSERS } from './db.ts';

export interface PgliteOptions {
  /** PostgreSQL's shared_buffers in MB; default PGlite's (128 MB). */
  sharedBuffersMb?: number;
}

/**
 * Opens an embedded database: a folder path, or `memory://` (optionally from a dump, as a Blob or
 * as the bytes of a plain tar).
 */
export async function openPglite(
  dataDir: string,
  loadDataDir?: Blob | Uint8Array,
  opts: PgliteOptions = {},
): Promise<Db> {
  const pg = await PGlite.create(dataDir, {
    parsers: TYPE_PARSERS,
    loadDataDir: loadDataDir instanceof Uint8Array ? new BytesBlob(loadDataDir) : loadDataDir,
    ...(opts.sharedBuffersMb ? { postgresqlconf: `shared_buffers = ${opts.sharedBuffersMb}MB` } : {}),
  });
  return new PgliteDb(pg);
}

/**
 * A dump already in memory, for PGlite.create's `loadDataDir`, which reads it with arrayBuffer()
 * only. Node 20's Blob copies its contents out in 64 KB pieces and joins them: 50-200 ms for a
 * 27 MB scratch template at every open. This one hands the bytes over as they are (PGlite copies
 * each file out of them and never writes to them, so one template serves every open). Only for
 * that: its other methods see an empty Blob.
 */
class BytesBlob extends Blob {
  readonly #content: Uint8Array;

  constructor(content: Uint8Array) {
    super([]);
    this.#content = content;
  }

  override arrayBuffer(): Promise<ArrayBuffer> {
    const b = this.#content;
    const whole =
      b.byteOffset === 0 && b.byteLength === b.buffer.byteLength && b.buffer instanceof ArrayBuffer;
    return Promise.resolve(whole ? (b.buffer as ArrayBuffer) : (b.slice().buffer as ArrayBuffer));
  }
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
