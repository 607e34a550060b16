import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import type { Db, Queryable } from '../db/db.ts';
import { OrderCaptureError } from '../errors.ts';
import { HttpError } from '../http/errors.ts';
import { logEvent } from '../store/events.ts';
import { hashPassword, passwordProblem, verifyPassword } from './passwords.ts';

/**
 * Operators and admins of the review workspace: their accounts, their sessions and the checks
 * every review route makes. Entirely separate from customers: a customer token (Bearer or the
 * portal cookie) is never even looked at here.
 */

export type Role = 'operator' | 'admin';
export type UserLanguage = 'es' | 'en';

/** The signed-in person a review request acts for. */
export interface Operator {
  id: number;
  login: string;
  name: string;
  role: 'operator' | 'admin';
  language: 'es' | 'en' | null;
  /** This session's CSRF token: put it in every form as `_csrf`. */
  csrf: string;
}

/** A user as listed to admins (never with the password hash). */
export interface UserRow {
  id: number;
  login: string;
  name: string;
  role: Role;
  language: UserLanguage | null;
  disabled: boolean;
  created_at: Date;
}

export interface NewUser {
  login: string;
  name: string;
  role: Role;
  password: string;
  language?: UserLanguage | null;
}

export const OPERATOR_COOKIE = 'oc_operator';
const COOKIE_PATH = '/review';
export const SESSION_HOURS = 12;
const SESSION_MS = SESSION_HOURS * 60 * 60 * 1000;
/** 32 random bytes in base64url. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export const LOGIN_PATTERN = /^[a-z0-9][a-z0-9._-]{0,62}$/;
const MAX_NAME_LENGTH = 200;

/** The audit-log actor for a person. */
export const userActor = (login: string): string => `user:${login}`;

/** Logins are compared lower-case and without surrounding blanks. */
export const normalizeLogin = (login: string): string => login.trim().toLowerCase();

const USER_COLUMNS = 'id, login, name, role, language, disabled, created_at';

// ---------------------------------------------------------------------------------------------
// Users

function invalid(message: string): never {
  throw new OrderCaptureError('input_invalid', message);
}

/**
 * Creates a user; the event `user.created` records who did it (`actor`: `user:<login>` or
 * `system:<component>`, see `userActor`), never the password. Throws `OrderCaptureError`
 * ('input_invalid') for a bad login, name, role, language, password or a login already taken.
 */
export async function createUser(db: Db, input: NewUser, actor: string): Promise<UserRow> {
  const login = normalizeLogin(String(input.login ?? ''));
  if (!LOGIN_PATTERN.test(login)) {
    invalid(
      'the login must be 1 to 63 lower-case letters, digits, ".", "_" or "-", starting with a letter or digit',
    );
  }
  const name = String(input.name ?? '').trim();
  if (!name || name.length > MAX_NAME_LENGTH)
    invalid(`the name must have 1 to ${MAX_NAME_LENGTH} characters`);
  if (input.role !== 'operator' && input.role !== 'admin') invalid('the role must be "operator" or "admin"');
  const language = input.language ?? null;
  if (language !== null && language !== 'es' && language !== 'en')
    invalid('the language must be "es" or "en"');
  const problem = passwordProblem(input.password);
  if (problem) invalid(problem);
  const hash = await hashPassword(input.password);
  try {
    return await db.transaction(async (tx) => {
      const [taken] = await tx.query(`SELECT 1 FROM users WHERE login = $1`, [login]);
      if (taken) invalid(`the login "${login}" is already taken`);
      const [user] = await tx.query<UserRow>(
        `INSERT INTO users (login, name, role, password_hash, language) VALUES ($1, $2, $3, $4, $5)
         RETURNING ${USER_COLUMNS}`,
        [login, name, input.role, hash, language],
      );
      await logEvent(tx, {
        actor,
        kind: 'user.created',
        detail: { userId: user!.id, login, name, role: input.role, language },
      });
      return user!;
    });
  } catch (err) {
    // Two admins creating the same login at once: the unique index decides.
    if ((err as { code?: unknown }).code === '23505') invalid(`the login "${login}" is already taken`);
    throw err;
  }
}

/** Sets a new password and signs the user out everywhere; event `user.password_set`. False: no such user. */
export async function setPassword(db: Db, userId: number, password: string, actor: string): Promise<boolean> {
  const problem = passwordProblem(password);
  if (problem) invalid(problem);
  const hash = await hashPassword(password);
  return db.transaction(async (tx) => {
    const [user] = await tx.query<{ login: string }>(
      `UPDATE users SET password_hash = $2 WHERE id = $1 RETURNING login`,
      [userId, hash],
    );
    if (!user) return false;
    await tx.query(`DELETE FROM user_sessions WHERE user_id = $1`, [userId]);
    await logEvent(tx, { actor, kind: 'user.password_set', detail: { userId, login: user.login } });
    return true;
  });
}

/**
 * Disables a user and ends all their sessions; event `user.disabled` (none when already
 * disabled). False: no such user.
 */
export async function disableUser(db: Db, userId: number, actor: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [user] = await tx.query<{ login: string; disabled: boolean }>(
      `SELECT login, disabled FROM users WHERE id = $1 FOR UPDATE`,
      [userId],
    );
    if (!user) return false;
    await tx.query(`DELETE FROM user_sessions WHERE user_id = $1`, [userId]);
    if (user.disabled) return true;
    await tx.query(`UPDATE users SET disabled = true WHERE id = $1`, [userId]);
    await logEvent(tx, {
      actor,
      kind: 'user.disabled',
      field: 'disabled',
      oldValue: false,
      newValue: true,
      detail: { userId, login: user.login },
    });
    return true;
  });
}

export function findUserByLogin(db: Queryable, login: string): Promise<UserRow | undefined> {
  return db
    .query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE login = $1`, [normalizeLogin(login)])
    .then((rows) => rows[0]);
}

export function listUsers(db: Queryable): Promise<UserRow[]> {
  return db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users ORDER BY login`);
}

/** A fixed hash to verify against when the login is unknown, so both cases take as long. */
let dummyHash: Promise<string> | null = null;

export type AuthResult =
  | { ok: true; user: UserRow }
  | { ok: false; reason: 'unknown_login' | 'wrong_password' | 'disabled' };

/** Checks a login and password. The reason is for the audit log only, never for the person signing in. */
export async function authenticate(db: Queryable, login: string, password: string): Promise<AuthResult> {
  const normalized = normalizeLogin(login);
  const [row] = LOGIN_PATTERN.test(normalized)
    ? await db.query<UserRow & { password_hash: string }>(
        `SELECT ${USER_COLUMNS}, password_hash FROM users WHERE login = $1`,
        [normalized],
      )
    : [];
  if (!row) {
    dummyHash ??= hashPassword(randomBytes(18).toString('base64url'));
    await verifyPassword(password, await dummyHash);
    return { ok: false, reason: 'unknown_login' };
  }
  const { password_hash, ...user } = row;
  if (!(await verifyPassword(password, password_hash))) return { ok: false, reason: 'wrong_password' };
  if (user.disabled) return { ok: false, reason: 'disabled' };
  return { ok: true, user };
}

// ---------------------------------------------------------------------------------------------
// Sessions

/** SHA-256 hex of a session token: the only form in which it is stored. */
export const hashSessionToken = (token: string): string =>
  createHash('sha256').update(token, 'utf8').digest('hex');

export interface NewSession {
  /** Goes into the cookie only; never stored, never logged. */
  token: string;
  csrf: string;
  expiresAt: Date;
}

/** Starts a session for a user (and sweeps expired ones). */
export async function createSession(db: Queryable, userId: number, now = new Date()): Promise<NewSession> {
  const token = randomBytes(32).toString('base64url');
  const csrf = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + SESSION_MS);
  await db.query(`DELETE FROM user_sessions WHERE expires_at < $1`, [now]);
  await db.query(
    `INSERT INTO user_sessions (token_sha256, user_id, csrf, expires_at) VALUES ($1, $2, $3, $4)`,
    [hashSessionToken(token), userId, csrf, expiresAt],
  );
  return { token, csrf, expiresAt };
}

/** The operator a session token belongs to: null when unknown, expired or the user is disabled. */
export async function operatorForToken(db: Queryable, token: string | null): Promise<Operator | null> {
  if (!token || !TOKEN_PATTERN.test(token)) return null;
  const [row] = await db.query<Omit<Operator, 'csrf'> & { csrf: string }>(
    `SELECT u.id, u.login, u.name, u.role, u.language, s.csrf
       FROM user_sessions s JOIN users u ON u.id = s.user_id
      WHERE s.token_sha256 = $1 AND s.expires_at > now() AND NOT u.disabled`,
    [hashSessionToken(token)],
  );
  return row ? { ...row } : null;
}

/** Ends the session of this cookie token (if any). */
export async function deleteSession(db: Queryable, token: string | null): Promise<void> {
  if (token && TOKEN_PATTERN.test(token)) {
    await db.query(`DELETE FROM user_sessions WHERE token_sha256 = $1`, [hashSessionToken(token)]);
  }
}

/** The first cookie of that name (a later, injected duplicate is ignored). */
export function operatorCookie(request: FastifyRequest): string | null {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === OPERATOR_COOKIE) return part.slice(eq + 1).trim() || null;
  }
  return null;
}

/** HttpOnly, SameSite=Strict, scoped to /review; Secure when the request came over https. */
export function setOperatorCookie(request: FastifyRequest, reply: FastifyReply, token: string): void {
  const secure = request.protocol === 'https' ? '; Secure' : '';
  reply.header(
    'Set-Cookie',
    `${OPERATOR_COOKIE}=${token}; Path=${COOKIE_PATH}; HttpOnly; SameSite=Strict; Max-Age=${SESSION_MS / 1000}${secure}`,
  );
}

export function clearOperatorCookie(request: FastifyRequest, reply: FastifyReply): void {
  const secure = request.protocol === 'https' ? '; Secure' : '';
  reply.header(
    'Set-Cookie',
    `${OPERATOR_COOKIE}=; Path=${COOKIE_PATH}; HttpOnly; SameSite=Strict; Max-Age=0${secure}`,
  );
}

// ---------------------------------------------------------------------------------------------
// Per-request

const operators = new WeakMap<FastifyRequest, Operator>();

/** The signed-in operator of a request; HttpError 'unauthorized' when the route's hook found none. */
export function operatorOf(request: FastifyRequest): Operator {
  const o = operators.get(request);
  if (!o) throw new HttpError('unauthorized', 'sign in to the review workspace first');
  return o;
}

/** The signed-in operator, if any (pages that also show to strangers, such as the login page). */
export function findOperator(request: FastifyRequest): Operator | null {
  return operators.get(request) ?? null;
}

/** Reads the session cookie and binds its operator to the request; null when there is none. */
export async function loadOperator(ctx: AppContext, request: FastifyRequest): Promise<Operator | null> {
  const existing = operators.get(request);
  if (existing) return existing;
  const operator = await operatorForToken(ctx.db, operatorCookie(request));
  if (operator) operators.set(request, operator);
  return operator;
}

/** A browser navigating (GET/HEAD asking for HTML), as opposed to a form post or a script. */
export function wantsHtmlPage(request: FastifyRequest): boolean {
  return (
    (request.method === 'GET' || request.method === 'HEAD') &&
    (request.headers.accept ?? '').includes('text/html')
  );
}

/** The login page that comes back to this request's page once signed in. */
export const loginUrlFor = (request: FastifyRequest): string =>
  `/review/login?next=${encodeURIComponent(request.url)}`;

/**
 * onRequest hook of review routes: a valid session or nothing. Browsers navigating without a
 * session are sent to the login page (302); anything else gets 401. With `admin: true`,
 * operators get 403.
 */
export function requireOperator(ctx: AppContext, opts: { admin?: boolean } = {}) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const operator = await loadOperator(ctx, request);
    if (!operator) {
      // Fastify: an async hook that has answered returns the reply, so the route never runs.
      if (wantsHtmlPage(request)) return reply.redirect(loginUrlFor(request), 302);
      throw new HttpError('unauthorized', 'sign in to the review workspace first');
    }
    if (opts.admin && operator.role !== 'admin') {
      throw new HttpError('forbidden', 'only administrators may do this');
    }
    return undefined;
  };
}

/**
 * Throws HttpError 'forbidden' unless the CSRF token matches this session's (timing-safe).
 * `token` is the submitted value; when left out it is read from the `_csrf` form field or the
 * `X-CSRF-Token` header.
 */
export function checkCsrf(request: FastifyRequest, token?: unknown): void {
  const expected = Buffer.from(operatorOf(request).csrf);
  const given = token === undefined ? submittedCsrf(request) : token;
  const actual = Buffer.from(typeof given === 'string' ? given : '');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    throw new HttpError(
      'forbidden',
      'csrf: the form has expired or did not come from this site; reload the page and try again',
    );
  }
}

function submittedCsrf(request: FastifyRequest): unknown {
  const body = request.body;
  const field = body && typeof body === 'object' ? (body as Record<string, unknown>)._csrf : undefined;
  return field ?? request.headers['x-csrf-token'];
}

// ---------------------------------------------------------------------------------------------
// Login rate limit

export interface RateLimitOptions {
  /** Attempts allowed within the window, per client IP and per login; the next is refused. Default 5. */
  maxFailures?: number;
  /** Default 15 minutes. */
  windowMs?: number;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
}

/**
 * Sign-in attempts per client IP and per login, counted in the database (table login_throttle),
 * so every process serving `/review/login` shares one count. `attempt` counts an attempt before
 * its password is checked, in one upsert per key whose row lock orders concurrent attempts: of
 * forty parallel requests, `maxFailures` are checked and the rest refused. A successful sign-in
 * gives its attempt back: the login starts again from nothing, the IP from one fewer.
 */
export class LoginRateLimiter {
  private readonly maxFailures: number;
  private readonly windowMs: number;
  private readonly now: () => number;

  constructor(opts: RateLimitOptions = {}) {
    this.maxFailures = opts.maxFailures ?? 5;
    this.windowMs = opts.windowMs ?? 15 * 60 * 1000;
    this.now = opts.now ?? Date.now;
  }

  /**
   * Counts one attempt for the IP and the login. Returns 0 when the password may be checked, or
   * the seconds until an attempt is allowed again (the attempt is then refused, unchecked).
   */
  async attempt(db: Queryable, ip: string, login: string): Promise<number> {
    const now = this.now();
    await db.query(`DELETE FROM login_throttle WHERE window_start <= $1`, [new Date(now - this.windowMs)]);
    let waitMs = 0;
    // One key after the other, each its own atomic statement: no lock is held across both.
    for (const key of [`ip:${ip}`, `login:${normalizeLogin(login)}`]) {
      const [row] = await db.query<{ attempts: number; window_start: Date }>(
        `INSERT INTO login_throttle AS t (key, window_start, attempts) VALUES ($1, $2, 1)
         ON CONFLICT (key) DO UPDATE SET
           attempts = CASE WHEN t.window_start <= $3 THEN 1 ELSE t.attempts + 1 END,
           window_start = CASE WHEN t.window_start <= $3 THEN EXCLUDED.window_start ELSE t.window_start END
         RETURNING attempts, window_start`,
        [key, new Date(now), new Date(now - this.windowMs)],
      );
      if (row && row.attempts > this.maxFailures) {
        waitMs = Math.max(waitMs, row.window_start.getTime() + this.windowMs - now);
      }
    }
    return waitMs > 0 ? Math.ceil(waitMs / 1000) : 0;
  }

  /** A successful sign-in: the login's count is cleared, the IP's attempt given back. */
  async succeed(db: Queryable, ip: string, login: string): Promise<void> {
    await db.query(`DELETE FROM login_throttle WHERE key = $1`, [`login:${normalizeLogin(login)}`]);
    await db.query(`UPDATE login_throttle SET attempts = greatest(attempts - 1, 0) WHERE key = $1`, [
      `ip:${ip}`,
    ]);
  }

  async reset(db: Queryable): Promise<void> {
    await db.query(`DELETE FROM login_throttle`);
  }
}
