import pg from 'pg';
import type { Db } from '../db/db.ts';
import { migrate } from '../db/migrate.ts';
import { openScratchDatabase } from '../db/open.ts';
import { openPostgres } from '../db/postgres.ts';

/**
 * Tests run twice: on PGlite (default) and on the local PostgreSQL server
 * (`ORDERCAP_TEST_DB=postgres`, server at ORDERCAP_TEST_PG_URL or 127.0.0.1:5432/test).
 */
export const testEngine: 'pglite' | 'postgres' =
  process.env.ORDERCAP_TEST_DB === 'postgres' ? 'postgres' : 'pglite';

const adminUrl = process.env.ORDERCAP_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  db: Db;
  /** Connection string for child processes (PostgreSQL only; null on PGlite). */
  url: string | null;
  close(): Promise<void>;
}

/** A fresh, migrated, empty database of the engine under test. */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (testEngine === 'pglite') {
    const db = await openScratchDatabase();
    return { db, url: null, close: () => db.close() };
  }
  const name = `oc_test_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = withDatabase(adminUrl, name);
  const db = await openPostgres(url, 8);
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

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
