import pg from 'pg';
import type { Db } from '../src/db/db.ts';
import { migrate } from '../src/db/migrate.ts';
import { openPostgres } from '../src/db/postgres.ts';

/** The PostgreSQL server a bench was pointed at does not answer. */
export class NoPostgresServer extends Error {}

export interface ScratchPostgres {
  db: Db;
  /** Its connection string, for child processes. */
  url: string;
  /** Closes the pool and drops the database. */
  close(): Promise<void>;
}

/**
 * A bench's own database on the PostgreSQL server at `serverUrl` (named `name`, migrated,
 * `pool` connections), dropped again by `close()`, so a bench never touches data it did not make.
 */
export async function scratchPostgres(
  serverUrl: string,
  name: string,
  pool: number,
): Promise<ScratchPostgres> {
  const admin = new pg.Client({ connectionString: serverUrl });
  try {
    await admin.connect();
  } catch (err) {
    throw new NoPostgresServer(`no server at ${serverUrl} (${(err as Error).message})`);
  }
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  let db: Db | null = null;
  const close = async () => {
    await db?.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  };
  try {
    db = await openPostgres(url.toString(), pool);
    await migrate(db);
    return { db, url: url.toString(), close };
  } catch (err) {
    await close().catch(() => {});
    throw err;
  }
}
