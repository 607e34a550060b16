import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentFinished } from '../queue/signal.ts';
import { createTestDatabase, type TestDatabase, testEngine } from '../testing/db.ts';
import { submit, waitForDocument } from './submit.ts';

describe(`waiting for a document (${testEngine})`, () => {
  let t: TestDatabase;
  const store = async (ref: string) =>
    (
      await submit(t.db, {
        channel: 'web',
        sourceRef: ref,
        sender: 'C042',
        receivedAt: new Date(),
        filename: null,
        contentType: 'application/json',
        bytes: Buffer.from(`{"poNumber":"${ref}"}`),
      })
    ).documentId;
  const finish = (id: number) => t.db.query(`UPDATE documents SET status = 'processed' WHERE id = $1`, [id]);

  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t.close());

  it('answers when a worker in this process signals, without waiting for its next look', async () => {
    const id = await store('wait-signal');
    await finish(id);
    // Looks at the database see the document unfinished until the signal has been sent: only
    // the signal can end this wait before its deadline (which would answer null).
    let signalled = false;
    let looks = 0;
    const blind = {
      ...t.db,
      query: async (sql: string, params?: unknown[]) => {
        looks++;
        return signalled ? t.db.query(sql, params) : [{ status: 'received' }];
      },
    } as typeof t.db;
    const waiting = waitForDocument(blind, id, 60_000);
    while (looks < 3) await new Promise((r) => setTimeout(r, 5));
    signalled = true;
    documentFinished(id);
    expect(await waiting).toBe('processed');
  });

  it('still finds a document finished elsewhere, and gives up at the deadline', async () => {
    const id = await store('wait-poll');
    const waiting = waitForDocument(t.db, id, 20_000);
    setTimeout(() => void finish(id), 300);
    expect(await waiting).toBe('processed');
    const other = await store('wait-never');
    expect(await waitForDocument(t.db, other, 500)).toBeNull();
  });
});
