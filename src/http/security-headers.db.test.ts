/**
 * Security headers on every answer (pages, JSON, errors Fastify raises itself, redirects), a
 * policy that allows no inline script, pages that need none, and HTML written only through the
 * escaping `html` tag.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LightMyRequestResponse } from 'fastify';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../customers/tokens.ts';
import { createSession, createUser } from '../review/auth.ts';
import { createTestApp, seedMasterData, type TestApp, portalCookie } from './test-app.ts';

function expectSecurityHeaders(res: LightMyRequestResponse, what: string): void {
  const h = res.headers;
  expect(h['x-content-type-options'], what).toBe('nosniff');
  expect(h['x-frame-options'], what).toBe('DENY');
  expect(h['referrer-policy'], what).toBe('same-origin');
  const csp = String(h['content-security-policy']);
  expect(csp, what).toContain("default-src 'none'");
  expect(csp, what).toContain("script-src 'self'");
  expect(csp, what).toContain("frame-ancestors 'none'");
  expect(csp, what).not.toMatch(/unsafe-inline|unsafe-eval|\*|https?:/);
  expect(h['cache-control'], what).toBeDefined();
}

describe('security headers', () => {
  let t: TestApp;
  let customer: string;
  let portal: string;
  let operatorCookie: string;

  beforeAll(async () => {
    t = await createTestApp({ 'http.bodyLimitMb': 1 });
    await seedMasterData(t.db);
    customer = await issueToken(t.db, 'C042');
    portal = await portalCookie(t.app, customer);
    const op = await createUser(
      t.db,
      { login: 'ana', name: 'Ana', role: 'operator', password: 'correct horse battery' },
      'system:test',
    );
    operatorCookie = `oc_operator=${(await createSession(t.db, op.id)).token}`;
  });
  afterAll(() => t.close());

  const pages: Array<[string, () => Promise<LightMyRequestResponse>]> = [
    ['sign-in page', () => t.app.inject({ url: '/review/login' })],
    ['review queue', () => t.app.inject({ url: '/review', headers: { cookie: operatorCookie } })],
    [
      'review dashboard',
      () => t.app.inject({ url: '/review/dashboard', headers: { cookie: operatorCookie } }),
    ],
    [
      'review search',
      () => t.app.inject({ url: '/review/search?text=x', headers: { cookie: operatorCookie } }),
    ],
    ['portal form', () => t.app.inject({ url: '/portal', headers: { cookie: portal } })],
    ['portal orders', () => t.app.inject({ url: '/portal/orders', headers: { cookie: portal } })],
    ['portal error page', () => t.app.inject({ url: '/portal/orders' })],
    [
      'review error page',
      () =>
        t.app.inject({
          url: '/review/admin/users',
          headers: { accept: 'text/html', cookie: operatorCookie },
        }),
    ],
  ];

  it('are on every HTML page, and the pages need no inline script or style', async () => {
    for (const [what, get] of pages) {
      const res = await get();
      expect(res.headers['content-type'], what).toContain('text/html');
      expectSecurityHeaders(res, what);
      // What the policy would block: inline <script> bodies, event-handler and style attributes.
      expect(res.body, what).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
      expect(res.body, what).not.toMatch(/\son[a-z]+\s*=|\sstyle\s*=|<style/i);
    }
  });

  it('are on JSON answers, redirects and the errors Fastify raises itself', async () => {
    const bearer = { authorization: `Bearer ${customer}` };
    const json = { ...bearer, 'content-type': 'application/json' };
    const cases: Array<[string, Promise<LightMyRequestResponse>, number]> = [
      ['health', t.app.inject({ url: '/health' }), 200],
      ['metrics', t.app.inject({ url: '/metrics' }), 200],
      ['unknown route', t.app.inject({ url: '/nowhere' }), 404],
      ['no token', t.app.inject({ method: 'POST', url: '/api/orders', payload: {} }), 401],
      [
        'bad JSON',
        t.app.inject({ method: 'POST', url: '/api/orders', headers: json, payload: '{"a":' }),
        400,
      ],
      [
        'too large',
        t.app.inject({
          method: 'POST',
          url: '/api/orders',
          headers: json,
          payload: `"${'x'.repeat(2 << 20)}"`,
        }),
        413,
      ],
      [
        'unsupported type',
        t.app.inject({
          method: 'POST',
          url: '/api/orders',
          headers: { ...bearer, 'content-type': 'image/gif' },
          payload: 'GIF89a',
        }),
        415,
      ],
      ['sign-in redirect', t.app.inject({ url: '/review', headers: { accept: 'text/html' } }), 302],
      ['own order, not found', t.app.inject({ url: '/api/orders/42', headers: bearer }), 404],
      ['asset', t.app.inject({ url: '/review/assets/review.js' }), 200],
    ];
    for (const [what, pending, status] of cases) {
      const res = await pending;
      expect(res.statusCode, what).toBe(status);
      expectSecurityHeaders(res, what);
    }
  });

  it('leaves Strict-Transport-Security to the TLS-terminating proxy', async () => {
    // The server speaks plain HTTP behind the proxy (docs/threat-model.md); a header it sent
    // could not know whether the browser came over HTTPS.
    const res = await t.app.inject({ url: '/health' });
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });
});

describe('output escaping', () => {
  const ROOT = fileURLToPath(new URL('../../', import.meta.url));
  const sources = (dir: string): string[] =>
    readdirSync(join(ROOT, dir)).flatMap((name) => {
      const path = join(dir, name);
      if (statSync(join(ROOT, path)).isDirectory()) return sources(path);
      return /\.ts$/.test(name) && !/\.test\.ts$/.test(name) ? [path] : [];
    });
  /**
   * Never served as HTML: SVG pictures for OCR tests, sample order files for the format tests,
   * and the XML order responses written to the outbox folders (every value through `xml()`).
   */
  const NOT_SERVED = new Set([
    'src/documents/testing.ts',
    'src/formats/testing.ts',
    'src/confirm/replies.ts',
  ]);

  it('builds markup only with the escaping html tag', () => {
    const offenders: string[] = [];
    const files = ['src', 'connectors'].flatMap(sources).filter((f) => !NOT_SERVED.has(f));
    expect(files.length).toBeGreaterThan(100);
    for (const file of files) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      if (file !== 'src/web/html.ts' && /new SafeHtml\(/.test(text)) offenders.push(`${file}: new SafeHtml`);
      const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
      const visit = (node: ts.Node): void => {
        // An untagged template literal holding markup and a ${}: its value would go in unescaped.
        if (ts.isTemplateExpression(node) && !ts.isTaggedTemplateExpression(node.parent)) {
          const literal = node.head.text + node.templateSpans.map((s) => s.literal.text).join('');
          if (/<\/?[a-z][a-z0-9]*[\s/>]/i.test(literal)) {
            offenders.push(`${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`);
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    expect(offenders).toEqual([]);
  });
});
