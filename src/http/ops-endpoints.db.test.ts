import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './test-app.ts';

/** What operators and integrators expect of a service: probes, metrics names, an API document. */
describe('operations endpoints', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());
  const get = (url: string) => t.app.inject({ method: 'GET', url });

  it('serves an OpenAPI 3.1 document from the schemas the routes validate with', async () => {
    const res = await get('/api/openapi.json');
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/api/documents/{id}',
      '/api/edifact',
      '/api/orders',
      '/api/orders/{id}',
      '/health',
      '/livez',
      '/metrics',
      '/readyz',
    ]);
    const post = doc.paths['/api/orders'].post;
    expect(post.security).toEqual([{ bearer: [] }]);
    const body = post.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(['poNumber', 'lines']);
    expect(body.properties.currency.description).toBe('must be a three-letter currency code such as EUR');
    const key = post.parameters.find((p: { name: string }) => p.name === 'idempotency-key');
    expect(key).toMatchObject({ in: 'header', required: false });
    expect(key.description).toMatch(/same key with a different body is refused with 409/);
    expect(Object.keys(post.responses).sort()).toEqual(['201', '202', '400', '401', '404', '409', '413']);
    // The ERP side: what the http adapter sends, and the key's rules there.
    const hook = doc.webhooks.erpOrder.post;
    expect(hook.parameters[0]).toMatchObject({ name: 'Idempotency-Key', required: true });
    expect(hook.description).toMatch(/create the order once per key/);
    // Every schema in it is a schema (JSON Schema 2020-12, as OpenAPI 3.1 uses).
    const ajv = new Ajv2020({ strict: false, allowUnionTypes: true });
    const schemas: unknown[] = [];
    JSON.stringify(doc, (k, v) => {
      if (k === 'schema') schemas.push(v);
      return v;
    });
    expect(schemas.length).toBeGreaterThan(10);
    for (const s of schemas) expect(() => ajv.compile(s as object)).not.toThrow();
    const page = await get('/api/docs');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('<code>POST /api/orders</code>');
    expect(page.body).toContain('erpOrder');
  });

  it('answers /livez always and /readyz while the database answers', async () => {
    expect((await get('/livez')).json()).toEqual({ status: 'ok' });
    expect((await get('/readyz')).json()).toEqual({ status: 'ok' });
    const query = t.db.query.bind(t.db);
    t.db.query = (() => Promise.reject(new Error('gone'))) as typeof t.db.query;
    try {
      expect((await get('/readyz')).statusCode).toBe(503);
      expect((await get('/livez')).statusCode).toBe(200);
    } finally {
      t.db.query = query;
    }
  });

  it('names gauges without _total, and times requests by route pattern', async () => {
    await get('/api/orders/123');
    const text = (await get('/metrics')).body;
    const types = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1]!, m[2]!] as const);
    // prom-client's own Node.js gauges (`nodejs_active_handles_total`, ...) keep the names the
    // standard Node.js dashboards query; every metric of ours follows the rule.
    const ours = types.filter(([name]) => !name.startsWith('ordercap_nodejs_'));
    expect(ours.length).toBeGreaterThan(15);
    const wronglyNamed = ours.filter(([name, type]) => name.endsWith('_total') !== (type === 'counter'));
    expect(wronglyNamed).toEqual([]);
    expect(text).toMatch(/^ordercap_documents\{channel="web",status="received"\} 0$/m);
    expect(text).toMatch(/^ordercap_erp_oldest_undelivered_seconds 0$/m);
    expect(text).toMatch(
      /^ordercap_http_request_duration_seconds_count\{method="GET",route="\/api\/orders\/:id",status_code="401"\} 1$/m,
    );
  });
});
