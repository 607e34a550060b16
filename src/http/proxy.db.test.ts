/**
 * Behind the TLS proxy: X-Forwarded-For/-Proto count only when the configured proxy sends them.
 * Otherwise every operator would share the proxy's address in the sign-in limit (five wrong
 * passwords from anyone would lock everyone out), and a client could pick its own address.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createUser } from '../review/auth.ts';
import { createTestApp, type TestApp } from './test-app.ts';

describe('reverse proxy headers', { timeout: 120_000 }, () => {
  let t: TestApp;
  afterEach(() => t.close());

  const signIn = (password: string, login: string, clientIp: string, remoteAddress = '127.0.0.1') =>
    t.app.inject({
      method: 'POST',
      url: '/review/login',
      remoteAddress,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-forwarded-for': clientIp,
        'x-forwarded-proto': 'https',
      },
      payload: new URLSearchParams({ login, password }).toString(),
    });

  const withUser = async (overrides: Record<string, unknown>, login: string) => {
    t = await createTestApp(overrides);
    await createUser(
      t.db,
      { login, name: login, role: 'operator', password: 'correct horse battery' },
      'system:test',
    );
  };

  it('limits sign-in failures per client behind the trusted proxy, with Secure cookies', async () => {
    await withUser({ 'http.trustProxy': '127.0.0.1' }, 'ana');
    for (let i = 0; i < 5; i++)
      expect((await signIn('wrong password', 'mallory', '203.0.113.5')).statusCode).toBe(401);
    expect((await signIn('wrong password', 'mallory', '203.0.113.5')).statusCode).toBe(429);
    // What the client wrote itself comes first; the address the proxy saw is the one that counts.
    expect((await signIn('wrong password', 'mallory2', '198.51.100.99, 203.0.113.5')).statusCode).toBe(429);
    // Another client behind the same proxy signs in as usual, over https as the proxy says.
    const ok = await signIn('correct horse battery', 'ana', '198.51.100.7');
    expect(ok.statusCode).toBe(303);
    expect(String(ok.headers['set-cookie'])).toMatch(/; Secure$/);
  });

  it('ignores the headers from anyone but the configured proxy', async () => {
    await withUser({ 'http.trustProxy': '10.9.9.9' }, 'luis');
    // A client cannot dodge the limit by naming a new address in each request.
    for (let i = 0; i < 5; i++) {
      expect((await signIn('wrong password', `mallory${i}`, `203.0.113.${i}`)).statusCode).toBe(401);
    }
    expect((await signIn('correct horse battery', 'luis', '198.51.100.7')).statusCode).toBe(429);
  });

  it('believes no forwarded header when no proxy is configured', async () => {
    await withUser({}, 'ana');
    const ok = await signIn('correct horse battery', 'ana', '203.0.113.5');
    expect(ok.statusCode).toBe(303);
    expect(String(ok.headers['set-cookie'])).not.toContain('Secure');
  });
});
