import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../bin/order-capture.js', import.meta.url));

describe('order-capture help and version', () => {
  it("prints each command's own help with --help and exits 0, touching no database", async () => {
    const commands = ['extract', 'import', 'token', 'user', 'serve', 'worker', 'demo'];
    const outs = await Promise.all(
      commands.map((command) =>
        run(process.execPath, [BIN, command, '--help'], {
          env: { PATH: process.env.PATH, ORDERCAP_DATA_DIR: '/nonexistent/oc-help' },
        }),
      ),
    );
    outs.forEach(({ stdout }, i) => {
      expect(stdout.startsWith(`usage: order-capture ${commands[i]}`), stdout).toBe(true);
    });
  }, 180_000);

  it('prints its version', async () => {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'));
    const { stdout } = await run(process.execPath, [BIN, '--version']);
    expect(stdout.trim()).toBe(`order-capture ${pkg.version}`);
  }, 60_000);
});
