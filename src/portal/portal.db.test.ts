import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken, issueToken } from '../customers/tokens.ts';
import { createTestApp, seedMasterData, type TestApp } from '../http/test-app.ts';
import { getBlob } from '../store/blobs.ts';
import { escapeHtml } from '../web/html.ts';

/** The hidden CSRF token of a rendered form. */
const csrfOf = (page: string) => /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';

const form = (fields: Array<[string, string]>) => new URLSearchParams(fields).toString();

describe('customer portal', () => {
  let t: TestApp;
  let tokenA: string;
  let tokenX: string;
  /** The portal session a browser gets by following the token's link: its cookie value. */
  const openSession = async (token: string) => {
    const res = await t.app.inject({ method: 'GET', url: `/portal?token=${token}` });
    return /oc_portal=([^;]+)/.exec(String(res.headers['set-cookie']))?.[1] ?? '';
  };
  const sessions = new Map<string, Promise<string>>();
  const cookie = async (token: string) => {
    if (!sessions.has(token)) sessions.set(token, openSession(token));
    return { cookie: `oc_portal=${await sessions.get(token)}` };
  };
  const get = async (url: string, token: string | null = tokenA, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url, headers: { ...(token ? await cookie(token) : {}), ...headers } });
  const postForm = async (url: string, fields: Array<[string, string]>, token = tokenA) =>
    t.app.inject({
      method: 'POST',
      url,
      headers: { ...(await cookie(token)), 'content-type': 'application/x-www-form-urlencoded' },
      payload: form(fields),
    });
  const csrfFor = async (token: string) => csrfOf((await get('/portal', token)).body);

  beforeAll(async () => {
    t = await createTestApp();
    await seedMasterData(t.db);
    tokenA = await issueToken(t.db, 'C042');
    tokenX = await issueToken(t.db, 'C099');
  });
  afterAll(() => t.close());

  it('opens a session of its own from the link, in a strict HttpOnly cookie', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/portal?token=${tokenA}` });
    expect(res.statusCode).toBe(200);
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/oc_portal=ocs_[\w-]{43}; /);
    expect(setCookie).not.toContain(tokenA); // the cookie is a session, never the access token
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).toContain('Path=/portal');
    expect(res.body).toContain('<meta http-equiv="refresh" content="0; url=/portal">');
    expect(res.body).not.toContain(tokenA);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('refuses a bad link and a visit without a session', async () => {
    const bad = await t.app.inject({ method: 'GET', url: '/portal?token=oc_forged' });
    expect(bad.statusCode).toBe(401);
    expect(bad.headers['set-cookie']).toBeUndefined();
    expect(bad.headers['content-type']).toContain('text/html');
    for (const url of ['/portal', '/portal/orders', '/portal/orders/1']) {
      const res = await get(url, null);
      expect(res.statusCode).toBe(401);
      expect(res.body).toContain('access token');
    }
    const products = await get('/portal/products?q=tor', null);
    expect(products.statusCode).toBe(401);
    expect(products.json().error.code).toBe('unauthorized');
  });

  it('renders the form with the customer name escaped', async () => {
    const res = await get('/portal', tokenX);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).not.toContain('<script>alert');
    expect(res.body).toContain(escapeHtml('<script>alert("x")</script> & Co'));
    expect(res.body).toContain('name="poNumber"');
    expect(res.body).toContain('name="sku"');
    expect(res.body).toContain('<script src="/portal/assets/portal.js" defer></script>');
    expect(res.body).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('speaks Spanish when the browser prefers it', async () => {
    const res = await get('/portal', tokenA, { 'accept-language': 'es-ES,es;q=0.9,en;q=0.5' });
    expect(res.body).toContain('<html lang="es">');
    expect(res.body).toContain('Enviar pedido');
  });

  it('serves its script and style from the same origin', async () => {
    const js = await get('/portal/assets/portal.js', null);
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toContain('text/javascript');
    expect(js.body).toContain('/portal/products?q=');
    const css = await get('/portal/assets/portal.css', null);
    expect(css.headers['content-type']).toContain('text/css');
  });

  it('autocompletes products with the customer price', async () => {
    const res = await get('/portal/products?q=tor-m8');
    expect(res.json()).toEqual([
      {
        sku: 'TOR-M8-40',
        description: 'Tornillo M8x40 zincado',
        unit: 'EA',
        unitPrice: 0.12,
        currency: 'EUR',
      },
    ]);
    const listPrice = await get('/portal/products?q=TOR-M8', tokenX);
    expect(listPrice.json()[0].unitPrice).toBe(0.15);
    const words = await get(`/portal/products?q=${encodeURIComponent('zinc tuerca')}`);
    expect(words.json().map((p: { sku: string }) => p.sku)).toEqual(['TUE-M8']);
    const wildcard = await get(`/portal/products?q=${encodeURIComponent('%')}`);
    expect(wildcard.json().map((p: { sku: string }) => p.sku)).toEqual([]);
    expect((await get('/portal/products?q=')).json()).toEqual([]);
  });

  it('refuses a form post without the CSRF token', async () => {
    const before = await t.db.query(`SELECT id FROM documents`);
    const fields: Array<[string, string]> = [
      ['poNumber', 'PO-CSRF'],
      ['sku', 'TOR-M8-40'],
      ['quantity', '5'],
    ];
    const none = await postForm('/portal/orders', fields);
    expect(none.statusCode).toBe(403);
    expect(none.headers['content-type']).toContain('text/html');
    const foreign = await postForm('/portal/orders', [['_csrf', await csrfFor(tokenX)], ...fields]);
    expect(foreign.statusCode).toBe(403);
    expect(await t.db.query(`SELECT id FROM documents`)).toEqual(before);
  });

  it('shows the form again with the errors named', async () => {
    const res = await postForm('/portal/orders', [
      ['_csrf', await csrfFor(tokenA)],
      ['poNumber', '<b>PO</b>'],
      ['sku', 'TOR-M8-40'],
      ['quantity', 'muchos'],
    ]);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Line 1, Quantity: must be a number');
    expect(res.body).toContain('value="&lt;b&gt;PO&lt;/b&gt;"');
    expect(res.body).toContain('value="muchos"');
  });

  it('sends a valid form through the pipeline and confirms in plain words', async () => {
    const res = await postForm('/portal/orders', [
      ['_csrf', await csrfFor(tokenA)],
      ['submissionId', 'f1b7d1c2-0000-4000-8000-000000000001'],
      ['poNumber', 'PO-PORTAL-1'],
      ['deliveryDate', '2026-12-01'],
      ['sku', 'TOR-M8-40'],
      ['quantity', '2,5'],
      ['sku', ''],
      ['quantity', ''],
      ['shipCity', 'Madrid'],
      ['notes', 'Por la mañana'],
    ]);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('being processed');
    expect(res.body).toContain('PO-PORTAL-1');
    const [doc] = await t.db.query<{
      sha256: string;
      source_ref: string;
      customer_id: string;
      channel: string;
    }>(`SELECT sha256, source_ref, customer_id, channel FROM documents WHERE source_ref LIKE 'portal:%'`);
    expect(doc).toMatchObject({
      channel: 'web',
      customer_id: 'C042',
      source_ref: 'portal:C042:f1b7d1c2-0000-4000-8000-000000000001',
    });
    const stored = JSON.parse((await getBlob(t.db, doc!.sha256))!.toString('utf8'));
    expect(stored).toMatchObject({
      customer: { id: 'C042' },
      poNumber: 'PO-PORTAL-1',
      deliveryDate: '2026-12-01',
      orderDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      shipTo: { name: null, city: 'Madrid' },
      notes: 'Por la mañana',
    });
    expect(stored.lines).toMatchObject([{ lineNo: 1, sku: 'TOR-M8-40', quantity: 2.5 }]);
  });

  it("lists the customer's own orders and nothing of anyone else's", async () => {
    const [blob] = await t.db.query<{ sha256: string }>(`SELECT sha256 FROM blobs LIMIT 1`);
    const insert = async (customer: string, po: string) => {
      const [d] = await t.db.query<{ id: number }>(
        `INSERT INTO documents (sha256, size, channel, source_ref, customer_id, received_at, status)
         VALUES ($1, 1, 'web', $2, $3, now(), 'processed') RETURNING id`,
        [blob!.sha256, `test:${po}`, customer],
      );
      const [o] = await t.db.query<{ id: number }>(
        `INSERT INTO orders (document_id, seq, customer_id, po_number, status, data)
         VALUES ($1, 0, $2, $3, 'accepted', $4::jsonb) RETURNING id`,
        [d!.id, customer, po, JSON.stringify({ poNumber: po, lines: [] })],
      );
      return o!.id;
    };
    const mine = await insert('C042', 'PO-MINE');
    const theirs = await insert('C099', 'PO-<THEIRS>');
    const list = await get('/portal/orders');
    expect(list.body).toContain('PO-MINE');
    expect(list.body).not.toContain('THEIRS');
    expect(list.body).toContain('Being processed');
    expect((await get(`/portal/orders/${mine}`)).statusCode).toBe(200);
    const other = await get(`/portal/orders/${theirs}`);
    expect(other.statusCode).toBe(404);
    expect(other.body).not.toContain('THEIRS');
    const theirList = await get('/portal/orders', tokenX);
    expect(theirList.body).toContain('PO-&lt;THEIRS&gt;');
  });

  it('is a status page: each order received, in review or confirmed, with its dates', async () => {
    const [blob] = await t.db.query<{ sha256: string }>(`SELECT sha256 FROM blobs LIMIT 1`);
    const insert = async (po: string, channel: string, status: string, decidedAt: string | null) => {
      const [d] = await t.db.query<{ id: number }>(
        `INSERT INTO documents (sha256, size, channel, source_ref, customer_id, received_at, status)
         VALUES ($1, 1, $2, $3, NULL, '2026-11-20T07:45:00Z', 'processed') RETURNING id`,
        [blob!.sha256, channel, `status:${po}`],
      );
      await t.db.query(
        `INSERT INTO orders (document_id, seq, customer_id, po_number, delivery_date, status, data, decided_at)
         VALUES ($1, 0, 'C042', $2, '2026-12-01', $3, $4::jsonb, $5)`,
        [d!.id, po, status, JSON.stringify({ poNumber: po, lines: [] }), decidedAt],
      );
    };
    // Orders that came by fax and e-mail are the customer's too, once recognised as theirs.
    await insert('ST-REVIEW', 'fax', 'review', null);
    await insert('ST-CONFIRMED', 'email', 'delivered', '2026-11-20T09:30:00Z');
    await insert('ST-REJECTED', 'edi', 'rejected', '2026-11-20T10:00:00Z');
    const res = await get('/portal/orders', tokenA, { 'accept-language': 'es' });
    expect(res.statusCode).toBe(200);
    const row = (po: string) => {
      const tr = res.body.split('<tr>').find((r) => r.includes(`<td>${po}</td>`)) ?? '';
      return tr
        .replace(/<[^>]+>/g, '|')
        .split('|')
        .map((c) => c.trim())
        .filter(Boolean);
    };
    // Madrid time (the SLA calendar's zone): 07:45 UTC is 08:45 in November.
    expect(row('ST-REVIEW').slice(1)).toEqual([
      'ST-REVIEW',
      'Fax',
      '2026-11-20 08:45',
      'En revisión',
      '2026-12-01',
      'Ver',
    ]);
    expect(row('ST-CONFIRMED').slice(1)).toEqual([
      'ST-CONFIRMED',
      'Correo',
      '2026-11-20 08:45',
      'Confirmado',
      '2026-11-20 10:30',
      '2026-12-01',
      'Ver',
    ]);
    expect(row('ST-REJECTED')).toContain('No procesado');
    expect(res.body).toContain('<th>Confirmado</th>');
    // Nothing of it shows to another customer.
    expect((await get('/portal/orders', tokenX)).body).not.toContain('ST-');
  });

  it('signs out only with the CSRF token', async () => {
    expect((await postForm('/portal/logout', [])).statusCode).toBe(403);
    const res = await postForm('/portal/logout', [['_csrf', await csrfFor(tokenA)]]);
    expect(res.statusCode).toBe(200);
    expect(String(res.headers['set-cookie'])).toContain('oc_portal=; Path=/portal');
  });

  it('keeps only the hash of a session, and logout ends it for good', async () => {
    const session = await openSession(tokenA);
    const headers = { cookie: `oc_portal=${session}` };
    const rows = await t.db.query<{ token_sha256: string }>(`SELECT token_sha256 FROM portal_sessions`);
    expect(JSON.stringify(rows)).not.toContain(session);
    expect((await t.app.inject({ method: 'GET', url: '/portal/orders', headers })).statusCode).toBe(200);
    const page = await t.app.inject({ method: 'GET', url: '/portal', headers });
    const out = await t.app.inject({
      method: 'POST',
      url: '/portal/logout',
      headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
      payload: form([['_csrf', csrfOf(page.body)]]),
    });
    expect(out.statusCode).toBe(200);
    // The cookie kept by a copy (another tab, a stolen value) opens nothing after logout.
    expect((await t.app.inject({ method: 'GET', url: '/portal/orders', headers })).statusCode).toBe(401);
  });

  it('never lets the portal cookie act as a Bearer token on the API', async () => {
    const session = await openSession(tokenA);
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: '/portal/orders',
          headers: { cookie: `oc_portal=${session}` },
        })
      ).statusCode,
    ).toBe(200);
    for (const headers of [{ authorization: `Bearer ${session}` }, { cookie: `oc_portal=${session}` }]) {
      const res = await t.app.inject({ method: 'GET', url: '/api/orders/1', headers });
      expect(res.statusCode).toBe(401);
    }
    // ... and the access token itself is no portal cookie either.
    const asCookie = await t.app.inject({
      method: 'GET',
      url: '/portal/orders',
      headers: { cookie: `oc_portal=${tokenA}` },
    });
    expect(asCookie.statusCode).toBe(401);
  });

  it('ends the sessions opened from a token when the token is revoked, and after 12 hours', async () => {
    const tokenB = await issueToken(t.db, 'C042');
    const session = await openSession(tokenB);
    const headers = { cookie: `oc_portal=${session}` };
    expect((await t.app.inject({ method: 'GET', url: '/portal/orders', headers })).statusCode).toBe(200);
    await t.db.query(`UPDATE portal_sessions SET expires_at = now() - interval '1 second'`);
    expect((await t.app.inject({ method: 'GET', url: '/portal/orders', headers })).statusCode).toBe(401);
    const again = await openSession(tokenB);
    await t.db.query(`UPDATE customer_tokens SET revoked_at = now() WHERE token_hash = $1`, [
      hashToken(tokenB),
    ]);
    const revoked = { cookie: `oc_portal=${again}` };
    expect((await t.app.inject({ method: 'GET', url: '/portal/orders', headers: revoked })).statusCode).toBe(
      401,
    );
  });

  it('asks before a link from another site switches a signed-in browser to another customer', async () => {
    const first = await t.app.inject({ method: 'GET', url: `/portal?token=${tokenA}` });
    const cookies = [String(first.headers['set-cookie']).match(/oc_portal_who=[^;]+/)?.[0] ?? ''];
    expect(cookies[0]).toBe('oc_portal_who=C042');
    // A cross-site click: the browser sends the Lax cookie only, never the Strict session one.
    const attack = await t.app.inject({
      method: 'GET',
      url: `/portal?token=${tokenX}`,
      headers: { cookie: cookies[0]! },
    });
    expect(attack.statusCode).toBe(200);
    expect(attack.headers['set-cookie']).toBeUndefined(); // nothing switched yet
    expect(attack.body).toContain('Switch customer account?');
    expect(attack.body).toContain('action="/portal/switch"');
    // A form posted from another site to the switch is refused.
    const payload = form([['token', tokenX]]);
    const post = (origin: string | null) =>
      t.app.inject({
        method: 'POST',
        url: '/portal/switch',
        headers: {
          host: 'portal.example',
          'content-type': 'application/x-www-form-urlencoded',
          ...(origin ? { origin } : {}),
        },
        payload,
      });
    for (const origin of ['https://evil.example', 'null', null]) {
      const res = await post(origin);
      expect(res.statusCode).toBe(403);
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    // The person's own click on this site's button switches.
    const mine = await post('https://portal.example');
    expect(mine.statusCode).toBe(200);
    expect(String(mine.headers['set-cookie'])).toContain('oc_portal_who=C099');
    // The same customer's link switches nothing and needs no question.
    const same = await t.app.inject({
      method: 'GET',
      url: `/portal?token=${tokenA}`,
      headers: { cookie: cookies[0]! },
    });
    expect(same.body).not.toContain('Switch customer account?');
    expect(String(same.headers['set-cookie'])).toContain('oc_portal=ocs_');
  });
});
