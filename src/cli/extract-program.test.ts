/**
 * `order-capture extract` as a program: its output lines and exit statuses. It runs on its own
 * in-memory PGlite (`--data`), never on the engine under test, so this runs once (it was in
 * extract.db.test.ts, where it ran again on each engine to the same effect).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DEMO_MASTER_DATA, FIXTURES } from '../testing/pipeline.ts';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../bin/order-capture.js', import.meta.url));
const FINDINGS = join(FIXTURES, 'findings');

describe('order-capture extract (the program)', () => {
  it('prints one NDJSON line per order, a line for every file, and exits 0', async () => {
    const files = [
      join(FINDINGS, 'price_mismatch.edi'),
      join(FINDINGS, 'unreadable_document.bin'),
      join(FINDINGS, 'price_mismatch.edi'),
      join(FIXTURES, 'findings', 'not_an_order.edi'),
    ];
    const { stdout } = await run(process.execPath, [
      BIN,
      'extract',
      '--data',
      DEMO_MASTER_DATA,
      '--json',
      ...files,
    ]);
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.source, l.status])).toEqual([
      [files[0], 'review'],
      [files[1], 'rejected'],
      [files[2], 'review'],
      [files[3], 'rejected'],
    ]);
    for (const l of lines) {
      expect(Object.keys(l)).toEqual(['source', 'channel', 'status', 'confidence', 'order', 'findings']);
      expect(['email', 'fax', 'edi', 'web', 'scan']).toContain(l.channel);
    }
    // The same order given twice: the second is a duplicate.
    expect(lines[0].findings.map((f: { code: string }) => f.code)).not.toContain('duplicate_order');
    expect(lines[2].findings.map((f: { code: string }) => f.code)).toContain('duplicate_order');
    expect(Object.keys(lines[0].order)).toEqual([
      'customer',
      'poNumber',
      'orderDate',
      'deliveryDate',
      'currency',
      'shipTo',
      'lines',
      'total',
      'notes',
    ]);
  }, 120_000);

  it('answers a usage error with exit status 2', async () => {
    // A file that is not there is a mistake in the command: said at once, nothing processed.
    await expect(
      run(process.execPath, [
        BIN,
        'extract',
        '--data',
        DEMO_MASTER_DATA,
        join(FINDINGS, 'price_mismatch.edi'),
        '/nonexistent/order.edi',
      ]),
    ).rejects.toMatchObject({
      code: 2,
      stdout: '',
      stderr: expect.stringContaining('no such file: /nonexistent/order.edi'),
    });
    await expect(run(process.execPath, [BIN, 'extract'])).rejects.toMatchObject({ code: 2 });
    // From the TypeScript sources through tsx, as without a fresh dist/ (.ci/run builds one, so
    // every other program test here runs the compiled copy): that start works too.
    await expect(
      run(process.execPath, [BIN, 'frobnicate'], { env: { ...process.env, ORDER_CAPTURE_SOURCES: '1' } }),
    ).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('frobnicate') });
    await expect(
      run(process.execPath, [BIN, 'extract', '--data', '/nonexistent', join(FINDINGS, 'missing_field.edi')]),
    ).rejects.toMatchObject({
      code: 2,
      stderr: 'order-capture: cannot read the master-data folder /nonexistent\n',
    });
  }, 120_000);
});
