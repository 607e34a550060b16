import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing/db.ts';
import { migrate } from './migrate.ts';
import { openScratchDatabase, SCRATCH_SHARED_BUFFERS_MB, scratchTemplate } from './open.ts';

describe('database', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t.close());

  it('parses numeric, int8 and date the same on both engines', async () => {
    const [row] = await t.db.query<{ n: number; b: number; d: string; j: unknown }>(
      `SELECT 1234.56::numeric AS n, 9007199254740::int8 AS b, '2026-11-20'::date AS d, $1::jsonb AS j`,
      [JSON.stringify([1, 'a'])],
    );
    expect(row).toEqual({ n: 1234.56, b: 9007199254740, d: '2026-11-20', j: [1, 'a'] });
  });

  it('applies migrations once', async () => {
    expect(await migrate(t.db)).toEqual([]);
    const rows = await t.db.query<{ version: number }>('SELECT version FROM schema_migrations');
    expect(rows.map((r) => r.version)).toContain(1);
  });

  it('rolls a failed transaction back', async () => {
    await expect(
      t.db.transaction(async (tx) => {
        await tx.query(`INSERT INTO customers (id, name) VALUES ('RB1', 'Rollback SA')`);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await t.db.query(`SELECT id FROM customers WHERE id = 'RB1'`)).toEqual([]);
  });

  it('keeps the event log append-only', async () => {
    await t.db.query(`INSERT INTO events (actor, kind) VALUES ('test', 'x')`);
    await expect(t.db.query(`UPDATE events SET kind = 'y'`)).rejects.toThrow(/append-only/);
    await expect(t.db.query(`DELETE FROM events`)).rejects.toThrow(/append-only/);
  });

  it('opens scratch databases from one template in memory, each on its own copy', async () => {
    const template = await scratchTemplate();
    const before = Buffer.from(template).toString('base64');
    const first = await openScratchDatabase(template);
    try {
      await first.query("INSERT INTO customers (id, name) VALUES ('S1', 'Scratch SA')");
    } finally {
      await first.close();
    }
    const second = await openScratchDatabase(template);
    try {
      expect(await second.query('SELECT id FROM customers')).toEqual([]);
    } finally {
      await second.close();
    }
    expect(Buffer.from(template).toString('base64')).toBe(before);
  });

  it('opens a scratch database migrated and with its small buffer cache', async () => {
    const db = await openScratchDatabase();
    try {
      expect(await migrate(db)).toEqual([]);
      const [row] = await db.query<{ sb: string }>("SELECT current_setting('shared_buffers') AS sb");
      expect(row!.sb).toBe(`${SCRATCH_SHARED_BUFFERS_MB}MB`);
      // Opened from the small template: the migrated database alone, no template0/template1.
      const dbs = await db.query<{ datname: string }>('SELECT datname FROM pg_database ORDER BY datname');
      expect(dbs.map((d) => d.datname)).toEqual(['postgres']);
      const [n] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM customers');
      expect(n!.n).toBe(0);
    } finally {
      await db.close();
    }
  });
});
