import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Db } from './db.ts';
import { type DirectoryLock, lockDirectory } from './lock.ts';
import { loadMigrations, migrate } from './migrate.ts';
import { dumpPglite, openPglite } from './pglite.ts';
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
    // Imported here: the PostgreSQL client (~60 ms to load) is not needed on the embedded database.
    const { openPostgres } = await import('./postgres.ts');
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
 * A new, migrated, in-memory database: `extract --data`, tests, benchmarks; from `template` (the
 * bytes of scratchTemplate(), read once for several opens) when given. Its whole data lives
 * in memory already, so a small buffer cache (16 MB, not 128) costs no reads and ~70-85 MB less
 * resident memory.
 */
export const SCRATCH_SHARED_BUFFERS_MB = 16;
export async function openScratchDatabase(template?: Uint8Array): Promise<Db> {
  const db = await openPglite('memory://', template ?? (await scratchTemplate()), {
    sharedBuffersMb: SCRATCH_SHARED_BUFFERS_MB,
  });
  await migrate(db);
  return db;
}

/**
 * The template of scratch databases: the migrated database alone, PostgreSQL's template0 and
 * template1 dropped (a scratch database never creates another), as a plain tar. PGlite unpacks it
 * into memory at every open: 27 MB untarred instead of 42 MB gunzipped and untarred takes one
 * `extract` of an EDIFACT file from ~1.3 s to ~0.65 s of CPU in PGlite's start. Kept beside
 * embeddedTemplate(), same schema hash.
 */
export async function scratchTemplate(): Promise<Uint8Array> {
  const file = await cacheFile('scratch', 'tar');
  try {
    return await readFile(file);
  } catch {
    const db = await openPglite('memory://', await embeddedTemplate());
    await db.exec("UPDATE pg_database SET datistemplate = false WHERE datname IN ('template0', 'template1')");
    await db.exec('DROP DATABASE template0');
    await db.exec('DROP DATABASE template1');
    await db.exec('CHECKPOINT');
    const blob = await dumpPglite(db, 'none');
    await db.close();
    await writeAtomically(file, blob);
    return new Uint8Array(await blob.arrayBuffer());
  }
}

/**
 * The gzip dump of a freshly migrated PGlite database, built once per schema version and kept
 * under node_modules/.cache (a few MB).
 */
export async function embeddedTemplate(): Promise<Blob> {
  const file = await cacheFile('', 'tgz');
  try {
    return new Blob([await readFile(file)]);
  } catch {
    const db = await openPglite('memory://');
    await migrate(db);
    const blob = await dumpPglite(db);
    await db.close();
    await writeAtomically(file, blob);
    return blob;
  }
}

/** node_modules/.cache/order-capture/pglite-[kind-]<schema hash>.<ext>: one per schema version. */
async function cacheFile(kind: string, ext: string): Promise<string> {
  const migrations = await loadMigrations();
  const hash = createHash('sha256');
  for (const m of migrations) hash.update(m.name).update(m.sql);
  const name = `pglite-${kind ? `${kind}-` : ''}${hash.digest('hex').slice(0, 16)}.${ext}`;
  return join(projectRoot, 'node_modules', '.cache', 'order-capture', name);
}

/** Another process reading the file sees the whole of it or none. */
async function writeAtomically(file: string, blob: Blob): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, Buffer.from(await blob.arrayBuffer()));
  await rename(tmp, file);
}
