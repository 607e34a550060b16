import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyOrder } from '../domain/order.ts';
import { enqueueDelivery } from '../erp/outbox.ts';
import { submit } from '../pipeline/submit.ts';
import { insertOrder } from '../store/orders.ts';
import { createTestDatabase, type TestDatabase } from '../testing/db.ts';
import { settleTaught } from './status.ts';

describe('teaching over a document', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t.close();
  });

  async function documentWithOrders(name: string, statuses: Array<'review' | 'accepted' | 'rejected'>) {
    const { documentId } = await submit(t.db, {
      channel: 'web',
      sourceRef: `test:${name}`,
      sender: null,
      receivedAt: new Date(),
      filename: `${name}.json`,
      contentType: 'application/json',
      bytes: Buffer.from(JSON.stringify({ name })),
    });
    const ids: number[] = [];
    for (const [seq, status] of statuses.entries()) {
      ids.push(
        await insertOrder(t.db, {
          documentId,
          seq,
          reference: null,
          status,
          confidence: 0.5,
          order: emptyOrder(),
          fieldMeta: {},
          findings: [],
          sourceText: null,
        }),
      );
    }
    return { documentId, ids };
  }

  const statuses = (ids: number[]) =>
    t.db
      .query<{ status: string }>(`SELECT status FROM orders WHERE id = ANY($1) ORDER BY id`, [ids])
      .then((rows) => rows.map((r) => r.status));

  it('accepts the taught order and rejects the others, whatever they were', async () => {
    const { documentId, ids } = await documentWithOrders('taught', ['rejected', 'accepted', 'review']);
    await t.db.transaction((tx) => settleTaught(tx, documentId, ids[0]!));
    expect(await statuses(ids)).toEqual(['accepted', 'rejected', 'rejected']);
  });

  it('refuses a document one of whose orders was queued for the ERP, changing nothing', async () => {
    const { documentId, ids } = await documentWithOrders('sent', ['accepted', 'review']);
    await enqueueDelivery(t.db, ids[0]!, 'file');
    await expect(t.db.transaction((tx) => settleTaught(tx, documentId, ids[1]!))).rejects.toThrow(
      /cannot be taught over/,
    );
    expect(await statuses(ids)).toEqual(['accepted', 'review']);
  });
});
