import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_MASTER_DATA, FIXTURES } from '../testing/pipeline.ts';
import { openDatabase } from './open.ts';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../bin/order-capture.js', import.meta.url));

/** Runs the program on the data folder `dir` (PGlite), never on a PostgreSQL server. */
function cli(dir: string, args: string[]) {
  return run(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH, ORDERCAP_DATA_DIR: dir, ORDERCAP_LOG_LEVEL: 'error' },
  });
}

describe('one process at a time on the embedded database', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'oc-lock-'));
    await cli(dir, ['import', DEMO_MASTER_DATA]);
  }, 120_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('refuses every command while another process holds the folder, with what to do', async () => {
    const db = await openDatabase({ databaseUrl: null, dataDir: dir });
    try {
      const commands = [
        ['token', 'C042'],
        ['import', DEMO_MASTER_DATA],
        ['user', 'add', 'ana', 'Ana Ruiz'],
        ['extract', '--json', join(FIXTURES, 'findings', 'price_mismatch.edi')],
      ];
      const answers = await Promise.all(
        commands.map((args) =>
          cli(dir, args).then(
            () => null,
            (e: { code: number; stderr: string; stdout: string }) => e,
          ),
        ),
      );
      for (const [i, args] of commands.entries()) {
        const err = answers[i];
        expect(err, `${args[0]} must fail`).not.toBeNull();
        expect(err!.code).toBe(3);
        expect(err!.stdout).toBe('');
        expect(err!.stderr).toContain(`in use by process ${process.pid}`);
        expect(err!.stderr).toMatch(/stop that process/);
        expect(err!.stderr).toMatch(/DATABASE_URL/);
      }
      // Nothing the refused commands would have written reached the database.
      expect(await db.query(`SELECT 1 FROM customer_tokens`)).toEqual([]);
      expect(await db.query(`SELECT 1 FROM users WHERE login = 'ana'`)).toEqual([]);
      // The same process cannot open it twice either.
      await expect(openDatabase({ databaseUrl: null, dataDir: dir })).rejects.toMatchObject({
        code: 'database_busy',
      });
    } finally {
      await db.close();
    }
    expect(existsSync(join(dir, 'pglite.lock'))).toBe(false);
  }, 180_000);

  it('a running server holds the folder against token, and gives it back when it stops', async () => {
    const server = spawn(process.execPath, [BIN, 'serve'], {
      env: { PATH: process.env.PATH, ORDERCAP_DATA_DIR: dir, PORT: '0', ORDERCAP_LOG_LEVEL: 'error' },
      stdio: 'ignore',
    });
    try {
      const lock = join(dir, 'pglite.lock');
      for (let i = 0; i < 1200 && !existsSync(lock); i++) await new Promise((r) => setTimeout(r, 50));
      expect(JSON.parse(await readFile(lock, 'utf8')).pid).toBe(server.pid);
      await expect(cli(dir, ['token', 'C042'])).rejects.toMatchObject({ code: 3 });
    } finally {
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await exited;
    }
    expect(existsSync(join(dir, 'pglite.lock'))).toBe(false);
  }, 120_000);

  it('takes over the lock of a process that died, and what it writes is kept', async () => {
    // A pid that cannot be running: the largest Linux allows is 2^22.
    await writeFile(
      join(dir, 'pglite.lock'),
      JSON.stringify({ pid: 4_194_400, host: (await import('node:os')).hostname(), command: 'x' }),
    );
    const { stdout } = await cli(dir, ['token', 'C042']);
    expect(stdout.trim()).toMatch(/^\S{20,}$/);
    const db = await openDatabase({ databaseUrl: null, dataDir: dir });
    try {
      expect(await db.query(`SELECT 1 FROM customer_tokens`)).toHaveLength(1);
    } finally {
      await db.close();
    }
    // The customer id as a person types it; and revoking.
    const { stdout: revoked } = await cli(dir, ['token', 'revoke', 'c042']);
    expect(revoked.trim()).toBe('revoked 1 token(s) of customer C042');
  }, 90_000);
});
