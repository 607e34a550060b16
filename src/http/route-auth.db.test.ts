/**
 * Every route the server registers, checked for who may call it. The routes are collected as
 * Fastify registers them (an onRoute hook on every instance the server creates), so a route added
 * later is checked too: unless it is named in PUBLIC below, an anonymous request, a customer
 * token at the review workspace, and an operator at an admin page must all be refused.
 */
import type { RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { issueToken } from '../customers/tokens.ts';
import { createSession, createUser } from '../review/auth.ts';
import { createTestApp, portalCookie, seedMasterData, type TestApp } from './test-app.ts';

const registered = vi.hoisted(() => new Set<string>());

vi.mock('fastify', async (importOriginal) => {
  const mod = await importOriginal<typeof import('fastify')>();
  const make = ((opts?: Parameters<typeof mod.default>[0]) => {
    const app = mod.default(opts);
    app.addHook('onRoute', (r: RouteOptions) => {
      for (const m of [r.method].flat()) registered.add(`${m} ${r.url}`);
    });
    return app;
  }) as unknown as typeof mod.default;
  return { ...mod, default: make, fastify: make };
});

/**
 * The routes anyone may call, each with the reason. HEAD follows its GET. Adding a route here is
 * a security decision: say why it is safe without a principal.
 */
const PUBLIC: Record<string, string> = {
  'GET /health':
    'load-balancer probe (CONTRACTS section 5: anyone); says ok/unavailable and counters; processes and problems for operators only',
  'GET /metrics': 'Prometheus scrape (CONTRACTS section 5); aggregate counters only, no order data',
  'GET /livez': 'liveness probe: a constant answer, reads nothing',
  'GET /readyz': 'readiness probe: ok or unavailable, nothing else',
  'GET /api/openapi.json': 'the API description (OpenAPI); the same for everyone, no data',
  'GET /api/docs': 'the API description as a page; no data',
  'GET /portal/assets/portal.js': 'static script of the portal, no data',
  'GET /portal/assets/portal.css': 'static stylesheet of the portal',
  'GET /review/assets/review.css': 'static stylesheet of the review workspace',
  'GET /review/assets/review.js': 'static script of the review workspace, no data',
  'GET /review/login': 'the sign-in form',
  'POST /review/login': 'signing in (rate-limited, Origin-checked)',
  'POST /portal/switch':
    "the confirmed switch of a portal link: opens a session only for the token it carries, and only from this site's own form (Origin-checked)",
};

/** Routes of the customer side that take an id, and what kind of row that id names. */
const CUSTOMER_ID_ROUTES: Record<string, 'order' | 'document'> = {
  'GET /api/orders/:id': 'order',
  'GET /api/documents/:id': 'document',
  'GET /portal/orders/:id': 'order',
};

const isPublic = (route: string) => route.replace(/^HEAD /, 'GET ') in PUBLIC;
const methodOf = (route: string) => route.split(' ')[0] as 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';
const pathOf = (route: string) => route.split(' ')[1]!;
/** Any id will do for the auth checks: they run before the route looks at it. */
const concrete = (path: string, id = '1') => path.replace(/:\w+/g, id);
const isReview = (route: string) => pathOf(route).startsWith('/review');
const isAdmin = (route: string) => pathOf(route).startsWith('/review/admin/');
const isCustomerSide = (route: string) => /^\/(api|portal)(\/|$)/.test(pathOf(route));

/** Refused: 401/403, or a browser sent to the sign-in page. */
function refused(res: { statusCode: number; headers: Record<string, unknown> }): boolean {
  if (res.statusCode === 401 || res.statusCode === 403) return true;
  const to = String(res.headers.location ?? '');
  return (res.statusCode === 302 || res.statusCode === 303) && to.startsWith('/review/login');
}

const canonical = (customerId: string, poNumber: string) => ({
  customer: { id: customerId, name: null, taxId: null },
  poNumber,
  orderDate: '2026-11-20',
  deliveryDate: null,
  currency: 'EUR',
  shipTo: null,
  lines: [
    {
      lineNo: 1,
      sku: 'TOR-M8-40',
      customerRef: null,
      gtin: null,
      description: 'Tornillo',
      quantity: 5,
      unit: 'EA',
      unitPrice: 0.12,
      amount: 0.6,
    },
  ],
  total: 0.6,
  notes: null,
});

describe('route authorisation', () => {
  let t: TestApp;
  let routes: string[];
  let tokenA: string;
  let tokenB: string;
  let operatorCookie: string;
  let adminCookie: string;

  const call = (route: string, headers: Record<string, string>, path = concrete(pathOf(route))) =>
    t.app.inject({ method: methodOf(route), url: path, headers });

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.ready();
    routes = [...registered].sort();
    await seedMasterData(t.db);
    tokenA = await issueToken(t.db, 'C042');
    tokenB = await issueToken(t.db, 'C099');
    const op = await createUser(
      t.db,
      { login: 'ana', name: 'Ana', role: 'operator', password: 'correct horse battery' },
      'system:test',
    );
    const admin = await createUser(
      t.db,
      { login: 'root', name: 'Root', role: 'admin', password: 'another long secret' },
      'system:test',
    );
    operatorCookie = `oc_operator=${(await createSession(t.db, op.id)).token}`;
    adminCookie = `oc_operator=${(await createSession(t.db, admin.id)).token}`;
  });
  afterAll(() => t.close());

  it('sees the whole route table, and every public route still exists', () => {
    expect(routes).toContain('POST /api/orders');
    expect(routes).toContain('GET /review/orders/:id');
    expect(routes).toContain('POST /review/admin/users');
    for (const route of Object.keys(PUBLIC)) expect(routes, route).toContain(route);
  });

  it('refuses an anonymous request on every route that is not public', async () => {
    const closed = routes.filter((r) => !isPublic(r));
    expect(closed.length).toBeGreaterThan(20);
    for (const route of closed) {
      for (const accept of ['application/json', 'text/html']) {
        const res = await call(route, { accept });
        expect(refused(res), `${route} (${accept}) answered ${res.statusCode}`).toBe(true);
        expect(res.headers['content-security-policy'], route).toContain("frame-ancestors 'none'");
      }
    }
    // The portal link carrying a token is the sign-in itself: a forged one opens nothing.
    const forged = await t.app.inject({ method: 'GET', url: '/portal?token=oc_forged' });
    expect(forged.statusCode).toBe(401);
  });

  it('answers the public routes without any credentials', async () => {
    for (const route of Object.keys(PUBLIC).filter((r) => methodOf(r) === 'GET')) {
      const res = await call(route, {});
      expect(res.statusCode, route).toBe(200);
    }
  });

  it('never lets a customer token into the review workspace', async () => {
    const review = routes.filter((r) => isReview(r) && !isPublic(r));
    expect(review.length).toBeGreaterThan(10);
    const asCustomer = (token: string, accept: string) => ({
      accept,
      authorization: `Bearer ${token}`,
      cookie: `oc_portal=${token}; oc_operator=${token}`,
    });
    for (const route of review) {
      for (const accept of ['application/json', 'text/html']) {
        const res = await call(route, asCustomer(tokenA, accept));
        expect(refused(res), `${route} answered ${res.statusCode} to a customer`).toBe(true);
      }
    }
  });

  it('refuses operators on admin routes, admits admins there and operators elsewhere', async () => {
    const admin = routes.filter(isAdmin);
    expect(admin.length).toBeGreaterThanOrEqual(4);
    for (const route of admin) {
      const res = await call(route, { cookie: operatorCookie, accept: 'application/json' });
      expect(res.statusCode, `${route} as operator`).toBe(403);
    }
    // The sessions are real: the same cookies open what they should (GETs: posts also need CSRF).
    for (const route of admin.filter((r) => methodOf(r) === 'GET')) {
      const res = await call(route, { cookie: adminCookie, accept: 'text/html' });
      expect(res.statusCode, `${route} as admin`).toBe(200);
    }
    for (const route of routes.filter((r) => isReview(r) && !isAdmin(r) && methodOf(r) === 'GET')) {
      const res = await call(route, { cookie: operatorCookie, accept: 'text/html' });
      expect(refused(res), `${route} refused an operator (${res.statusCode})`).toBe(false);
    }
  });

  it('never lets an operator session act as a customer', async () => {
    for (const route of routes.filter((r) => isCustomerSide(r) && !isPublic(r))) {
      const res = await call(route, {
        cookie: `${operatorCookie}; ${adminCookie}`,
        accept: 'application/json',
      });
      expect(res.statusCode, `${route} as operator`).toBe(401);
    }
  });

  describe('one customer never reads another customer’s orders or documents', () => {
    const ids = {
      A: { order: [] as number[], document: [] as number[] },
      B: { order: [] as number[], document: [] as number[] },
    };
    const SECRET_PO = { A: 'PO-ALPHA-7731', B: 'PO-BRAVO-9917' };
    const portalCookies = new Map<string, string>();
    const credentials = (route: string, token: string): Record<string, string> =>
      pathOf(route).startsWith('/api')
        ? { authorization: `Bearer ${token}` }
        : { cookie: portalCookies.get(token) ?? '' };

    beforeAll(async () => {
      for (const token of [tokenA, tokenB]) portalCookies.set(token, await portalCookie(t.app, token));
      for (const [who, token] of [
        ['A', tokenA],
        ['B', tokenB],
      ] as const) {
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/orders',
          headers: { authorization: `Bearer ${token}` },
          payload: { poNumber: SECRET_PO[who], lines: [{ sku: 'TOR-M8-40', quantity: 5 }] },
        });
        expect(res.statusCode).toBe(202);
        const documentId = Number(res.json().documentId);
        const customer = who === 'A' ? 'C042' : 'C099';
        const [o] = await t.db.query<{ id: number }>(
          `INSERT INTO orders (document_id, seq, customer_id, po_number, status, data)
           VALUES ($1, 0, $2, $3, 'review', $4::jsonb) RETURNING id`,
          [documentId, customer, SECRET_PO[who], JSON.stringify(canonical(customer, SECRET_PO[who]))],
        );
        await t.db.query(`UPDATE documents SET status = 'processed' WHERE id = $1`, [documentId]);
        // An interchange pushed with the token: its document is the pusher's through the meta.
        const edi = await t.app.inject({
          method: 'POST',
          url: '/api/edifact',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/edifact' },
          payload: `UNB+UNOC:3+${who}:14+SUPPLIER:14+261120:1200+${who}1'UNZ+0+${who}1'`,
        });
        expect(edi.statusCode).toBe(202);
        ids[who].order.push(o!.id);
        ids[who].document.push(documentId, Number(edi.json().documentId));
      }
    });

    it('knows every customer route that takes an id', () => {
      const withId = routes.filter((r) => isCustomerSide(r) && r.includes(':') && methodOf(r) !== 'HEAD');
      expect(withId.sort()).toEqual(Object.keys(CUSTOMER_ID_ROUTES).sort());
    });

    it('answers 404 for the other customer’s ids, and 200 for one’s own', async () => {
      for (const [route, kind] of Object.entries(CUSTOMER_ID_ROUTES)) {
        if (kind === 'document' && !pathOf(route).startsWith('/api')) continue;
        for (const [reader, token, other] of [
          ['A', tokenA, 'B'],
          ['B', tokenB, 'A'],
        ] as const) {
          for (const id of ids[other][kind]) {
            const res = await call(route, credentials(route, token), concrete(pathOf(route), String(id)));
            expect(res.statusCode, `${reader} reading ${other}'s ${route} ${id}`).toBe(404);
            expect(res.body).not.toContain(SECRET_PO[other]);
          }
          for (const id of ids[reader][kind]) {
            const res = await call(route, credentials(route, token), concrete(pathOf(route), String(id)));
            expect(res.statusCode, `${reader} reading own ${route} ${id}`).toBe(200);
          }
        }
      }
    });

    it('lists only the customer’s own orders in the portal', async () => {
      const list = await t.app.inject({
        method: 'GET',
        url: '/portal/orders',
        headers: { cookie: portalCookies.get(tokenA)! },
      });
      expect(list.statusCode).toBe(200);
      expect(list.body).toContain(SECRET_PO.A);
      expect(list.body).not.toContain(SECRET_PO.B);
    });
  });
});
