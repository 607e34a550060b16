import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing/db.ts';
import { hashToken, issueToken, revokeTokens, TOKEN_PREFIX, verifyToken } from './tokens.ts';

describe('customer tokens', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
    await t.db.query(
      `INSERT INTO customers (id, name) VALUES ('C1', 'Ferreteria Lopez SL'), ('C2', 'Otro SA')`,
    );
  });
  afterAll(() => t.close());

  it('issues a prefixed random token and stores only its hash', async () => {
    const token = await issueToken(t.db, 'C1');
    expect(token).toMatch(/^oc_[A-Za-z0-9_-]{43}$/);
    expect(token.startsWith(TOKEN_PREFIX)).toBe(true);
    const rows = await t.db.query<{ token_hash: string }>(
      `SELECT token_hash FROM customer_tokens WHERE customer_id = 'C1'`,
    );
    expect(rows).toEqual([{ token_hash: hashToken(token) }]);
    const all = JSON.stringify(await t.db.query(`SELECT * FROM customer_tokens`));
    expect(all).not.toContain(token);
    expect(all).not.toContain(token.slice(3));
  });

  it('gives a different token each time', async () => {
    expect(await issueToken(t.db, 'C2')).not.toBe(await issueToken(t.db, 'C2'));
  });

  it('refuses an unknown customer with a clear error', async () => {
    await expect(issueToken(t.db, 'NOPE')).rejects.toThrow(/no customer with id "NOPE"/);
  });

  it('takes the customer id in any case, and hints at the right one when it is wrong', async () => {
    const token = await issueToken(t.db, 'c1');
    expect((await verifyToken(t.db, token))?.customerId).toBe('C1');
    await expect(issueToken(t.db, 'lopez')).rejects.toThrow(/did you mean C1\?/);
  });

  it('verifies a token to its own customer', async () => {
    const token = await issueToken(t.db, 'C1');
    expect(await verifyToken(t.db, token)).toEqual({ customerId: 'C1', customerName: 'Ferreteria Lopez SL' });
  });

  it('returns null for unknown or malformed tokens', async () => {
    expect(await verifyToken(t.db, 'oc_doesnotexist')).toBeNull();
    expect(await verifyToken(t.db, 'Bearer x')).toBeNull();
    expect(await verifyToken(t.db, `oc_${'a'.repeat(500)}`)).toBeNull();
    expect(await verifyToken(t.db, '')).toBeNull();
  });

  it('revokes all tokens of one customer only', async () => {
    const a1 = await issueToken(t.db, 'C1');
    const a2 = await issueToken(t.db, 'C1');
    const b = await issueToken(t.db, 'C2');
    expect(await revokeTokens(t.db, 'C1')).toBeGreaterThanOrEqual(2);
    expect(await verifyToken(t.db, a1)).toBeNull();
    expect(await verifyToken(t.db, a2)).toBeNull();
    expect(await verifyToken(t.db, b)).toEqual({ customerId: 'C2', customerName: 'Otro SA' });
    expect(await revokeTokens(t.db, 'C1')).toBe(0);
    const fresh = await issueToken(t.db, 'C1');
    expect(await verifyToken(t.db, fresh)).not.toBeNull();
  });
});
