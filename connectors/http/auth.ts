import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../src/context.ts';
import { hashToken, TOKEN_PREFIX, type TokenOwner, verifyToken } from '../../src/customers/tokens.ts';
import type { Queryable } from '../../src/db/db.ts';
import { HttpError } from '../../src/http/errors.ts';
import { noteCustomer } from '../../src/http/server.ts';

/** The customer a request acts for. A token only ever acts for its own customer. */
export interface Principal extends TokenOwner {
  /**
   * The raw credential of the request: the API token (Bearer) or the portal session's cookie.
   * Needed to derive the portal's CSRF token; never logged or stored.
   */
  token: string;
}

export const SESSION_COOKIE = 'oc_portal';
/**
 * Which customer this browser's portal session is for, not secret, sent (SameSite=Lax) also when
 * a link from another site is followed, when the session cookie itself (Strict) is not: it lets
 * `/portal?token=` see that the browser is signed in as someone else and ask before switching.
 */
export const WHO_COOKIE = 'oc_portal_who';
const SESSION_SECONDS = 12 * 60 * 60;
/** Portal session cookies: never the `oc_` prefix of access tokens, so no API check mistakes one. */
const SESSION_PREFIX = 'ocs_';
const SESSION_PATTERN = /^ocs_[A-Za-z0-9_-]{43}$/;

const principals = new WeakMap<FastifyRequest, Principal>();

/** The authenticated customer of a request; 401 when the route's auth hook found none. */
export function principalOf(request: FastifyRequest): Principal {
  const p = principals.get(request);
  if (!p) throw new HttpError('unauthorized', 'a valid customer token is required');
  return p;
}

/** The authenticated customer of a request, if any (pages that also show to strangers). */
export function findPrincipal(request: FastifyRequest): Principal | null {
  return principals.get(request) ?? null;
}

/** Resolves an API token to its customer and binds it to the request; false when the token is not valid. */
export async function signIn(
  ctx: AppContext,
  request: FastifyRequest,
  token: string | null,
): Promise<boolean> {
  if (!token) return false;
  const owner = await verifyToken(ctx.db, token);
  if (!owner) return false;
  principals.set(request, { ...owner, token });
  noteCustomer(request, owner.customerId);
  return true;
}

// ---------------------------------------------------------------------------------------------
// Portal sessions

/**
 * Opens a portal session from an access token: a new random cookie value whose SHA-256 alone is
 * stored, expiring after 12 hours, tied to the token (revoking the token ends it). Null when the
 * token is not valid. The access token itself never goes into a cookie.
 */
export async function openPortalSession(
  db: Queryable,
  token: string,
  now = new Date(),
): Promise<{ cookie: string; owner: TokenOwner } | null> {
  const owner = await verifyToken(db, token);
  if (!owner) return null;
  const cookie = SESSION_PREFIX + randomBytes(32).toString('base64url');
  await db.query(`DELETE FROM portal_sessions WHERE expires_at < $1`, [now]);
  const rows = await db.query(
    `INSERT INTO portal_sessions (token_sha256, token_id, expires_at)
     SELECT $1, id, $3 FROM customer_tokens WHERE token_hash = $2 AND revoked_at IS NULL RETURNING 1`,
    [hashToken(cookie), hashToken(token), new Date(now.getTime() + SESSION_SECONDS * 1000)],
  );
  return rows.length > 0 ? { cookie, owner } : null;
}

/** The customer of a live portal session: null when unknown, expired, ended or its token revoked. */
export async function portalSessionOwner(db: Queryable, cookie: string | null): Promise<TokenOwner | null> {
  if (!cookie || !SESSION_PATTERN.test(cookie)) return null;
  const [row] = await db.query<{ customer_id: string; name: string }>(
    `SELECT t.customer_id, c.name
       FROM portal_sessions s
       JOIN customer_tokens t ON t.id = s.token_id AND t.revoked_at IS NULL
       JOIN customers c ON c.id = t.customer_id
      WHERE s.token_sha256 = $1 AND s.expires_at > now()`,
    [hashToken(cookie)],
  );
  return row ? { customerId: row.customer_id, customerName: row.name } : null;
}

/** Ends the portal session of this cookie (logout). */
export async function endPortalSession(db: Queryable, cookie: string | null): Promise<void> {
  if (cookie && SESSION_PATTERN.test(cookie)) {
    await db.query(`DELETE FROM portal_sessions WHERE token_sha256 = $1`, [hashToken(cookie)]);
  }
}

/** Binds the customer of the request's portal session cookie to the request; false when there is none. */
export async function signInWithSession(ctx: AppContext, request: FastifyRequest): Promise<boolean> {
  const cookie = readCookie(request, SESSION_COOKIE);
  const owner = await portalSessionOwner(ctx.db, cookie);
  if (!owner || !cookie) return false;
  principals.set(request, { ...owner, token: cookie });
  noteCustomer(request, owner.customerId);
  return true;
}

/** A string that has the shape of an access token (the `?token=` of a portal link). */
export const looksLikeToken = (s: string): boolean => s.startsWith(TOKEN_PREFIX) && s.length <= 100;

export function bearerToken(request: FastifyRequest): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  return m?.[1] ?? null;
}

/** onRequest hook of the API: Bearer only, so a browser's cookie can never drive the API. */
export function requireBearer(ctx: AppContext) {
  return async (request: FastifyRequest): Promise<void> => {
    if (!(await signIn(ctx, request, bearerToken(request)))) {
      throw new HttpError(
        'unauthorized',
        'a valid customer token is required (Authorization: Bearer <token>)',
      );
    }
  };
}

export function readCookie(request: FastifyRequest, name: string): string | null {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || null;
  }
  return null;
}

/**
 * Keeps the portal session in a cookie scripts cannot read and other sites cannot make us send,
 * and beside it which customer it is for (WHO_COOKIE).
 */
export function setSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  session: string,
  customerId: string,
): void {
  const secure = request.protocol === 'https' ? '; Secure' : '';
  reply.header('Set-Cookie', [
    `${SESSION_COOKIE}=${session}; Path=/portal; HttpOnly; SameSite=Strict; Max-Age=${SESSION_SECONDS}${secure}`,
    `${WHO_COOKIE}=${encodeURIComponent(customerId)}; Path=/portal; HttpOnly; SameSite=Lax; Max-Age=${SESSION_SECONDS}${secure}`,
  ]);
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.header('Set-Cookie', [
    `${SESSION_COOKIE}=; Path=/portal; HttpOnly; SameSite=Strict; Max-Age=0`,
    `${WHO_COOKIE}=; Path=/portal; HttpOnly; SameSite=Lax; Max-Age=0`,
  ]);
}

/** The customer id this browser's portal session was opened for (WHO_COOKIE), if any. */
export function signedInCustomer(request: FastifyRequest): string | null {
  const raw = readCookie(request, WHO_COOKIE);
  if (!raw) return null;
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}

/**
 * The portal's CSRF token, bound to the session: an HMAC keyed by the session cookie, so only a
 * page that was served to the cookie holder can know it. Nothing to store server-side.
 */
export function csrfTokenFor(principal: Principal): string {
  return createHmac('sha256', principal.token).update('order-capture portal form').digest('base64url');
}

export function csrfValid(principal: Principal, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const expected = Buffer.from(csrfTokenFor(principal));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
