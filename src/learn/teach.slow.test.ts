/**
 * The teaching commands as programs (`extract --teach`, `teach FILE ORDER.json`, `teach --history`
 * of 50 past orders): each runs on its own PGlite (`--data`, or ORDERCAP_DATA_DIR without
 * DATABASE_URL), never on the engine under test, so this runs once; the learner on the engine
 * under test is teach.slow.db.test.ts.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExtractLine } from '../cli/extract.ts';
import { DEMO_MASTER_DATA } from '../testing/pipeline.ts';
import { oddDocument, oddStyle, unlabelledPo, writeDocument } from './testing.ts';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../bin/order-capture.js', import.meta.url));

const parse = (stdout: string): ExtractLine[] =>
  stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'learn-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('order-capture extract --teach (the program)', () => {
  it('accepts the next document of a taught layout untouched, and a copy of the taught order is a duplicate', async () => {
    const style = oddStyle();
    const first = await oddDocument(style, 1);
    const second = await oddDocument(style, 2);
    await writeDocument(join(dir, 'cli', 'taught'), 'first', first);
    const next = await writeDocument(join(dir, 'cli'), 'second', second);
    const copy = await writeDocument(join(dir, 'cli'), 'first-again', first);
    const pairs = join(dir, 'cli', 'pairs.ndjson');
    await writeFile(pairs, `${JSON.stringify({ source: 'taught/first.pdf', order: first.order })}\n`);

    // The generic reader alone: no label names the PO number, a person must look (it may find the
    // number by the shape of the customer's earlier ones, but only as a proposal for review).
    const alone = parse(
      (await run('node', [BIN, 'extract', '--data', DEMO_MASTER_DATA, '--json', next])).stdout,
    );
    expect(alone.map((l) => l.status)).toEqual(['review']);
    expect(unlabelledPo(alone[0]!)).toBe(true);

    const { stdout } = await run('node', [
      BIN,
      'extract',
      '--data',
      DEMO_MASTER_DATA,
      '--teach',
      pairs,
      '--json',
      next,
      copy,
    ]);
    const out = parse(stdout);
    // Taught documents print nothing: one line per extracted file.
    expect(out.map((l) => l.source)).toEqual([next, copy]);
    expect(out[0]!.status).toBe('accepted');
    expect(out[0]!.order).toMatchObject({
      poNumber: second.order.poNumber,
      orderDate: second.order.orderDate,
      deliveryDate: second.order.deliveryDate,
      total: second.order.total,
    });
    expect(out[0]!.order!.lines.map((l) => [l.sku, l.quantity, l.unitPrice])).toEqual(
      second.order.lines.map((l) => [l.sku, l.quantity, l.unitPrice]),
    );
    expect(out[1]!.status).toBe('review');
    expect(out[1]!.findings.map((f) => f.code)).toContain('duplicate_order');
  }, 400_000);

  it('teach FILE ORDER.json and teach --history DIR work on the configured database', async () => {
    const { DATABASE_URL: _, ...inherited } = process.env;
    const env = { ...inherited, ORDERCAP_DATA_DIR: join(dir, 'data') };
    await run('node', [BIN, 'import', DEMO_MASTER_DATA], { env });
    const history = join(dir, 'history');
    const c042 = oddStyle('C042');
    const c107 = oddStyle('C107');
    // Fifty past orders of two customers, each beside its confirmed order.
    for (let i = 0; i < 25; i++) {
      await writeDocument(
        history,
        `c042-${String(i).padStart(2, '0')}`,
        await oddDocument(c042, 100 + i),
        true,
      );
      await writeDocument(
        history,
        `c107-${String(i).padStart(2, '0')}`,
        await oddDocument(c107, 200 + i),
        true,
      );
    }
    // A document without its confirmed order beside it is not history.
    await writeDocument(history, 'loose', await oddDocument(c042, 30));
    const hist = await run('node', [BIN, 'teach', '--history', history], { env, maxBuffer: 16 << 20 });
    // Progress on stderr, every tenth of the way.
    const steps = hist.stderr.match(/teach: \d+\/50 \(\d+ %\)/g) ?? [];
    expect(steps.length).toBeGreaterThanOrEqual(10);
    expect(steps.at(0)).toMatch(/teach: 5\/50 \(10 %\)/);
    expect(steps.at(-1)).toMatch(/teach: 50\/50 \(100 %\)/);
    // The summary on stdout: one layout per customer, learned once and confirmed by the others.
    expect(hist.stdout).toContain('taught 50 of 50 document(s)');
    expect(hist.stdout).toMatch(/customer C042 {2}layout C042\/\d+: 25 document\(s\)/);
    expect(hist.stdout).toMatch(/customer C107 {2}layout C107\/\d+: 25 document\(s\)/);
    expect(hist.stdout).not.toContain('loose');

    const one = await oddDocument(c042, 40);
    const file = await writeDocument(join(dir, 'one'), 'one', one);
    await writeFile(join(dir, 'one', 'one.json'), JSON.stringify(one.order));
    const taught = await run('node', [BIN, 'teach', file, join(dir, 'one', 'one.json')], { env });
    expect(taught.stdout).toMatch(/one\.pdf: document \d+, customer C042, layout C042\/\d+ \(same\)/);

    const next = await writeDocument(join(dir, 'one'), 'next', await oddDocument(c042, 41));
    const again = await writeDocument(join(dir, 'one'), 'again', one);
    const out = parse((await run('node', [BIN, 'extract', '--json', next, again], { env })).stdout);
    expect(out.map((l) => l.status)).toEqual(['accepted', 'review']);
    expect(out[1]!.findings.map((f) => f.code)).toContain('duplicate_order');
  }, 900_000);
});
