import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueue } from '../queue/jobs.ts';
import { createTestApp, type TestApp } from './test-app.ts';

describe('HTTP server', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    t.app.get('/boom', async () => {
      throw new Error('secret internals at /srv/app.ts:42');
    });
  });
  afterAll(() => t.close());

  it('reports health with the queue depth', async () => {
    await t.db.transaction((tx) => enqueue(tx, 'process_document', { documentId: null }));
    const res = await t.app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    // The job was queued a moment ago: under load that moment may already count as a second.
    const body = res.json();
    expect(body.queue.oldestSeconds).toBeGreaterThanOrEqual(0);
    expect(body.queue.oldestSeconds).toBeLessThanOrEqual(5);
    expect(body).toEqual({
      status: 'ok',
      database: 'ok',
      queue: { pending: 1, dead: 0, oldestSeconds: body.queue.oldestSeconds },
      outbox: { pending: 0, failed: 0, oldestUndeliveredSeconds: 0 },
      processCount: 0,
      staleProcesses: 0,
      problemCount: 0,
    });
  });

  it('sets security headers on every answer', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['referrer-policy']).toBe('same-origin');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/https?:|\*/);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('exposes Prometheus metrics computed from the database', async () => {
    await t.db.query(`INSERT INTO blobs (sha256, size, bytes) VALUES ('h', 1, '\\x41')`);
    await t.db.query(
      `INSERT INTO documents (sha256, size, channel, source_ref, received_at, status)
       VALUES ('h', 1, 'web', 'm1', now(), 'received'), ('h', 1, 'edi', 'm2', now(), 'processed')`,
    );
    const [doc] = await t.db.query<{ id: number }>(`SELECT id FROM documents WHERE source_ref = 'm2'`);
    await t.db.query(`INSERT INTO orders (document_id, seq, status, data) VALUES ($1, 0, 'review', '{}')`, [
      doc!.id,
    ]);
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain; version=0.0.4');
    const text = res.body;
    expect(text).toContain('# TYPE ordercap_documents gauge');
    expect(text).toContain('ordercap_documents{channel="web",status="received"} 1');
    expect(text).toContain('ordercap_documents{channel="edi",status="processed"} 1');
    expect(text).toContain('ordercap_documents{channel="fax",status="rejected"} 0');
    expect(text).toContain('ordercap_orders{channel="edi",status="review"} 1');
    expect(text).toMatch(/^ordercap_queue_depth 1$/m);
    expect(text).toMatch(/^ordercap_outbox_pending 0$/m);
    for (const line of text
      .trim()
      .split('\n')
      .filter((l) => l !== '')) {
      expect(line).toMatch(/^(# (HELP|TYPE) \w+ .+|\w+(\{[^}]*\})? -?[\d.e+]+)$/);
    }
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/nope?token=oc_secret' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'not_found', message: 'no route for GET /nope' } });
  });

  it('hides internal errors behind a stable code', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({
      error: { code: 'internal', message: 'internal error; it has been logged' },
    });
    expect(res.body).not.toContain('secret');
  });
});

describe('HTTP server without a database', () => {
  it('answers /health with 503 when the database is closed', async () => {
    const t = await createTestApp();
    try {
      await t.db.close();
      const res = await t.app.inject({ method: 'GET', url: '/health' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ status: 'error', database: 'unavailable' });
      const metrics = await t.app.inject({ method: 'GET', url: '/metrics' });
      expect(metrics.statusCode).toBe(503);
      expect(metrics.json().error.code).toBe('service_unavailable');
    } finally {
      await t.app.close();
      await t.close().catch(() => {});
    }
  });
});
