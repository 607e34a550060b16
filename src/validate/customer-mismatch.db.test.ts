import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submit } from '../pipeline/submit.ts';
import { interchange } from '../testing/edifact-gen.ts';
import { createTestPipeline, type TestPipeline } from '../testing/pipeline.ts';

/**
 * An EDIFACT interchange pushed to `POST /api/edifact` carries the customer it is for (NAD+BY);
 * the access token it came with says who sent it. When the two differ, a customer's token is
 * placing an order in another customer's name: held for a person, never accepted.
 */
describe("an interchange sent with another customer's token", () => {
  let p: TestPipeline;
  beforeAll(async () => {
    p = await createTestPipeline();
  });
  afterAll(() => p.close());

  const push = async (sentBy: string, po: string) => {
    const bytes = Buffer.from(
      interchange([
        {
          poNumber: po,
          buyerGln: '8412345000003',
          lines: [{ sku: 'TOR-M8-40', quantity: 300, unitPrice: 0.12 }],
        },
      ]),
    );
    const { documentId } = await submit(p.db, {
      channel: 'edi',
      sourceRef: `http:${sentBy}:${po}`,
      sender: sentBy,
      receivedAt: new Date(),
      filename: null,
      contentType: 'application/edifact',
      bytes,
      meta: { via: 'http', authenticatedCustomer: sentBy },
    });
    await p.settle();
    const [order] = await p.db.query<{ status: string; customer_id: string; data: unknown }>(
      `SELECT status, customer_id FROM orders WHERE document_id = $1`,
      [documentId],
    );
    const findings = await p.db.query<{ code: string; message: string }>(
      `SELECT code, message FROM findings WHERE document_id = $1`,
      [documentId],
    );
    return { order, findings };
  };

  it("is held for review with customer_mismatch, checked against the token's customer only", async () => {
    const { order, findings } = await push('C107', 'MISMATCH-1');
    expect(order).toMatchObject({ status: 'review', customer_id: 'C107' });
    expect(findings).toContainEqual({
      code: 'customer_mismatch',
      message:
        'The order is for customer C042 (EDI party id 8412345000003), but it was sent by the access token of customer C107; it is checked against customer C107 only.',
    });
  });

  it("is accepted (and delivered) when the token is the ordering customer's own", async () => {
    const { order, findings } = await push('C042', 'MISMATCH-2');
    expect(order).toMatchObject({ status: 'delivered', customer_id: 'C042' });
    expect(findings.map((f) => f.code)).not.toContain('customer_mismatch');
  });
});

/**
 * The EDIFACT drop folder has no token: the interchange's UNB sender is the envelope's identity.
 * One on file for a customer must be the buyer's; one on file for nobody may be an EDI hub
 * sending for several buyers, and the document decides.
 */
describe('an interchange from the EDI gateway folder', () => {
  let p: TestPipeline;
  beforeAll(async () => {
    p = await createTestPipeline();
  });
  afterAll(() => p.close());

  const drop = async (unbSender: string, po: string) => {
    const bytes = Buffer.from(
      interchange(
        [
          {
            poNumber: po,
            buyerGln: '8412345000003',
            lines: [{ sku: 'TOR-M8-40', quantity: 300, unitPrice: 0.12 }],
          },
        ],
        { sender: unbSender },
      ),
    );
    const { documentId } = await submit(p.db, {
      channel: 'edi',
      sourceRef: `folder:${po}`,
      sender: null,
      receivedAt: new Date(),
      filename: `${po}.edi`,
      contentType: null,
      bytes,
    });
    await p.settle();
    const [order] = await p.db.query<{ status: string; customer_id: string; codes: string[] }>(
      `SELECT status, customer_id, array(SELECT code FROM findings f WHERE f.order_id = o.id) AS codes
         FROM orders o WHERE document_id = $1`,
      [documentId],
    );
    return order!;
  };

  it("holds an order whose UNB sender is another customer's EDI id", async () => {
    const o = await drop('8412345000010', 'FOLDER-1');
    expect(o).toMatchObject({ status: 'review', customer_id: 'C107' });
    expect(o.codes).toContain('customer_mismatch');
  });

  it("delivers the buyer's own interchange, and one from a hub on file for nobody", async () => {
    expect(await drop('8412345000003', 'FOLDER-2')).toMatchObject({
      status: 'delivered',
      customer_id: 'C042',
    });
    const hub = await drop('4000000000009', 'FOLDER-3');
    expect(hub).toMatchObject({ status: 'delivered', customer_id: 'C042' });
    expect(hub.codes).not.toContain('customer_mismatch');
  });
});
