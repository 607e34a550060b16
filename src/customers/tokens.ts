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
  const [customer] = await db.query<{ id: string }>(`SELECT id FROM customers WHERE id = $1`, [customerId]);
  if (!customer) {
    throw new OrderCaptureError(
      'input_invalid',
      `no customer with id "${customerId}" in the master data (import customers.csv first)`,
    );
  }
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  await db.query(`INSERT INTO customer_tokens (customer_id, token_hash) VALUES ($1, $2)`, [
    customerId,
    hashToken(token),
  ]);
  return token;
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
