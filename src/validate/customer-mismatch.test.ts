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
