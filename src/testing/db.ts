import pg from 'pg';
import type { Db } from '../db/db.ts';
import { migrate } from '../db/migrate.ts';
import { scratchTemplate } from '../db/open.ts';
import { openPglite } from '../db/pglite.ts';
import { openPostgres } from '../db/postgres.ts';

/**
 * The engine under test. Files named `*.db.test.ts` run twice, on PGlite (vitest project
 * `pglite`) and on PostgreSQL (project `postgres`); vitest.config.ts sets ORDERCAP_TEST_DB for
 * each. Every other test file runs once with ORDERCAP_TEST_DB=none, where createTestDatabase()
 * refuses: a file that needs the engine under test must say so in its name.
 */
export const testEngine: 'pglite' | 'postgres' =
  process.env.ORDERCAP_TEST_DB === 'postgres' ? 'postgres' : 'pglite';

/**
 * The PostgreSQL server the tests create their databases on: ORDERCAP_TEST_DATABASE_URL (the
 * postgres project's global setup points it at an embedded server when nothing answers at the
 * default), else ORDERCAP_TEST_PG_URL (older name), else the local server's `test` database.
 */
export function testPostgresUrl(): string {
  return (
    process.env.ORDERCAP_TEST_DATABASE_URL ??
    process.env.ORDERCAP_TEST_PG_URL ??
    'postgres://postgres@127.0.0.1:5432/test'
  );
}

/** Set by the postgres project's global setup: a migrated database to copy (CREATE DATABASE ... TEMPLATE). */
const templateName = process.env.ORDERCAP_TEST_PG_TEMPLATE ?? null;

export interface TestDatabase {
  db: Db;
  /** Connection string for child processes (PostgreSQL only; null on PGlite). */
  url: string | null;
  close(): Promise<void>;
}

/**
 * The migrated PGlite template read once per test process: the scratch template (the migrated
 * database alone, a plain tar, handed to PGlite as it is), not the gzipped one with PostgreSQL's
 * template databases, which cost each test database a Blob copy and a 42 MB untar instead of 27.
 */
let pgliteTemplate: Promise<Uint8Array> | null = null;
function unpackedTemplate(): Promise<Uint8Array> {
  pgliteTemplate ??= scratchTemplate();
  return pgliteTemplate;
}

/** A fresh, migrated, empty database of the engine under test. */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (process.env.ORDERCAP_TEST_DB === 'none') {
    throw new Error(
      'this test file uses the engine under test: name it *.db.test.ts so that it runs on PGlite and on PostgreSQL',
    );
  }
  if (testEngine === 'pglite') {
    const db = await openPglite('memory://', await unpackedTemplate());
    await migrate(db);
    return { db, url: null, close: () => db.close() };
  }
  const adminUrl = testPostgresUrl();
  const name = `oc_test_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}${templateName ? ` TEMPLATE ${templateName}` : ''}`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(adminUrl, name);
  const db = await openPostgres(url, 8);
  // A no-op on a copy of the migrated template; the whole schema where there is none (scripts).
  await migrate(db);
  return {
    db,
    url,
    close: async () => {
      // Dropped even when the test closed the pool itself (a test of a database gone away).
      try {
        await db.close();
      } finally {
        const a = new pg.Client({ connectionString: adminUrl });
        await a.connect();
        await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await a.end();
      }
    },
  };
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * Empties every table of a test database and restarts its identities: what a new one holds (no
 * migration inserts rows), for files that share one database between tests instead of opening
 * one per test (a PGlite start is seconds; TRUNCATE is milliseconds). The pool's sessions stay.
 */
export async function emptyTestDatabase(db: Db): Promise<void> {
  const tables = await db.query<{ name: string }>(
    `SELECT quote_ident(tablename) AS name FROM pg_tables
      WHERE schemaname = 'public' AND tablename <> 'schema_migrations'`,
  );
  if (tables.length > 0) {
    await db.exec(`TRUNCATE ${tables.map((t) => t.name).join(', ')} RESTART IDENTITY CASCADE`);
  }
}
