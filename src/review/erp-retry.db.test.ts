import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventsOf, insertAcceptedOrder, outboxRow, sampleOrder } from '../erp/test-support.ts';
import { createTestApp, type TestApp } from '../http/test-app.ts';
import { createUser, OPERATOR_COOKIE } from './auth.ts';

/**
 * The admin's way to repair ERP delivery from the workspace: the order screen says what the ERP
 * answered and offers the order again; the dashboard shows the oldest undelivered order's age and
 * sends every failed order again. `/health` carries the same age.
 */
describe('failed ERP deliveries in the review workspace', () => {
  let t: TestApp;
  const ids: number[] = [];
  beforeAll(async () => {
    t = await createTestApp();
    await createUser(
      t.db,
      { login: 'jefa', name: 'Jefa', role: 'admin', password: 'admin password 1' },
      'test',
    );
    await createUser(
      t.db,
      { login: 'ana', name: 'Ana', role: 'operator', password: 'operator pass 1' },
      'test',
    );
    for (let i = 1; i <= 3; i++) ids.push(await insertAcceptedOrder(t.db, sampleOrder(i)));
    await t.db.query(
      `UPDATE erp_outbox SET status = 'failed', last_error = 'HTTP 422: Customer blocked: C042 is on credit hold',
              created_at = now() - interval '3 hours'
        WHERE order_id = ANY($1)`,
      [ids],
    );
    await t.db.query(`UPDATE orders SET status = 'failed' WHERE id = ANY($1)`, [ids]);
  });
  afterAll(() => t.close());

  async function signIn(login: string, password: string) {
    const res = await t.app.inject({
      method: 'POST',
      url: '/review/login',
      payload: new URLSearchParams({ login, password, next: '/review' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.statusCode).toBe(303);
    const cookie = String(res.headers['set-cookie']).split(';')[0]!;
    expect(cookie.startsWith(`${OPERATOR_COOKIE}=`)).toBe(true);
    const get = (url: string) =>
      t.app.inject({ method: 'GET', url, headers: { cookie, 'accept-language': 'en' } });
    const post = (url: string, payload: Record<string, string>) =>
      t.app.inject({
        method: 'POST',
        url,
        payload: new URLSearchParams(payload).toString(),
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      });
    return { get, post };
  }
  const csrfOf = (page: string) => page.match(/name="_csrf" value="([^"]+)"/)![1]!;

  it('/health says how old the oldest undelivered order is', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health' });
    expect(res.json().outbox).toMatchObject({ failed: 3, pending: 0 });
    expect(res.json().outbox.oldestUndeliveredSeconds).toBeGreaterThanOrEqual(3 * 3600);
  });

  it('shows an operator the ERP answer, and offers the retry to admins only', async () => {
    const ana = await signIn('ana', 'operator pass 1');
    const page = await ana.get(`/review/orders/${ids[0]}`);
    expect(page.body).toContain('C042 is on credit hold');
    expect(page.body).not.toContain('/review/admin/erp/retry');
    const dash = await ana.get('/review/dashboard');
    expect(dash.body).toMatch(/id="erp-oldest">[^<]*3 h/);
    expect(dash.body).not.toContain('/review/admin/erp/retry');
    const refused = await ana.post('/review/admin/erp/retry', {
      _csrf: csrfOf(page.body),
      order_id: String(ids[0]),
    });
    expect(refused.statusCode).toBe(403);
    expect((await outboxRow(t.db, ids[0]!)).status).toBe('failed');
  });

  it('lets an admin send one order again from its screen, then the rest from the dashboard', async () => {
    const jefa = await signIn('jefa', 'admin password 1');
    const page = await jefa.get(`/review/orders/${ids[1]}`);
    expect(page.body).toContain('action="/review/admin/erp/retry"');
    expect((await jefa.post('/review/admin/erp/retry', { order_id: String(ids[1]) })).statusCode).toBe(403);
    const one = await jefa.post('/review/admin/erp/retry', {
      _csrf: csrfOf(page.body),
      order_id: String(ids[1]),
    });
    expect(one.statusCode).toBe(303);
    expect(one.headers.location).toBe(`/review/orders/${ids[1]}`);
    expect((await outboxRow(t.db, ids[1]!)).status).toBe('pending');
    expect((await outboxRow(t.db, ids[0]!)).status).toBe('failed');
    const [ev] = await t.db.query<{ actor: string }>(
      `SELECT actor FROM events WHERE order_id = $1 AND kind = 'order.delivery_resent'`,
      [ids[1]],
    );
    expect(ev!.actor).toBe('user:jefa');
    expect((await jefa.get(`/review/orders/${ids[1]}`)).body).toMatch(
      /id="erp-status">ERP: waiting for delivery/,
    );

    const dash = await jefa.get('/review/dashboard');
    expect(dash.body).toContain('Send all failed orders to the ERP again');
    const all = await jefa.post('/review/admin/erp/retry', { _csrf: csrfOf(dash.body) });
    expect(all.headers.location).toBe('/review/dashboard');
    for (const id of ids) expect((await outboxRow(t.db, id)).status).toBe('pending');
    expect(await eventsOf(t.db, ids[2]!, 'order.delivery_resent')).toHaveLength(1);
  });
});
