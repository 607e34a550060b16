import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../src/context.ts';
import { type TokenOwner, verifyToken } from '../../src/customers/tokens.ts';
import { HttpError } from '../../src/http/errors.ts';

/** The customer a request acts for. A token only ever acts for its own customer. */
export interface Principal extends TokenOwner {
  /** The raw token: needed to derive the portal's CSRF token, never logged or stored. */
  token: string;
}

export const SESSION_COOKIE = 'oc_portal';
const SESSION_SECONDS = 12 * 60 * 60;

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

/** For request logs: who, never with what token. */
export function customerOfRequest(request: FastifyRequest): string | null {
  return principals.get(request)?.customerId ?? null;
}

/** Resolves a token to its customer and binds it to the request; false when the token is not valid. */
export async function signIn(
  ctx: AppContext,
  request: FastifyRequest,
  token: string | null,
): Promise<boolean> {
  if (!token) return false;
  const owner = await verifyToken(ctx.db, token);
  if (!owner) return false;
  principals.set(request, { ...owner, token });
  return true;
}

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

/** Keeps the portal token in a cookie scripts cannot read and other sites cannot make us send. */
export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string): void {
  const secure = request.protocol === 'https' ? '; Secure' : '';
  reply.header(
    'Set-Cookie',
    `${SESSION_COOKIE}=${token}; Path=/portal; HttpOnly; SameSite=Strict; Max-Age=${SESSION_SECONDS}${secure}`,
  );
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.header('Set-Cookie', `${SESSION_COOKIE}=; Path=/portal; HttpOnly; SameSite=Strict; Max-Age=0`);
}

/**
 * The portal's CSRF token, bound to the session: an HMAC keyed by the cookie's token, so only a
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
