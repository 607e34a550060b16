import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../src/customers/tokens.ts';
import { createTestApp, seedMasterData, type TestApp } from '../../src/http/test-app.ts';
import { getBlob } from '../../src/store/blobs.ts';

const order = (extra: Record<string, unknown> = {}) => ({
  poNumber: 'PO-2026-0042',
  deliveryDate: '2026-11-27',
  lines: [{ sku: 'TOR-M8-40', quantity: 200, unitPrice: 0.12 }],
  ...extra,
});

describe('web-form API', () => {
  let t: TestApp;
  let tokenA: string;
  let tokenB: string;
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  const post = (token: string | null, payload: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url: '/api/orders',
      headers: { ...(token ? auth(token) : {}), ...headers },
      payload: payload as object,
    });
  const count = async (table: string) =>
    (await t.db.query<{ n: number }>(`SELECT count(*)::int8 AS n FROM ${table}`))[0]!.n;

  beforeAll(async () => {
    t = await createTestApp();
    await seedMasterData(t.db);
    tokenA = await issueToken(t.db, 'C042');
    tokenB = await issueToken(t.db, 'C099');
  });
  afterAll(() => t.close());

  it('refuses requests without a valid token', async () => {
    for (const token of [null, 'oc_wrong']) {
      const res = await post(token, order());
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('unauthorized');
      expect(res.headers['www-authenticate']).toContain('Bearer');
    }
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/orders/1',
      headers: { cookie: `oc_portal=${tokenA}` },
    });
    expect(res.statusCode).toBe(401);
  });

  it('stores a valid order as a web document of the token customer', async () => {
    const res = await post(tokenA, order({ customer: { id: 'C042', name: null, taxId: null } }));
    expect(res.statusCode).toBe(202);
    const body = res.json();
    expect(body).toEqual({ id: null, documentId: expect.any(String), status: 'received', findings: [] });
    const [doc] = await t.db.query<Record<string, unknown>>(`SELECT * FROM documents WHERE id = $1`, [
      Number(body.documentId),
    ]);
    expect(doc).toMatchObject({
      channel: 'web',
      sender: 'C042',
      customer_id: 'C042',
      content_type: 'application/json',
      status: 'received',
    });
    expect(String(doc!.source_ref)).toMatch(/^api:[0-9a-f-]{36}$/);
    const stored = JSON.parse((await getBlob(t.db, String(doc!.sha256)))!.toString('utf8'));
    expect(stored.customer).toEqual({ id: 'C042', name: null, taxId: null });
    expect(stored.lines[0]).toEqual({
      lineNo: 1,
      sku: 'TOR-M8-40',
      customerRef: null,
      gtin: null,
      description: null,
      quantity: 200,
      unit: null,
      unitPrice: 0.12,
      amount: null,
    });
    expect(stored.notes).toBeNull();
  });

  it('sets the customer from the token when the body names none', async () => {
    const res = await post(tokenB, order());
    const [doc] = await t.db.query<{ sha256: string }>(`SELECT sha256 FROM documents WHERE id = $1`, [
      Number(res.json().documentId),
    ]);
    const stored = JSON.parse((await getBlob(t.db, doc!.sha256))!.toString('utf8'));
    expect(stored.customer.id).toBe('C099');
  });

  it('names the fields of a rejected body', async () => {
    const before = await count('documents');
    const res = await post(tokenA, order({ lines: [{ sku: 'A', quantity: 0 }], colour: 'red', total: '12' }));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: {
        code: 'validation_failed',
        message: 'the order has errors',
        fields: [
          { field: 'colour', message: 'is not a known field' },
          { field: 'lines[0].quantity', message: 'must be a number greater than 0' },
          { field: 'total', message: 'must be a number or null' },
        ],
      },
    });
    expect(await count('documents')).toBe(before);
  });

  it('answers invalid JSON with invalid_json', async () => {
    const res = await post(tokenA, '{"poNumber": "x",', { 'content-type': 'application/json' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: { code: 'invalid_json', message: 'the request body is not valid JSON' },
    });
  });

  it('refuses a 50 MB body with a clear 413 and stores nothing', async () => {
    const before = await count('documents');
    const blobs = await count('blobs');
    const big = JSON.stringify(order({ notes: 'x'.repeat(50 * 1024 * 1024) }));
    const res = await post(tokenA, big, { 'content-type': 'application/json' });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({
      error: { code: 'payload_too_large', message: 'upload is larger than the 20 MB limit' },
    });
    expect(await count('documents')).toBe(before);
    expect(await count('blobs')).toBe(blobs);
  });

  it('refuses an order for another customer', async () => {
    const res = await post(tokenA, order({ customer: { id: 'C099' } }));
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('forbidden');
  });

  it('shows an order only to its own customer', async () => {
    const res = await post(tokenA, order({ poNumber: 'PO-OWN' }));
    const documentId = Number(res.json().documentId);
    const [o] = await t.db.query<{ id: number }>(
      `INSERT INTO orders (document_id, seq, customer_id, po_number, status, data)
       VALUES ($1, 0, 'C042', 'PO-OWN', 'review', $2::jsonb) RETURNING id`,
      [documentId, JSON.stringify({ poNumber: 'PO-OWN' })],
    );
    await t.db.query(
      `INSERT INTO findings (document_id, order_id, code, severity, field, message)
       VALUES ($1, $2, 'price_mismatch', 'warning', 'lines[0].unitPrice', 'price differs')`,
      [documentId, o!.id],
    );
    await t.db.query(`UPDATE documents SET status = 'processed' WHERE id = $1`, [documentId]);

    const mine = await t.app.inject({ method: 'GET', url: `/api/orders/${o!.id}`, headers: auth(tokenA) });
    expect(mine.statusCode).toBe(200);
    expect(mine.json()).toEqual({
      id: String(o!.id),
      documentId: String(documentId),
      status: 'review',
      order: { poNumber: 'PO-OWN' },
      findings: [
        {
          code: 'price_mismatch',
          severity: 'warning',
          field: 'lines[0].unitPrice',
          message: 'price differs',
        },
      ],
    });
    for (const url of [
      `/api/orders/${o!.id}`,
      '/api/orders/999999',
      '/api/orders/abc',
      `/api/documents/${documentId}`,
    ]) {
      const theirs = await t.app.inject({ method: 'GET', url, headers: auth(tokenB) });
      expect(theirs.statusCode).toBe(404);
      expect(theirs.json().error.code).toBe('not_found');
    }
    const receipt = await t.app.inject({
      method: 'GET',
      url: `/api/documents/${documentId}`,
      headers: auth(tokenA),
    });
    expect(receipt.json()).toMatchObject({
      id: String(o!.id),
      status: 'review',
      findings: [{ code: 'price_mismatch' }],
    });
  });

  it('answers with the order once the pipeline has finished', async () => {
    const first = await post(tokenA, order({ poNumber: 'PO-DONE' }), { 'idempotency-key': 'done-1' });
    const documentId = Number(first.json().documentId);
    const [o] = await t.db.query<{ id: number }>(
      `INSERT INTO orders (document_id, seq, customer_id, status, data) VALUES ($1, 0, 'C042', 'accepted', '{}')
       RETURNING id`,
      [documentId],
    );
    await t.db.query(`UPDATE documents SET status = 'processed' WHERE id = $1`, [documentId]);
    const again = await post(tokenA, order({ poNumber: 'PO-DONE' }), { 'idempotency-key': 'done-1' });
    expect(again.statusCode).toBe(201);
    expect(again.headers.location).toBe(`/api/orders/${o!.id}`);
    expect(again.json()).toEqual({
      id: String(o!.id),
      documentId: String(documentId),
      status: 'accepted',
      findings: [],
    });
  });

  it('returns the same document for a retried POST with the same Idempotency-Key', async () => {
    const before = await count('documents');
    const key = { 'idempotency-key': 'retry-7f3a' };
    const first = await post(tokenA, order({ poNumber: 'PO-RETRY' }), key);
    const second = await post(tokenA, order({ poNumber: 'PO-RETRY' }), key);
    expect(second.json().documentId).toBe(first.json().documentId);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(await count('documents')).toBe(before + 1);
    const [doc] = await t.db.query<{ source_ref: string }>(`SELECT source_ref FROM documents WHERE id = $1`, [
      Number(first.json().documentId),
    ]);
    expect(doc!.source_ref).toBe('api:C042:retry-7f3a');

    const other = await post(tokenB, order({ poNumber: 'PO-RETRY' }), key);
    expect(other.json().documentId).not.toBe(first.json().documentId);
    const changed = await post(tokenA, order({ poNumber: 'PO-CHANGED' }), key);
    expect(changed.statusCode).toBe(409);
    expect(changed.json().error.code).toBe('idempotency_conflict');
    const bad = await post(tokenA, order(), { 'idempotency-key': 'with space' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields).toEqual([
      { field: 'Idempotency-Key', message: 'must be 1 to 200 visible ASCII characters' },
    ]);
  });

  it('refuses bodies that are not JSON', async () => {
    const res = await post(tokenA, 'poNumber=1', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.statusCode).toBe(415);
    expect(res.json().error.code).toBe('unsupported_media_type');
  });
});

describe('EDIFACT over HTTP', () => {
  let t: TestApp;
  let token: string;
  const interchange = "UNA:+.? 'UNB+UNOC:3+8412345000003:14+8400000000001:14+261120:1200+42'UNZ+0+42'";
  beforeAll(async () => {
    t = await createTestApp();
    await seedMasterData(t.db);
    token = await issueToken(t.db, 'C042');
  });
  afterAll(() => t.close());

  const push = (contentType: string, payload: string | Buffer, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url: '/api/edifact',
      headers: { authorization: `Bearer ${token}`, 'content-type': contentType, ...headers },
      payload,
    });

  it('stores the raw interchange as an EDI document without trusting a customer', async () => {
    const res = await push('application/EDIFACT', interchange);
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ documentId: expect.any(String), status: 'received' });
    const [doc] = await t.db.query<Record<string, unknown>>(`SELECT * FROM documents WHERE id = $1`, [
      Number(res.json().documentId),
    ]);
    expect(doc).toMatchObject({ channel: 'edi', sender: 'C042', customer_id: null });
    expect(doc!.meta).toMatchObject({ authenticatedCustomer: 'C042' });
    expect(String(doc!.source_ref)).toMatch(/^http:C042:[0-9a-f]{64}$/);
    expect((await getBlob(t.db, String(doc!.sha256)))!.toString('latin1')).toBe(interchange);
  });

  it('accepts every announced content type and deduplicates by content or key', async () => {
    const a = await push('text/plain; charset=iso-8859-1', interchange);
    const b = await push('application/octet-stream', Buffer.from(interchange, 'latin1'));
    expect(b.json().documentId).toBe(a.json().documentId);
    const keyed = await push('application/edifact', interchange, { 'idempotency-key': 'edi-1' });
    expect(keyed.json().documentId).not.toBe(a.json().documentId);
  });

  it('refuses what is not an interchange', async () => {
    const res = await push('text/plain', 'hello');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields).toEqual([{ field: 'body', message: 'must begin with UNA or UNB' }]);
    const json = await push('application/json', '{"a":1}');
    expect(json.statusCode).toBe(415);
  });

  it('refuses a push without a token', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/edifact',
      headers: { 'content-type': 'application/edifact' },
      payload: interchange,
    });
    expect(res.statusCode).toBe(401);
  });
});
