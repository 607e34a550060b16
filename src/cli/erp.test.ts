import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/open.ts';
import { runErp } from './erp.ts';
import { eventsOf, insertAcceptedOrder, outboxRow, sampleOrder } from '../erp/test-support.ts';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../bin/order-capture.js', import.meta.url));

/** `order-capture erp retry` run as the program, on an embedded database in a folder of its own. */
describe('order-capture erp retry', () => {
  let dir: string;
  const env = () => ({ ...process.env, DATABASE_URL: '', ORDERCAP_DATA_DIR: dir, ORDERCAP_CONFIG: '' });
  /** In-process, as main.ts runs it: starting the program anew for each call costs seconds. */
  const cli = async (...args: string[]) => {
    const lines: string[] = [];
    const code = await runErp(['retry', ...args], (l) => lines.push(l), env());
    return { code, out: lines.join('\n') };
  };
  const ids: number[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'erp-retry-cli-'));
    const db = await openDatabase({ databaseUrl: null, dataDir: dir });
    for (let i = 1; i <= 3; i++) ids.push(await insertAcceptedOrder(db, sampleOrder(i)));
    await db.query(
      `UPDATE erp_outbox SET status = 'failed', last_error = 'HTTP 422: blocked' WHERE order_id = ANY($1)`,
      [ids],
    );
    await db.query(`UPDATE orders SET status = 'failed' WHERE id = ANY($1)`, [ids]);
    await db.close();
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('refuses a call without --all or ids, and both at once (exit 2, as the program)', async () => {
    const both = await run(process.execPath, [BIN, 'erp', 'retry', '--all', '1'], { env: env() }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(both).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/either --all or one or more order ids/),
    });
    await expect(cli()).rejects.toMatchObject({ code: 'input_invalid' });
    await expect(cli('x1')).rejects.toThrow(/not an order id: x1/);
  });

  it('queues the orders named, then all the rest, and says what it did', async () => {
    const one = await cli(String(ids[1]), '424242');
    expect(one.code).toBe(1);
    expect(one.out).toMatch(
      new RegExp(
        `order ${ids[1]}: queued again \\(key oc-${ids[1]}-[0-9a-f]+; last error: HTTP 422: blocked\\)`,
      ),
    );
    expect(one.out).toMatch(/order 424242: not queued, no such order/);
    const all = await cli('--all');
    expect(all.code).toBe(0);
    expect(
      all.out
        .trim()
        .split('\n')
        .map((l) => l.split(':')[0]),
    ).toEqual([`order ${ids[0]}`, `order ${ids[2]}`]);
    expect((await cli('--all')).out).toMatch(/no failed ERP deliveries/);

    const db = await openDatabase({ databaseUrl: null, dataDir: dir });
    try {
      for (const id of ids) expect((await outboxRow(db, id)).status).toBe('pending');
      expect(await eventsOf(db, ids[0]!, 'order.delivery_resent')).toHaveLength(1);
    } finally {
      await db.close();
    }
  });
});
