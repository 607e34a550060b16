import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, seedMasterData, type TestApp } from '../http/test-app.ts';
import { createSession, createUser } from './auth.ts';
import { ageParam, dateParam, isIsoDate } from './input.ts';

/**
 * Inputs an operator can type or be sent in a link, which used to reach PostgreSQL or Date
 * unchecked and answer 500: each is now a 400 with a sentence, a page for browsers.
 */
describe('review inputs', () => {
  let t: TestApp;
  let cookie: string;
  let csrf: string;

  beforeAll(async () => {
    t = await createTestApp();
    await seedMasterData(t.db);
    const op = await createUser(
      t.db,
      { login: 'ines', name: 'Inés', role: 'operator', password: 'ines-password-1' },
      'system:test',
    );
    const session = await createSession(t.db, op.id);
    cookie = `oc_operator=${session.token}`;
    csrf = session.csrf;
  });
  afterAll(() => t?.close());

  const get = (url: string, accept = 'text/html') =>
    t.app.inject({ method: 'GET', url, headers: { cookie, accept } });

  const BAD_LINKS = [
    '/review?customer=C042%00',
    '/review?code=%00',
    '/review?channel=email&channel=fax',
    '/review?customer=C042&customer=C099',
    '/review?age=1e308',
    '/review?age=-3',
    '/review?age=Infinity',
    '/review/dashboard?from=2026-02-30',
    '/review/dashboard?to=2026-13-45',
    '/review/dashboard?to=0000-00-00',
    '/review/dashboard?from=2026-01-01&from=2026-02-01',
    '/review/dashboard.csv?table=perDay&to=9999-99-99',
    '/review/dashboard.csv?table=perDay&table=perChannel',
    '/review/search?text=tornillo%00',
    '/review/search?text=a&text=b',
    '/review/search?from=2026-02-31',
    '/review/search?customer=C042&to=2026-00-10',
    '/review/next?done=%00',
  ];

  it('answers 400 with a readable page, not 500, to every crafted link', async () => {
    for (const url of BAD_LINKS) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.headers['content-type'], url).toContain('text/html');
      expect(res.body, url).toMatch(
        /<(?:p|li)>[^<]*(NUL|more than once|not a date|not a number|no es una fecha)[^<]*<\/(?:p|li)>/,
      );
    }
  });

  it('answers the same as JSON to scripts', async () => {
    const res = await get('/review?age=1e308', 'application/json');
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'bad_request', message: expect.stringContaining('age') });
  });

  it('refuses NUL characters and unusable versions in form posts with 400 or a conflict, never 500', async () => {
    const post = (url: string, fields: Record<string, string>) =>
      t.app.inject({
        method: 'POST',
        url,
        headers: { cookie, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: csrf, ...fields }).toString(),
      });
    expect((await post('/review/orders/1/reject', { version: '1', reason: 'no\u0000pe' })).statusCode).toBe(
      400,
    );
    for (const version of ['abc', '1e308', '']) {
      const res = await post('/review/orders/1/hold', { version, reason: 'later' });
      expect(res.statusCode, `version ${version}`).toBeLessThan(500);
    }
  });

  it('still takes good values', async () => {
    for (const url of [
      '/review?age=24',
      '/review?age=0',
      '/review?age=',
      '/review/dashboard?from=2024-02-29&to=2024-03-01',
      '/review/search?text=tornillo&from=2026-01-01',
    ]) {
      expect((await get(url)).statusCode, url).toBe(200);
    }
  });

  it('checks dates and ages exactly', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2023-02-29')).toBe(false);
    expect(isIsoDate('1899-12-31')).toBe(false);
    expect(dateParam('', 'x')).toBeUndefined();
    expect(() => dateParam('2026-04-31', 'from')).toThrow(/from: "2026-04-31" is not a date/);
    expect(ageParam('0')).toBeUndefined();
    expect(ageParam('1.5')).toBe(1.5);
    expect(() => ageParam('1e308')).toThrow(/age/);
  });
});
