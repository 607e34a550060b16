import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../db/db.ts';
import { OrderCaptureError } from '../errors.ts';

/** Every customer token starts with this, so a leaked one is recognisable in logs and scanners. */
export const TOKEN_PREFIX = 'oc_';

/** 32 random bytes in base64url are 43 characters; anything much longer is not ours. */
const MAX_TOKEN_LENGTH = 100;

/** The customer a valid token acts for. */
export interface TokenOwner {
  customerId: string;
  customerName: string;
}

/** SHA-256 hex of a token: the only form in which a token is ever stored. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Issues a new access token for the customer's web form, portal and API. The token is returned
 * once and only its hash is stored; earlier tokens stay valid until revoked.
 */
export async function issueToken(db: Queryable, customerId: string): Promise<string> {
  const id = await knownCustomerId(db, customerId);
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  await db.query(`INSERT INTO customer_tokens (customer_id, token_hash) VALUES ($1, $2)`, [
    id,
    hashToken(token),
  ]);
  return token;
}

/**
 * The master-data id a person means: `c042` is `C042`. An exact match wins; a spelling that fits
 * several ids, or none, is refused with the ids that come closest.
 */
export async function knownCustomerId(db: Queryable, typed: string): Promise<string> {
  const rows = await db.query<{ id: string }>(
    `SELECT id FROM customers WHERE lower(id) = lower($1) ORDER BY (id = $1) DESC, id LIMIT 5`,
    [typed.trim()],
  );
  if (rows.length === 1 || rows[0]?.id === typed.trim()) return rows[0]!.id;
  if (rows.length > 1) {
    throw new OrderCaptureError(
      'input_invalid',
      `"${typed}" fits several customer ids (${rows.map((r) => r.id).join(', ')}); give the exact one`,
    );
  }
  const near = await db.query<{ id: string }>(
    `SELECT id FROM customers WHERE lower(id) LIKE '%' || lower($1) || '%' OR lower(name) LIKE '%' || lower($1) || '%'
      ORDER BY id LIMIT 5`,
    [typed.trim()],
  );
  const hint =
    near.length > 0 ? `; did you mean ${near.map((r) => r.id).join(', ')}?` : ' (import customers.csv first)';
  throw new OrderCaptureError('input_invalid', `no customer with id "${typed}" in the master data${hint}`);
}

/**
 * The customer a token belongs to, or null for an unknown, malformed or revoked token. The
 * lookup is by hash through the unique index, so no token comparison happens in JS.
 */
export async function verifyToken(db: Queryable, token: string): Promise<TokenOwner | null> {
  if (typeof token !== 'string' || !token.startsWith(TOKEN_PREFIX) || token.length > MAX_TOKEN_LENGTH) {
    return null;
  }
  const [row] = await db.query<{ customer_id: string; name: string }>(
    `SELECT t.customer_id, c.name
       FROM customer_tokens t JOIN customers c ON c.id = t.customer_id
      WHERE t.token_hash = $1 AND t.revoked_at IS NULL`,
    [hashToken(token)],
  );
  return row ? { customerId: row.customer_id, customerName: row.name } : null;
}

/** Revokes every live token of a customer; returns how many were revoked. */
export async function revokeTokens(db: Queryable, customerId: string): Promise<number> {
  const rows = await db.query(
    `UPDATE customer_tokens SET revoked_at = now()
      WHERE customer_id = $1 AND revoked_at IS NULL RETURNING id`,
    [customerId],
  );
  return rows.length;
}
