import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../db/db.ts';
import { openPostgres } from '../db/postgres.ts';
import { createTestDatabase, type TestDatabase } from '../testing/db.ts';
import { LeasedQueue } from './leased.ts';

/** A table of its own with the columns every leased queue has, and one of a queue's own. */
const TABLE = `CREATE TABLE leased_test (
  id bigint PRIMARY KEY,
  status text NOT NULL DEFAULT 'pending',
  attempts integer NOT NULL DEFAULT 0,
  run_at timestamptz NOT NULL DEFAULT now(),
  locked_by text,
  locked_until timestamptz,
  last_error text,
  note text)`;

const queue = new LeasedQueue({ table: 'leased_test', key: 'id', dueColumn: 'run_at' });
const ROWS = 60;

describe('the leased queue', () => {
  let t: TestDatabase;
  let second: Db;
  beforeAll(async () => {
    t = await createTestDatabase();
    // On PostgreSQL a second pool: another process, as far as the server can tell.
    second = t.url ? await openPostgres(t.url, 4) : t.db;
    await t.db.exec(TABLE);
  });
  afterAll(async () => {
    if (second !== t.db) await second.close();
    await t.close();
  });
  beforeEach(async () => {
    await t.db.query(`DELETE FROM leased_test`);
    await t.db.query(`INSERT INTO leased_test (id) SELECT g FROM generate_series(1, $1::int) g`, [ROWS]);
  });

  const claim = (db: Db, holder: string, limit: number, leaseMs = 60_000) =>
    queue.claim<{ key: number; attempts: number; locked_by: string }>(db, {
      holder,
      leaseMs,
      limit,
      orderBy: 't.id',
      returning: 'b.attempts, b.locked_by',
    });

  it('never hands one row to two consumers claiming at once', async () => {
    const a: number[] = [];
    const b: number[] = [];
    // Small claims, interleaved, from two pools, until nothing is left.
    const drain = async (db: Db, holder: string, into: number[]) => {
      for (;;) {
        const rows = await claim(db, holder, 3);
        if (rows.length === 0) return;
        into.push(...rows.map((r) => Number(r.key)));
      }
    };
    await Promise.all([drain(t.db, 'a', a), drain(second, 'b', b)]);
    expect(a.filter((id) => b.includes(id))).toEqual([]);
    expect([...a, ...b].sort((x, y) => x - y)).toEqual(Array.from({ length: ROWS }, (_, i) => i + 1));
    const [{ n }] = (await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM leased_test WHERE attempts = 1 AND locked_by IS NOT NULL`,
    )) as [{ n: number }];
    expect(n).toBe(ROWS);
  });

  it('gives a row whose lease ran out to the next claim, and the old holder writes nothing', async () => {
    const [old] = await claim(t.db, 'old', 1, 50);
    expect(old).toMatchObject({ key: 1, attempts: 1, locked_by: 'old' });
    // Not yet: the lease still holds.
    expect((await claim(second, 'early', 1)).map((r) => Number(r.key))).toEqual([2]);
    await new Promise((r) => setTimeout(r, 120));
    const [taken] = await claim(second, 'new', 1);
    expect(taken).toMatchObject({ key: 1, attempts: 2, locked_by: 'new' });
    const lost = { key: 1, lease: 'old' };
    expect(await queue.extend(t.db, lost, 60_000)).toBe(false);
    expect(await queue.settle(t.db, [{ ...lost, status: 'done', error: null, delayMs: null }])).toEqual(
      new Set(),
    );
    expect(await queue.remove(t.db, lost)).toBe(false);
    expect(await queue.release(t.db, [lost])).toEqual([]);
    // The new holder's writes land.
    const held = { key: 1, lease: 'new' };
    expect(await queue.extend(second, held, 60_000)).toBe(true);
    expect(await queue.settle(second, [{ ...held, status: 'done', error: null, delayMs: null }])).toEqual(
      new Set([1]),
    );
    const [row] = await t.db.query(`SELECT status, locked_by, locked_until FROM leased_test WHERE id = 1`);
    expect(row).toEqual({ status: 'done', locked_by: null, locked_until: null });
  });

  it('release hands rows back uncounted, in their place; a retry waits out its delay', async () => {
    const rows = await claim(t.db, 'h', 2);
    expect(
      await queue.release(
        t.db,
        rows.map((r) => ({ key: Number(r.key), lease: 'h' })),
      ),
    ).toEqual([1, 2]);
    const again = await claim(second, 'h2', 2);
    expect(again.map((r) => [Number(r.key), r.attempts])).toEqual([
      [1, 1],
      [2, 1],
    ]);
    // Row 1 retries in an hour (status kept), row 2 ends with its own column written.
    const written = await queue.settle(
      second,
      [
        { key: 1, lease: 'h2', status: null, error: 'busy', delayMs: 3_600_000 },
        { key: 2, lease: 'h2', status: 'done', error: null, delayMs: null },
      ],
      { note: { type: 'text', values: [null, 'ref-2'], set: 'note = u.note' } },
    );
    expect(written).toEqual(new Set([1, 2]));
    const state = await t.db.query(
      `SELECT id, status, last_error, note, run_at > now() + interval '59 minutes' AS later
         FROM leased_test WHERE id <= 2 ORDER BY id`,
    );
    expect(state).toEqual([
      { id: 1, status: 'pending', last_error: 'busy', note: null, later: true },
      { id: 2, status: 'done', last_error: null, note: 'ref-2', later: false },
    ]);
    // Neither comes back: one is not due, the other is no longer pending.
    expect((await claim(t.db, 'h3', 2)).map((r) => Number(r.key))).toEqual([3, 4]);
  });
});
