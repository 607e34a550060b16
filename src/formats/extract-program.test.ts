/**
 * `order-capture extract --data` as a program on every structured format: one accepted line per
 * clean order, with its format's channel. The program reads on its own in-memory PGlite, never
 * on the engine under test, so this runs once (it was in extract.db.test.ts, run on each engine).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DEMO_MASTER_DATA } from '../testing/pipeline.ts';
import { FORMATS } from '../testing/format-files.ts';
import { cleanOrder } from './testing.ts';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../bin/order-capture.js', import.meta.url));

describe('order-capture extract (the program) on every structured format', () => {
  it('prints one accepted line per clean order, with the channel of its format', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'formats-bin-'));
    try {
      const files: string[] = [];
      for (const [name, { file, write }] of Object.entries(FORMATS)) {
        const path = join(dir, `${name}-${file}`);
        await writeFile(path, await write(cleanOrder(`BIN-${name}`)));
        files.push(path);
      }
      const { stdout } = await run(
        process.execPath,
        [BIN, 'extract', '--data', DEMO_MASTER_DATA, '--json', ...files],
        {
          maxBuffer: 10 * 1024 * 1024,
        },
      );
      const lines = stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines.map((l) => [l.source, l.status])).toEqual(files.map((f) => [f, 'accepted']));
      expect(lines.map((l) => l.channel)).toEqual([
        'edi',
        'edi',
        'edi',
        'edi',
        'scan',
        'scan',
        'email',
        'email',
        'edi',
        'email',
        'email',
        'edi',
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
