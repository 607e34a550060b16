import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../src/customers/tokens.ts';
import { buildServer } from '../../src/app.ts';
import { silentLogger } from '../../src/log.ts';
import { interchange } from '../../src/testing/edifact-gen.ts';
import { createTestPipeline, type TestPipeline } from '../../src/testing/pipeline.ts';
import { findOwnOrder, listOwnOrders } from './orders.ts';

/**
 * Issue 19, items 2 and 3. C107 pushes EDIFACT with its own token naming C042 as the buyer
 * (C042's GLN), with C042's PO number from its history, a price unlike C042's own and a value past
 * C042's credit limit. The findings must not tell C107 anything about C042 (its price, credit,
 * whether that PO exists), and the order must not appear as C042's (or C107's) until an operator
 * decides whose it is.
 */
describe("EDIFACT naming another customer's buyer, pushed with one's own token", () => {
  let p: TestPipeline;
  let app: FastifyInstance;
  let garcia: string;
  let lopez: string;
  let documentId: string;
  let orderId: number;

  beforeAll(async () => {
    p = await createTestPipeline();
    app = await buildServer({ db: p.db, config: p.config, log: silentLogger });
    garcia = await issueToken(p.db, 'C107');
    lopez = await issueToken(p.db, 'C042');
    const edi = interchange(
      [
        {
          poNumber: 'FL-2026-0101', // in C042's order history
          buyerGln: '8412345000003', // C042
          lines: [
            { sku: 'TUE-M8', quantity: 300, unitPrice: 0.09 }, // C042 pays 0.045
            { sku: 'TOR-M8-40', quantity: 500_000, unitPrice: 0.12 }, // 60,000: past C042's 50,000
          ],
        },
      ],
      { sender: '8412345000010' },
    );
    const res = await app.inject({
      method: 'POST',
      url: '/api/edifact',
      headers: { authorization: `Bearer ${garcia}`, 'content-type': 'application/edifact' },
      payload: edi,
    });
    expect(res.statusCode).toBe(202);
    documentId = res.json().documentId;
    await p.settle();
    const [o] = await p.db.query<{ id: number }>(`SELECT id FROM orders WHERE document_id = $1`, [
      Number(documentId),
    ]);
    orderId = o!.id;
  });
  afterAll(async () => {
    await app.close();
    await p.close();
  });

  it('is validated against the token customer only, never against the named one', async () => {
    const [o] = await p.db.query<{ status: string; customer_id: string }>(
      `SELECT status, customer_id FROM orders WHERE id = $1`,
      [orderId],
    );
    expect(o).toEqual({ status: 'review', customer_id: 'C107' });
    const findings = await p.db.query<{ code: string; message: string }>(
      `SELECT code, message FROM findings WHERE order_id = $1`,
      [orderId],
    );
    const codes = findings.map((f) => f.code);
    expect(codes).toContain('customer_mismatch');
    // C042's history, credit and price were never consulted.
    expect(codes).not.toContain('duplicate_order');
    expect(codes).not.toContain('credit_limit_exceeded');
    expect(findings.map((f) => f.message).join(' ')).not.toMatch(/\b0[.,]045\b|\b50[.,]?000\b/);
  });

  it('shows the sender only the status and the mismatch', async () => {
    const res = await app.inject({
      method: 'GET',
      url: `/api/documents/${documentId}`,
      headers: { authorization: `Bearer ${garcia}` },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.status).toBe('review');
    expect(body.findings).toEqual([
      {
        code: 'customer_mismatch',
        severity: 'error',
        field: 'customer.id',
        message: expect.stringMatching(/another customer/),
      },
    ]);
    expect(res.body).not.toMatch(/C042|Ferreteria|\b0[.,]045\b|\b50[.,]?000\b|already/i);
  });

  it("is on nobody's status page or order API until an operator decides", async () => {
    for (const customer of ['C042', 'C107']) {
      expect(await findOwnOrder(p.db, customer, orderId)).toBeNull();
      expect((await listOwnOrders(p.db, customer)).map((o) => o.id)).not.toContain(String(orderId));
    }
    for (const token of [garcia, lopez]) {
      const res = await app.inject({
        method: 'GET',
        url: `/api/orders/${orderId}`,
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.statusCode).toBe(404);
    }
    // An operator decides it is C107's after all: from then on it is C107's, and only C107's.
    const [user] = await p.db.query<{ id: number }>(
      `INSERT INTO users (login, name, role, password_hash) VALUES ('op', 'Op', 'operator', 'x') RETURNING id`,
    );
    await p.db.query(
      `UPDATE orders SET status = 'accepted', decided_by = $2, decided_at = now() WHERE id = $1`,
      [orderId, user!.id],
    );
    expect((await findOwnOrder(p.db, 'C107', orderId))?.id).toBe(String(orderId));
    expect(await findOwnOrder(p.db, 'C042', orderId)).toBeNull();
  });
});
