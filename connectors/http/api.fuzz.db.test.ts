import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../src/customers/tokens.ts';
import { createTestApp, portalCookie, seedMasterData, type TestApp } from '../../src/http/test-app.ts';
import { fuzz } from '../../src/testing/fuzz.ts';
import { interchange } from '../../src/testing/edifact-gen.ts';
import { SESSION_COOKIE } from './auth.ts';

const TARGET = 'http';
/** HTTP cases cost a database round trip or two: a long run does a twentieth of the cases. */
const LONG_SHARE = 0.05;

/** A valid order, the base that mutations start from. */
const validOrder = () => ({
  customer: { id: 'C042', name: 'Ferreteria Lopez SL', taxId: 'B12345678' },
  poNumber: 'PO-2026-0042',
  orderDate: '2026-11-20',
  deliveryDate: '2026-11-27',
  currency: 'EUR',
  shipTo: { name: 'Almacen', street: 'C/ Mayor 1', postalCode: '28001', city: 'Madrid', country: 'ES' },
  lines: [{ lineNo: 1, sku: 'TOR-M8-40', quantity: 200, unit: 'EA', unitPrice: 0.12, amount: 24 }],
  total: 24,
  notes: null,
});

/** Values that break JSON-to-database paths: NUL, lone surrogates, huge and tiny numbers, wrong types. */
const nasty = fc.oneof(
  fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '\ud800',
    'x'.repeat(5000),
    '',
    ' ',
    '__proto__',
    1e308,
    -1,
    0,
    5e-324,
    1.5,
    2 ** 31,
    2 ** 53 + 1,
    true,
    null,
    [],
    {},
    '2026-02-30',
    '2026-11-20T00:00:00Z',
    'eur',
    '0000',
  ),
  fc.jsonValue({ maxDepth: 2 }),
  fc.string({ maxLength: 30 }),
);

const paths = [
  ['poNumber'],
  ['orderDate'],
  ['deliveryDate'],
  ['currency'],
  ['total'],
  ['notes'],
  ['customer'],
  ['customer', 'id'],
  ['customer', 'name'],
  ['customer', 'taxId'],
  ['shipTo'],
  ['shipTo', 'city'],
  ['lines'],
  ['lines', 0],
  ['lines', 0, 'lineNo'],
  ['lines', 0, 'sku'],
  ['lines', 0, 'gtin'],
  ['lines', 0, 'customerRef'],
  ['lines', 0, 'description'],
  ['lines', 0, 'quantity'],
  ['lines', 0, 'unit'],
  ['lines', 0, 'unitPrice'],
  ['lines', 0, 'amount'],
  ['extra'],
] as const;

/** A valid order with some fields set to nasty values, deleted, or the line repeated. */
const mutatedOrder = fc
  .record({
    edits: fc.array(fc.tuple(fc.constantFrom(...paths), fc.option(nasty)), { maxLength: 4 }),
    repeat: fc.nat({ max: 3 }),
  })
  .map(({ edits, repeat }) => {
    const o = validOrder() as Record<string, unknown>;
    const lines = o.lines as unknown[];
    for (let i = 0; i < repeat; i++) lines.push({ ...(lines[0] as object), lineNo: i + 2 });
    for (const [path, value] of edits) {
      let target = o as Record<string | number, unknown>;
      for (const key of path.slice(0, -1)) {
        const next = target[key];
        if (next === null || typeof next !== 'object') {
          target = {};
          break;
        }
        target = next as Record<string | number, unknown>;
      }
      const last = path[path.length - 1]!;
      if (value === null) delete target[last];
      else target[last] = value;
    }
    return o;
  });

/** Deep nesting inside a field: a parser or validator that recurses could blow the stack. */
const deep = fc
  .nat({ max: 20_000 })
  .map((n) => `{"poNumber":"PO-1","lines":[],"notes":${'['.repeat(n)}${']'.repeat(n)}}`);

const body = fc.oneof(
  { weight: 6, arbitrary: mutatedOrder.map((o) => JSON.stringify(o)) },
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  deep,
  fc.constantFrom('', '{', '{"__proto__":{"x":1},"poNumber":"a","lines":[]}', 'null', '[]', '1e400', '"x"'),
);

const contentType = fc.oneof(
  { weight: 3, arbitrary: fc.constant('application/json') },
  fc.constantFrom(
    undefined,
    'application/json',
    'application/json; charset=utf-8',
    'application/json; charset=latin1',
    'application/JSON',
    'text/plain',
    'application/x-www-form-urlencoded',
    'application/edifact',
    'multipart/form-data; boundary=x',
    'application/octet-stream',
    'text/html; charset=utf-8',
    '',
    'garbage',
  ),
);
const visible = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  maxLength: 40,
});
const idempotencyKey = fc.option(fc.oneof(visible, fc.constantFrom('k1', 'k2', 'k3', ' ', 'x'.repeat(201))), {
  nil: undefined,
});

function headersOf(token: string, auth: string, ct: string | undefined, key: string | undefined) {
  const authorization = auth === 'valid' ? `Bearer ${token}` : auth === 'none' ? undefined : auth;
  return {
    ...(authorization !== undefined ? { authorization } : {}),
    ...(ct !== undefined ? { 'content-type': ct } : {}),
    ...(key !== undefined ? { 'idempotency-key': key } : {}),
  };
}

describe('HTTP API and portal, fuzzed', () => {
  let t: TestApp;
  let token: string;
  /** The portal's own session cookie, opened from the token (never the token itself). */
  let portal: string;
  let csrf: string;
  const docs = async () =>
    (await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM documents`))[0]!.n;

  beforeAll(async () => {
    t = await createTestApp();
    await seedMasterData(t.db);
    token = await issueToken(t.db, 'C042');
    portal = await portalCookie(t.app, token);
    const page = await t.app.inject({ method: 'GET', url: '/portal', headers: { cookie: portal } });
    csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  });
  afterAll(() => t.close());

  /**
   * What every answer must be: no 5xx; a 4xx is JSON with a stable code and a message (for the API);
   * a 2xx stored exactly one new document, or answered an earlier one when replayed.
   */
  const answered = { accepted: 0, refused: 0 };

  async function checkAnswer(res: LightMyRequestResponse, before: number, json: boolean): Promise<void> {
    expect(res.statusCode, res.body.slice(0, 300)).toBeLessThan(500);
    answered[res.statusCode >= 400 ? 'refused' : 'accepted']++;
    const after = await docs();
    if (res.statusCode >= 400) {
      expect(after).toBe(before);
      if (!json) return;
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      const err = res.json().error;
      expect(typeof err.code).toBe('string');
      expect(typeof err.message === 'string' && err.message.length > 0).toBe(true);
      return;
    }
    expect(res.statusCode).toBeGreaterThanOrEqual(200);
    const replayed = res.headers['idempotent-replayed'] === 'true';
    expect(after).toBe(before + (replayed ? 0 : 1));
    if (!json) return;
    const id = Number(res.json().documentId);
    const rows = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM documents WHERE id = $1`, [
      id,
    ]);
    expect(rows[0]!.n).toBe(1);
  }

  /** The cases reached both paths: some were accepted and stored, some refused. */
  function expectBothAnswers(): void {
    expect(answered.accepted, JSON.stringify(answered)).toBeGreaterThan(0);
    expect(answered.refused, JSON.stringify(answered)).toBeGreaterThan(0);
    answered.accepted = 0;
    answered.refused = 0;
  }

  it('POST /api/orders: any body and headers give a 2xx with one document, or a JSON 4xx', async () => {
    const auth = fc.oneof(
      { weight: 5, arbitrary: fc.constant('valid') },
      fc.constantFrom('none', 'Bearer nope', 'Basic abc', 'Bearer', ''),
    );
    await fuzz(
      TARGET,
      fc.asyncProperty(body, auth, contentType, idempotencyKey, async (payload, a, ct, key) => {
        const before = await docs();
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/orders',
          headers: headersOf(token, a, ct, key),
          payload,
        });
        await checkAnswer(res, before, true);
      }),
      80,
      LONG_SHARE,
      // One order that must be accepted, one body that must be refused: both paths are always checked.
      [
        [JSON.stringify(validOrder()), 'valid', 'application/json', undefined],
        ['{', 'valid', 'application/json', undefined],
      ],
    );
    expectBothAnswers();
  });

  it('POST /api/edifact: any body and headers give a 2xx with one document, or a JSON 4xx', async () => {
    const edi = interchange([
      { poNumber: 'PO-E1', buyerGln: '8412345000010', lines: [{ sku: 'TOR-M8-40', quantity: 5 }] },
    ]);
    const payload = fc.oneof(
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
      fc.string({ maxLength: 200 }).map((s) => Buffer.from(`UNB+${s}`)),
      fc.tuple(fc.nat(), fc.string({ maxLength: 20 })).map(([at, s]) => {
        const i = at % (edi.length + 1);
        return Buffer.from(edi.slice(0, i) + s + edi.slice(i), 'latin1');
      }),
      fc.constantFrom(Buffer.alloc(0), Buffer.from("\ufeffUNA:+.? '"), Buffer.from(edi)),
    );
    const auth = fc.constantFrom('valid', 'valid', 'valid', 'none', 'Bearer nope');
    const ediType = fc.oneof(
      {
        weight: 3,
        arbitrary: fc.constantFrom('application/edifact', 'text/plain', 'application/octet-stream'),
      },
      contentType,
    );
    await fuzz(
      TARGET,
      fc.asyncProperty(payload, auth, ediType, idempotencyKey, async (bytes, a, ct, key) => {
        const before = await docs();
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/edifact',
          headers: headersOf(token, a, ct, key),
          payload: bytes,
        });
        await checkAnswer(res, before, true);
      }),
      50,
      LONG_SHARE,
      [
        [Buffer.from(edi, 'latin1'), 'valid', 'application/edifact', undefined],
        [Buffer.from('hello'), 'valid', 'text/plain', undefined],
      ],
    );
    expectBothAnswers();
  });

  it('GET routes with any id or search text answer without a 5xx', async () => {
    // Lone surrogates cannot be written in a URL: they are replaced, as a browser would.
    const text = fc
      .oneof(fc.string({ maxLength: 120 }), fc.string({ maxLength: 10, unit: 'binary' }), nasty.map(String))
      .map((s) => s.replace(/[\ud800-\udfff]/g, '\ufffd'));
    const route = fc.oneof(
      text.map((q) => `/portal/products?q=${encodeURIComponent(q)}`),
      text.map((id) => `/api/orders/${encodeURIComponent(id)}`),
      text.map((id) => `/api/documents/${encodeURIComponent(id)}`),
      text.map((id) => `/portal/orders/${encodeURIComponent(id)}`),
      fc.constantFrom(
        '/portal/products?q=%00',
        '/portal/products?q=a%5C',
        '/api/orders/99999999999999',
        '/portal/orders/0',
      ),
    );
    await fuzz(
      TARGET,
      fc.asyncProperty(route, async (url) => {
        const res = await t.app.inject({
          method: 'GET',
          url,
          headers: { authorization: `Bearer ${token}`, cookie: portal },
        });
        expect(res.statusCode, `${url}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
        if (url.startsWith('/portal/products') || url.startsWith('/api/')) {
          expect(res.headers['content-type']).toMatch(/^application\/json/);
        }
      }),
      60,
      LONG_SHARE,
    );
  });

  it('regression: a product search holding NUL answers, not a 500 from the database', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/portal/products?q=TOR%00',
      headers: { cookie: portal },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().map((p: { sku: string }) => p.sku)).toContain('TOR-M8-40');
  });

  it('POST /portal/orders: any form gives a page (2xx with one document, or a 4xx), never a 5xx', async () => {
    const field = fc.constantFrom(
      'poNumber',
      'deliveryDate',
      'notes',
      'shipName',
      'shipCity',
      'shipCountry',
      'sku',
      'quantity',
      'submissionId',
      '_csrf',
      'x',
    );
    const value = fc.oneof(
      fc.string({ maxLength: 30 }),
      nasty.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))),
      fc.constantFrom('TOR-M8-40', '12', '2,5', '1e3', '2026-11-30'),
    );
    const form = fc.record({
      base: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, fc.constant(false)),
      csrf: fc.oneof({ weight: 5, arbitrary: fc.constant(csrf) }, fc.constantFrom('wrong', '')),
      fields: fc.array(fc.tuple(field, value), { maxLength: 8 }),
    });
    const cookie = fc.oneof(
      { weight: 5, arbitrary: fc.constant(portal) },
      fc.constantFrom('', `${SESSION_COOKIE}=nope`),
    );
    await fuzz(
      TARGET,
      fc.asyncProperty(
        form,
        cookie,
        fc.constantFrom('application/x-www-form-urlencoded', 'application/json', 'text/plain'),
        fc.oneof(visible, fc.constantFrom('es-ES,es;q=0.9', 'en;q=abc', 'es;q=1.2.3,en', '*')),
        async (f, c, ct, lang) => {
          const params = new URLSearchParams();
          params.append('_csrf', f.csrf);
          if (f.base) {
            params.append('poNumber', 'PO-FORM-1');
            params.append('sku', 'TOR-M8-40');
            params.append('quantity', '3');
          }
          for (const [k, v] of f.fields) params.append(k, v);
          const payload =
            ct === 'application/json' ? JSON.stringify(Object.fromEntries(params)) : params.toString();
          const before = await docs();
          const res = await t.app.inject({
            method: 'POST',
            url: '/portal/orders',
            headers: { 'content-type': ct, 'accept-language': lang, ...(c ? { cookie: c } : {}) },
            payload,
          });
          await checkAnswer(res, before, false);
        },
      ),
      50,
      LONG_SHARE,
      [
        [{ base: true, csrf, fields: [] }, portal, 'application/x-www-form-urlencoded', 'es'],
        [{ base: true, csrf: 'wrong', fields: [] }, portal, 'application/x-www-form-urlencoded', 'en'],
      ],
    );
    expectBothAnswers();
  });
});
