import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { issueToken } from '../customers/tokens.ts';
import { createTestApp, seedMasterData, type TestApp } from '../http/test-app.ts';
import {
  createUser,
  disableUser,
  hashSessionToken,
  LoginRateLimiter,
  OPERATOR_COOKIE,
  operatorForToken,
  setPassword,
} from './auth.ts';
import { safeNext } from './auth-routes.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { runUserCommand } from './users-cli.ts';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const HTML = { accept: 'text/html,application/xhtml+xml' };
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

let t: TestApp;
let clock = Date.parse('2030-01-01T08:00:00Z');
const limiter = new LoginRateLimiter({ now: () => clock });

interface Session {
  cookie: string;
  token: string;
  csrf: string;
}

async function signIn(login: string, password: string): Promise<Session> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/review/login',
    headers: FORM,
    payload: form({ login, password, next: '/review' }),
  });
  expect(res.statusCode).toBe(303);
  const token = /oc_operator=([^;]+)/.exec(String(res.headers['set-cookie']))![1]!;
  const cookie = `${OPERATOR_COOKIE}=${token}`;
  const page = await t.app.inject({ method: 'GET', url: '/review/login', headers: { cookie } });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  return { cookie, token, csrf };
}

const failLogin = (login: string, password = 'wrong password!') =>
  t.app.inject({ method: 'POST', url: '/review/login', headers: FORM, payload: form({ login, password }) });

const events = (kind: string) =>
  t.db.query<{ actor: string; kind: string; detail: Record<string, unknown> | null }>(
    `SELECT actor, kind, detail FROM events WHERE kind = $1 ORDER BY id`,
    [kind],
  );

beforeAll(async () => {
  t = await createTestApp({}, { loginLimiter: limiter });
  await t.app.ready();
  await seedMasterData(t.db);
  await createUser(
    t.db,
    { login: 'ana', name: 'Ana Admin', role: 'admin', password: 'ana-password-1' },
    'system:test',
  );
  await createUser(
    t.db,
    { login: 'olga', name: 'Olga <b>Op</b>', role: 'operator', password: 'olga-password-1', language: 'es' },
    'system:test',
  );
});

afterAll(async () => {
  await t?.close();
});

beforeEach(async () => {
  await limiter.reset(t.db);
});

describe('passwords', () => {
  it('hashes with scrypt and verifies timing-safely', async () => {
    const h = await hashPassword('correct horse battery');
    expect(h).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(await hashPassword('correct horse battery')).not.toBe(h); // salted
    expect(await verifyPassword('correct horse battery', h)).toBe(true);
    expect(await verifyPassword('correct horse batterY', h)).toBe(false);
    expect(await verifyPassword('x', 'not a hash')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$1073741824$8$1$AAAA$AAAA')).toBe(false);
  });

  it('refuses passwords shorter than 10 characters', async () => {
    await expect(hashPassword('short')).rejects.toThrow(/at least 10 characters/);
  });
});

describe('sign-in', () => {
  it('shows an escaped form in the browser language', async () => {
    const es = await t.app.inject({
      method: 'GET',
      url: '/review/login?next=/review/x"><script>',
      headers: { 'accept-language': 'es-ES,es;q=0.9' },
    });
    expect(es.statusCode).toBe(200);
    expect(es.body).toMatch(/^<!doctype html>\n<html lang="es">/);
    expect(es.body).toContain('Contraseña');
    expect(es.body).not.toContain('<script');
    expect(es.body).toContain('value="/review/x&quot;&gt;&lt;script&gt;"');
    const en = await t.app.inject({
      method: 'GET',
      url: '/review/login',
      headers: { 'accept-language': 'en' },
    });
    expect(en.body).toContain('<html lang="en">');
    expect(en.body).toContain('Password');
  });

  it('sets an HttpOnly SameSite=Strict cookie and stores only its hash', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/review/login',
      headers: FORM,
      payload: form({ login: 'Ana', password: 'ana-password-1', next: '/review/orders?x=1' }),
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/review/orders?x=1');
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^oc_operator=[A-Za-z0-9_-]{43}; /);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/review');
    expect(cookie).toContain('Max-Age=43200');
    expect(cookie).not.toContain('Secure'); // plain http here
    const token = /oc_operator=([^;]+)/.exec(cookie)![1]!;
    const rows = await t.db.query<{ token_sha256: string; csrf: string }>(`SELECT * FROM user_sessions`);
    expect(rows.map((r) => r.token_sha256)).toContain(hashSessionToken(token));
    expect(JSON.stringify(rows)).not.toContain(token);
    const [ev] = (await events('user.signed_in')).slice(-1);
    expect(ev?.actor).toBe('user:ana');
  });

  it('only follows a local /review path after signing in', async () => {
    expect(safeNext('/review/orders/7')).toBe('/review/orders/7');
    for (const bad of [
      'https://evil.example/',
      '//evil.example/review',
      '/reviewer',
      '/review/../x',
      '/\\evil',
    ]) {
      expect(safeNext(bad)).toBe('/review');
    }
    const res = await t.app.inject({
      method: 'POST',
      url: '/review/login',
      headers: FORM,
      payload: form({ login: 'ana', password: 'ana-password-1', next: 'https://evil.example/' }),
    });
    expect(res.headers.location).toBe('/review');
  });

  it('answers a wrong password with 401, a generic message and an event', async () => {
    const res = await failLogin('olga');
    expect(res.statusCode).toBe(401);
    expect(res.body).toContain('Wrong login or password.');
    expect(res.headers['set-cookie']).toBeUndefined();
    const unknown = await failLogin('nobody');
    expect(unknown.statusCode).toBe(401);
    expect(unknown.body).toContain('Wrong login or password.');
    const evs = await events('user.sign_in_failed');
    expect(evs.map((e) => e.detail?.login)).toContain('olga');
    expect(evs.map((e) => e.detail?.login)).not.toContain('nobody'); // not ours: only its hash
    expect(JSON.stringify(evs)).not.toContain('wrong password!');
  });

  it('keeps no password typed into the login field in the audit log, only its hash', async () => {
    // The person typed their password where the login goes: an unknown login, kept as a hash.
    const res = await failLogin('Correct-Horse-Battery-9', 'olga');
    expect(res.statusCode).toBe(401);
    const [ev] = (await events('user.sign_in_failed')).slice(-1);
    expect(JSON.stringify(ev)).not.toMatch(/correct-horse-battery-9/i);
    expect(ev?.detail).toMatchObject({
      loginSha256: expect.stringMatching(/^[0-9a-f]{16}$/),
      reason: 'unknown_login',
    });
    expect(ev?.detail).not.toHaveProperty('login');
  });

  it('counts parallel attempts before checking them: 40 guesses at once check at most 5', async () => {
    const guesses = await Promise.all(
      Array.from({ length: 40 }, (_, i) => failLogin('olga', `guess number ${i}`)),
    );
    const checked = guesses.filter((r) => r.statusCode === 401).length;
    expect(checked).toBeLessThanOrEqual(5);
    expect(guesses.filter((r) => r.statusCode === 429).length).toBe(40 - checked);
    // ... and the right password, coming after them, is refused too.
    expect((await failLogin('olga', 'olga-password-1')).statusCode).toBe(429);
  });

  it("shares the count across processes: a second server on the database sees the first one's", async () => {
    const other = new LoginRateLimiter({ now: () => clock });
    for (let i = 0; i < 5; i++) expect(await other.attempt(t.db, '10.0.0.9', 'olga')).toBe(0);
    expect((await failLogin('olga', 'olga-password-1')).statusCode).toBe(429);
  });

  it('refuses the 6th failed attempt within 15 minutes with 429 and Retry-After', async () => {
    for (let i = 0; i < 5; i++) expect((await failLogin('olga')).statusCode).toBe(401);
    const sixth = await failLogin('olga', 'olga-password-1'); // even the right password
    expect(sixth.statusCode).toBe(429);
    expect(Number(sixth.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(sixth.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);
    clock += 15 * 60 * 1000 + 1;
    const later = await t.app.inject({
      method: 'POST',
      url: '/review/login',
      headers: FORM,
      payload: form({ login: 'olga', password: 'olga-password-1' }),
    });
    expect(later.statusCode).toBe(303);
  });

  it('limits per login and per IP; success clears the login only', async () => {
    let now = Date.parse('2031-01-01T00:00:00Z');
    const l = new LoginRateLimiter({ now: () => now });
    for (let i = 0; i < 4; i++) expect(await l.attempt(t.db, '1.1.1.1', 'a')).toBe(0);
    expect(await l.attempt(t.db, '2.2.2.2', 'a')).toBe(0);
    expect(await l.attempt(t.db, '3.3.3.3', 'A')).toBe(900); // the login, from anywhere
    await l.succeed(t.db, '3.3.3.3', 'a');
    expect(await l.attempt(t.db, '3.3.3.3', 'a')).toBe(0);
    expect(await l.attempt(t.db, '1.1.1.1', 'b')).toBe(0);
    expect(await l.attempt(t.db, '1.1.1.1', 'c')).toBe(900); // the IP, for any login
    now += 60_000;
    expect(await l.attempt(t.db, '1.1.1.1', 'c')).toBe(840);
  });

  it('does not let a disabled user sign in', async () => {
    const u = await createUser(
      t.db,
      { login: 'dora', name: 'Dora', role: 'operator', password: 'dora-password-1' },
      'system:test',
    );
    const s = await signIn('dora', 'dora-password-1');
    await disableUser(t.db, u.id, 'system:test');
    expect(await operatorForToken(t.db, s.token)).toBeNull(); // sessions ended
    const res = await failLogin('dora', 'dora-password-1');
    expect(res.statusCode).toBe(401);
    expect(res.body).toContain('Wrong login or password.');
    const [ev] = (await events('user.sign_in_failed')).slice(-1);
    expect(ev?.detail).toMatchObject({ login: 'dora', reason: 'disabled' });
  });
});

describe('access', () => {
  it('redirects anonymous browsers to the login page and answers 401 to anything else', async () => {
    const get = await t.app.inject({ method: 'GET', url: '/review/admin/users', headers: HTML });
    expect(get.statusCode).toBe(302);
    expect(get.headers.location).toBe('/review/login?next=%2Freview%2Fadmin%2Fusers');
    const json = await t.app.inject({ method: 'GET', url: '/review/admin/users' });
    expect(json.statusCode).toBe(401);
    expect(json.json().error.code).toBe('unauthorized');
    const post = await t.app.inject({
      method: 'POST',
      url: '/review/admin/users',
      headers: FORM,
      payload: form({ login: 'x', name: 'x', role: 'admin', password: 'xxxxxxxxxxxx' }),
    });
    expect(post.statusCode).toBe(401);
    expect(post.json().error.code).toBe('unauthorized');
  });

  it('answers 403 to operators on admin routes', async () => {
    const s = await signIn('olga', 'olga-password-1');
    const get = await t.app.inject({
      method: 'GET',
      url: '/review/admin/users',
      headers: { ...HTML, cookie: s.cookie },
    });
    expect(get.statusCode).toBe(403);
    expect(get.body).toContain('<html lang="es">'); // her own language
    const post = await t.app.inject({
      method: 'POST',
      url: '/review/admin/users',
      headers: { ...FORM, cookie: s.cookie },
      payload: form({
        _csrf: s.csrf,
        login: 'sneaky',
        name: 'S',
        role: 'admin',
        password: 'sneaky-password',
      }),
    });
    expect(post.statusCode).toBe(403);
    expect(post.json().error.code).toBe('forbidden');
    expect(await t.db.query(`SELECT 1 FROM users WHERE login = 'sneaky'`)).toHaveLength(0);
  });

  it('grants nothing to a customer token, as Bearer or as the portal cookie', async () => {
    const token = await issueToken(t.db, 'C042');
    for (const headers of [{ authorization: `Bearer ${token}` }, { cookie: `oc_portal=${token}` }]) {
      const get = await t.app.inject({
        method: 'GET',
        url: '/review/admin/users',
        headers: { ...HTML, ...headers },
      });
      expect(get.statusCode).toBe(302);
      const post = await t.app.inject({ method: 'POST', url: '/review/logout', headers });
      expect(post.statusCode).toBe(401);
    }
    const asOperator = await t.app.inject({
      method: 'GET',
      url: '/review/admin/users',
      headers: { cookie: `${OPERATOR_COOKIE}=${token}` },
    });
    expect(asOperator.statusCode).toBe(401);
  });

  it('refuses posts without the session CSRF token', async () => {
    const s = await signIn('ana', 'ana-password-1');
    const payload = { login: 'carl', name: 'Carl', role: 'operator', password: 'carl-password-1' };
    // One character off (a different one whatever the token ends with).
    const offByOne = `${s.csrf.slice(0, -1)}${s.csrf.endsWith('A') ? 'B' : 'A'}`;
    for (const csrf of [undefined, 'x', offByOne]) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/review/admin/users',
        headers: { ...FORM, cookie: s.cookie },
        payload: form(csrf === undefined ? payload : { ...payload, _csrf: csrf }),
      });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.message).toMatch(/^csrf:/);
    }
    const logout = await t.app.inject({
      method: 'POST',
      url: '/review/logout',
      headers: { cookie: s.cookie },
    });
    expect(logout.statusCode).toBe(403);
    expect(await t.db.query(`SELECT 1 FROM users WHERE login = 'carl'`)).toHaveLength(0);
    // The header works as well as the field.
    const viaHeader = await t.app.inject({
      method: 'POST',
      url: '/review/logout',
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
    });
    expect(viaHeader.statusCode).toBe(303);
  });

  it('logout ends the session', async () => {
    const s = await signIn('ana', 'ana-password-1');
    const res = await t.app.inject({
      method: 'POST',
      url: '/review/logout',
      headers: { ...FORM, cookie: s.cookie },
      payload: form({ _csrf: s.csrf }),
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/review/login');
    expect(String(res.headers['set-cookie'])).toMatch(/^oc_operator=; .*Max-Age=0/);
    expect(
      await t.db.query(`SELECT 1 FROM user_sessions WHERE token_sha256 = $1`, [hashSessionToken(s.token)]),
    ).toHaveLength(0);
    const again = await t.app.inject({
      method: 'GET',
      url: '/review/admin/users',
      headers: { cookie: s.cookie },
    });
    expect(again.statusCode).toBe(401);
    const [ev] = (await events('user.signed_out')).slice(-1);
    expect(ev?.actor).toBe('user:ana');
  });

  it('ends all sessions when the password changes', async () => {
    const u = await createUser(
      t.db,
      { login: 'pia', name: 'Pia', role: 'operator', password: 'pia-password-1' },
      'system:test',
    );
    const s = await signIn('pia', 'pia-password-1');
    expect(await setPassword(t.db, u.id, 'pia-password-2', 'user:ana')).toBe(true);
    expect(await operatorForToken(t.db, s.token)).toBeNull();
    await signIn('pia', 'pia-password-2');
    const [ev] = (await events('user.password_set')).slice(-1);
    expect(ev).toMatchObject({ actor: 'user:ana', detail: { login: 'pia' } });
    expect(JSON.stringify(ev)).not.toContain('pia-password');
  });
});

describe('user administration', () => {
  it('lets an admin create a user, recorded with the admin as actor and the name escaped', async () => {
    const s = await signIn('ana', 'ana-password-1');
    const res = await t.app.inject({
      method: 'POST',
      url: '/review/admin/users',
      headers: { ...FORM, ...HTML, cookie: s.cookie },
      payload: form({
        _csrf: s.csrf,
        login: 'Eve',
        name: '<script>alert(1)</script>',
        role: 'operator',
        language: 'en',
        password: 'eve-password-1',
      }),
    });
    expect(res.statusCode).toBe(201);
    expect(res.body).not.toContain('<script>');
    expect(res.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const [ev] = (await events('user.created')).filter((e) => e.detail?.login === 'eve');
    expect(ev?.actor).toBe('user:ana');
    expect(JSON.stringify(ev)).not.toContain('eve-password-1');
    const [row] = await t.db.query<{ password_hash: string }>(
      `SELECT password_hash FROM users WHERE login = 'eve'`,
    );
    expect(row?.password_hash).toMatch(/^scrypt\$/);

    const list = await t.app.inject({
      method: 'GET',
      url: '/review/admin/users',
      headers: { cookie: s.cookie },
    });
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('<html lang="en">');
    expect(list.body).toContain('Olga &lt;b&gt;Op&lt;/b&gt;');
    expect(list.body).not.toContain('<script>');
    await signIn('eve', 'eve-password-1');
  });

  it('re-shows the form for a taken login or a short password', async () => {
    const s = await signIn('ana', 'ana-password-1');
    for (const [login, password] of [
      ['olga', 'long-enough-1'],
      ['newbie', 'short'],
    ]) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/review/admin/users',
        headers: { ...FORM, cookie: s.cookie },
        payload: form({ _csrf: s.csrf, login: login!, name: 'N', role: 'operator', password: password! }),
      });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('role="alert"');
    }
  });

  it('lets an admin disable a user (not themselves)', async () => {
    const s = await signIn('ana', 'ana-password-1');
    const victim = await createUser(
      t.db,
      { login: 'vic', name: 'Vic', role: 'operator', password: 'vic-password-1' },
      'system:test',
    );
    const noCsrf = await t.app.inject({
      method: 'POST',
      url: `/review/admin/users/${victim.id}/disable`,
      headers: { cookie: s.cookie },
    });
    expect(noCsrf.statusCode).toBe(403);
    const res = await t.app.inject({
      method: 'POST',
      url: `/review/admin/users/${victim.id}/disable`,
      headers: { ...FORM, cookie: s.cookie },
      payload: form({ _csrf: s.csrf }),
    });
    expect(res.statusCode).toBe(303);
    const [ev] = (await events('user.disabled')).filter((e) => e.detail?.login === 'vic');
    expect(ev?.actor).toBe('user:ana');
    expect((await failLogin('vic', 'vic-password-1')).statusCode).toBe(401);
    const [ana] = await t.db.query<{ id: number }>(`SELECT id FROM users WHERE login = 'ana'`);
    const self = await t.app.inject({
      method: 'POST',
      url: `/review/admin/users/${ana!.id}/disable`,
      headers: { ...FORM, cookie: s.cookie },
      payload: form({ _csrf: s.csrf }),
    });
    expect(self.statusCode).toBe(400);
    const missing = await t.app.inject({
      method: 'POST',
      url: '/review/admin/users/999999/disable',
      headers: { ...FORM, cookie: s.cookie },
      payload: form({ _csrf: s.csrf }),
    });
    expect(missing.statusCode).toBe(404);
  });
});

describe('user CLI', () => {
  it('adds a user with a random password printed once, and disables them', async () => {
    const out: string[] = [];
    expect(
      await runUserCommand(t.db, ['user', 'add', 'cli-admin', 'Cli Admin', '--admin'], (s) => out.push(s)),
    ).toBe(0);
    const password = /password \(shown only now\): ([A-Za-z0-9_-]{16})$/.exec(out[0] ?? '')?.[1];
    expect(password).toBeDefined();
    const [row] = await t.db.query<{ role: string; password_hash: string }>(
      `SELECT role, password_hash FROM users WHERE login = 'cli-admin'`,
    );
    expect(row?.role).toBe('admin');
    expect(await verifyPassword(password!, row!.password_hash)).toBe(true);
    const [ev] = (await events('user.created')).filter((e) => e.detail?.login === 'cli-admin');
    expect(ev?.actor).toBe('system:cli');
    await signIn('cli-admin', password!);

    expect(await runUserCommand(t.db, ['user', 'disable', 'cli-admin'], (s) => out.push(s))).toBe(0);
    const [ev2] = (await events('user.disabled')).filter((e) => e.detail?.login === 'cli-admin');
    expect(ev2?.actor).toBe('system:cli');
    expect((await failLogin('cli-admin', password!)).statusCode).toBe(401);

    await expect(runUserCommand(t.db, ['user', 'add', 'x'], () => {})).rejects.toThrow(/usage/);
    await expect(runUserCommand(t.db, ['user', 'disable', 'ghost'], () => {})).rejects.toThrow(/no user/);
  });
});
