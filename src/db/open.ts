import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Db } from './db.ts';
import { type DirectoryLock, lockDirectory } from './lock.ts';
import { loadMigrations, migrate } from './migrate.ts';
import { dumpPglite, openPglite } from './pglite.ts';
import { openPostgres } from './postgres.ts';
import { PROJECT_ROOT as projectRoot } from '../project-root.ts';

export interface DatabaseOptions {
  databaseUrl: string | null;
  dataDir: string;
  /** Pool size on PostgreSQL. */
  maxConnections?: number;
}

/** Opens the configured database (PostgreSQL when a URL is given, else PGlite) and migrates it. */
export async function openDatabase(opts: DatabaseOptions): Promise<Db> {
  let db: Db;
  if (opts.databaseUrl) {
    db = await openPostgres(opts.databaseUrl, opts.maxConnections);
  } else {
    const dir = join(opts.dataDir, 'pglite');
    await mkdir(opts.dataDir, { recursive: true });
    const lock = lockDirectory(join(opts.dataDir, 'pglite.lock'), `in ${dir}`);
    try {
      // A new PGlite folder costs ~7 s to initialise; starting from the migrated template dump is fast.
      const seed = existsSync(dir) ? undefined : await embeddedTemplate();
      db = releasingOnClose(await openPglite(dir, seed), lock);
    } catch (err) {
      lock.release();
      throw err;
    }
  }
  try {
    await migrate(db);
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}

/** The same database, whose close() also gives the folder's lock back. */
function releasingOnClose(db: Db, lock: DirectoryLock): Db {
  const close = db.close.bind(db);
  return Object.assign(db, {
    close: async () => {
      try {
        await close();
      } finally {
        lock.release();
      }
    },
  });
}

/**
 * A new, migrated, in-memory database: `extract --data`, tests, benchmarks. Its whole data lives
 * in memory already, so a small buffer cache (16 MB, not 128) costs no reads and ~70-85 MB less
 * resident memory.
 */
export const SCRATCH_SHARED_BUFFERS_MB = 16;
export async function openScratchDatabase(): Promise<Db> {
  const db = await openPglite('memory://', await embeddedTemplate(), {
    sharedBuffersMb: SCRATCH_SHARED_BUFFERS_MB,
  });
  await migrate(db);
  return db;
}

/**
 * The gzip dump of a freshly migrated PGlite database, built once per schema version and kept
 * under node_modules/.cache (a few MB).
 */
export async function embeddedTemplate(): Promise<Blob> {
  const migrations = await loadMigrations();
  const hash = createHash('sha256');
  for (const m of migrations) hash.update(m.name).update(m.sql);
  const file = join(
    projectRoot,
    'node_modules',
    '.cache',
    'order-capture',
    `pglite-${hash.digest('hex').slice(0, 16)}.tgz`,
  );
  try {
    return new Blob([await readFile(file)]);
  } catch {
    const db = await openPglite('memory://');
    await migrate(db);
    const blob = await dumpPglite(db);
    await db.close();
    await mkdir(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, Buffer.from(await blob.arrayBuffer()));
    await rename(tmp, file);
    return blob;
  }
}
