import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../log.ts';
import { submit } from '../pipeline/submit.ts';
import { interchange } from '../testing/edifact-gen.ts';
import { createTestPipeline, type TestPipeline } from '../testing/pipeline.ts';
import { sweepExpired } from './retention.ts';

const edi = (po: string, sku = 'TOR-M8-40') =>
  Buffer.from(
    interchange([
      { poNumber: po, buyerGln: '8412345000003', lines: [{ sku, quantity: 300, unitPrice: 0.12 }] },
    ]),
  );

/**
 * The retention policy deletes what is older than the period, with everything derived from it,
 * logs each deletion (a row in `deletions` and a log line with the document id), and keeps any
 * document whose work is still open, whatever its age.
 */
describe('retention sweep', () => {
  let p: TestPipeline;
  const ids: Record<string, number> = {};
  const lines: Array<Record<string, unknown>> = [];
  const log = createLogger('info', {}, (l) => lines.push(JSON.parse(l)));

  const arrive = async (name: string, bytes: Buffer, filename: string) => {
    const r = await submit(p.db, {
      channel: 'edi',
      sourceRef: `retention:${name}`,
      sender: null,
      receivedAt: new Date(),
      filename,
      contentType: null,
      bytes,
    });
    ids[name] = r.documentId;
  };

  beforeAll(async () => {
    p = await createTestPipeline();
    await arrive('oldDelivered', edi('RET-OLD-1'), 'a.edi');
    await arrive('oldRejected', Buffer.from('not an order at all'), 'b.txt');
    await arrive('oldInReview', edi('RET-OLD-2', 'NO-SUCH-SKU'), 'c.edi');
    await arrive('newDelivered', edi('RET-NEW-1'), 'd.edi');
    // The same bytes as the old rejected one: the stored blob is shared and must survive.
    await arrive('newSameBytes', Buffer.from('not an order at all'), 'e.txt');
    await p.settle();
    await p.db.query(`UPDATE documents SET received_at = now() - interval '400 days' WHERE id = ANY($1)`, [
      [ids.oldDelivered, ids.oldRejected, ids.oldInReview],
    ]);
  });
  afterAll(() => p.close());

  it('deletes expired documents and what came of them, logging each', async () => {
    const statuses = await p.db.query<{ document_id: number; status: string }>(
      `SELECT document_id, status FROM orders ORDER BY document_id`,
    );
    expect(statuses).toEqual([
      { document_id: ids.oldDelivered, status: 'delivered' },
      { document_id: ids.oldInReview, status: 'review' },
      { document_id: ids.newDelivered, status: 'delivered' },
    ]);
    const [oldBlob] = await p.db.query<{ sha256: string }>(`SELECT sha256 FROM documents WHERE id = $1`, [
      ids.oldDelivered,
    ]);

    const deleted = await sweepExpired(p.db, { days: 365, batch: 1, actor: 'system:retention' }, log);
    expect(deleted).toBe(2);

    const left = await p.db.query<{ id: number }>(`SELECT id FROM documents ORDER BY id`);
    expect(left.map((r) => r.id)).toEqual([ids.oldInReview, ids.newDelivered, ids.newSameBytes]);
    const gone = [ids.oldDelivered, ids.oldRejected];
    for (const table of ['orders', 'findings', 'document_pages', 'jobs', 'events']) {
      const [row] = await p.db.query<{ n: number }>(
        `SELECT count(*)::int8 AS n FROM ${table} WHERE document_id = ANY($1)`,
        [gone],
      );
      expect(row!.n, table).toBe(0);
    }
    expect(
      await p.db.query(
        `SELECT 1 FROM order_lines l LEFT JOIN orders o ON o.id = l.order_id WHERE o.id IS NULL`,
      ),
    ).toEqual([]);
    expect(
      await p.db.query(
        `SELECT 1 FROM erp_outbox b LEFT JOIN orders o ON o.id = b.order_id WHERE o.id IS NULL`,
      ),
    ).toEqual([]);
    // The delivered one's bytes went with it; the rejected one's are still another document's.
    expect(await p.db.query(`SELECT 1 FROM blobs WHERE sha256 = $1`, [oldBlob!.sha256])).toEqual([]);
    const [shared] = await p.db.query<{ n: number }>(
      `SELECT count(*)::int8 AS n FROM blobs b JOIN documents d ON d.sha256 = b.sha256 WHERE d.id = $1`,
      [ids.newSameBytes],
    );
    expect(shared!.n).toBe(1);

    // The deletion log says what each was.
    const log_ = await p.db.query<{
      document_id: number;
      status: string;
      orders: number;
      po_numbers: string[];
      customer_ids: string[];
      reason: string;
      deleted_by: string;
    }>(
      `SELECT document_id, status, orders, po_numbers, customer_ids, reason, deleted_by FROM deletions ORDER BY document_id`,
    );
    expect(log_).toEqual([
      {
        document_id: ids.oldDelivered,
        status: 'processed',
        orders: 1,
        po_numbers: ['RET-OLD-1'],
        customer_ids: [expect.any(String)],
        reason: expect.stringMatching(/^retention: received before .+ \(365 days\)$/),
        deleted_by: 'system:retention',
      },
      expect.objectContaining({
        document_id: ids.oldRejected,
        status: 'rejected',
        orders: 0,
        po_numbers: [],
      }),
    ]);
    const logged = lines.filter((l) => l.msg === 'document deleted by the retention policy');
    expect(logged.map((l) => l.documentId)).toEqual(gone);
    const [swept] = await p.db.query<{ detail: { deleted: number; days: number } }>(
      `SELECT detail FROM events WHERE kind = 'retention.swept'`,
    );
    expect(swept!.detail).toMatchObject({ deleted: 2, days: 365 });

    // The documents still there keep their full history.
    const [history] = await p.db.query<{ n: number }>(
      `SELECT count(*)::int8 AS n FROM events WHERE document_id = $1`,
      [ids.oldInReview],
    );
    expect(history!.n).toBeGreaterThan(0);
  });

  it('leaves the audit log append-only for everyone else', async () => {
    await expect(p.db.query(`DELETE FROM events WHERE document_id = $1`, [ids.oldInReview])).rejects.toThrow(
      /append-only/,
    );
    await expect(p.db.query(`UPDATE events SET actor = 'x'`)).rejects.toThrow(/append-only/);
  });

  it('deletes nothing more on a second sweep, and nothing newer than the period', async () => {
    expect(await sweepExpired(p.db, { days: 365, batch: 10, actor: 'system:retention' }, log)).toBe(0);
    expect(await sweepExpired(p.db, { days: 1, batch: 10, actor: 'system:retention' }, log)).toBe(0);
  });
});
