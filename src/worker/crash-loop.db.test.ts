import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submit } from '../pipeline/submit.ts';
import { silentLogger } from '../log.ts';
import { type DocumentFormat, edifactFormat } from '../formats/registry.ts';
import { claimJobs, failJob } from '../queue/jobs.ts';
import { DocumentWorker } from './document-worker.ts';
import { interchange } from '../testing/edifact-gen.ts';
import { createTestPipeline, type TestPipeline } from '../testing/pipeline.ts';

/**
 * A document that kills its worker every time (the OOM killer on a pathological fax) must not
 * crash-loop the service forever: once its job has had all its attempts, each ended by the
 * process dying, the next worker to claim it gives up: job dead, document rejected with the
 * reason, the rest of the queue unharmed.
 */
describe('a document the worker dies on every time', () => {
  let p: TestPipeline;
  beforeAll(async () => {
    p = await createTestPipeline({ 'worker.concurrency': 1 });
  });
  afterAll(async () => {
    await p.close();
  });

  const edi = (po: string) =>
    Buffer.from(
      interchange([
        {
          poNumber: po,
          buyerGln: '8412345000003',
          lines: [{ sku: 'TOR-M8-40', quantity: 300, unitPrice: 0.12 }],
        },
      ]),
    );

  it('is given up after its attempts, and the next document is processed', async () => {
    const doc = (ref: string, po: string) =>
      submit(p.db, {
        channel: 'edi',
        sourceRef: ref,
        sender: null,
        receivedAt: new Date(),
        filename: `${ref}.edi`,
        contentType: null,
        bytes: edi(po),
      });
    const poison = await doc('poison', 'LOOP-1');
    const healthy = await doc('healthy', 'LOOP-2');
    // Five claims that each ended with the process killed: counted, never finished, lease run out.
    await p.db.query(
      `UPDATE jobs SET attempts = max_attempts, locked_by = 'dead-worker', locked_until = now() - interval '1 second'
        WHERE document_id = $1`,
      [poison.documentId],
    );
    await p.worker.runUntilIdle();

    const docs = await p.db.query<{ id: number; status: string; status_reason: string | null }>(
      `SELECT id, status, status_reason FROM documents ORDER BY id`,
    );
    expect(docs.find((d) => d.id === poison.documentId)).toMatchObject({ status: 'rejected' });
    expect(docs.find((d) => d.id === poison.documentId)!.status_reason).toMatch(/stopped 5 times/);
    expect(docs.find((d) => d.id === healthy.documentId)).toMatchObject({ status: 'processed' });
    const jobs = await p.db.query<{ document_id: number; status: string }>(
      `SELECT document_id, status FROM jobs`,
    );
    expect(jobs).toEqual([{ document_id: poison.documentId, status: 'dead' }]);
    const [failed] = await p.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM events WHERE kind = 'document.failed' AND document_id = $1`,
      [poison.documentId],
    );
    expect(failed!.n).toBe(1);
    expect(await p.db.query(`SELECT id FROM orders WHERE document_id = $1`, [poison.documentId])).toEqual([]);
  });

  it('a failure reported after another holder took the job over changes nothing', async () => {
    const { documentId } = await submit(p.db, {
      channel: 'edi',
      sourceRef: 'taken-over',
      sender: null,
      receivedAt: new Date(),
      filename: 'taken-over.edi',
      contentType: null,
      bytes: edi('LOOP-3'),
    });
    const [job] = await claimJobs(p.db, 'stalled-worker', ['process_document'], 1, 1000);
    expect(job!.document_id).toBe(documentId);
    await p.db.query(`UPDATE jobs SET locked_by = 'other-worker' WHERE id = $1`, [job!.id]);
    expect(await failJob(p.db, { ...job!, attempts: job!.max_attempts }, new Error('too late'))).toBe('lost');
    const [row] = await p.db.query<{ status: string; locked_by: string }>(
      `SELECT status, locked_by FROM jobs WHERE id = $1`,
      [job!.id],
    );
    expect(row).toEqual({ status: 'pending', locked_by: 'other-worker' });
  });

  it('runs the jobs a dead worker left behind one at a time, the others side by side', async () => {
    let running = 0;
    let most = 0;
    const counting: DocumentFormat = {
      ...edifactFormat,
      extract: async (input) => {
        running++;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, 50));
        running--;
        return edifactFormat.extract(input);
      },
    };
    const worker = new DocumentWorker(
      {
        db: p.db,
        log: silentLogger,
        validation: p.config.validation,
        acceptThreshold: p.config.acceptThreshold,
        deliverTo: null,
        formats: [counting],
      },
      { ...p.config.worker, concurrency: 3 },
      silentLogger,
    );
    const arrive = async (ref: string) =>
      (
        await submit(p.db, {
          channel: 'edi',
          sourceRef: ref,
          sender: null,
          receivedAt: new Date(),
          filename: `${ref}.edi`,
          contentType: null,
          bytes: edi(ref),
        })
      ).documentId;
    const statuses = (ids: number[]) =>
      p.db.query<{ status: string }>(`SELECT status FROM documents WHERE id = ANY($1)`, [ids]);

    // A process died holding three jobs: which of them killed it is unknown.
    const left = [await arrive('SUSPECT-1'), await arrive('SUSPECT-2'), await arrive('SUSPECT-3')];
    const held = await claimJobs(p.db, 'died-worker', ['process_document'], 3, 1000);
    expect(held).toHaveLength(3);
    await p.db.query(
      `UPDATE jobs SET locked_until = now() - interval '1 second' WHERE locked_by = 'died-worker'`,
    );
    await worker.runUntilIdle();
    expect(most).toBe(1);
    expect((await statuses(left)).map((d) => d.status)).toEqual(['processed', 'processed', 'processed']);
    // None is left in the queue.
    expect(await p.db.query(`SELECT document_id FROM jobs WHERE document_id = ANY($1)`, [left])).toEqual([]);

    // Jobs nobody abandoned run side by side as usual.
    most = 0;
    const fresh = [await arrive('FRESH-1'), await arrive('FRESH-2'), await arrive('FRESH-3')];
    await worker.runUntilIdle();
    expect(most).toBe(3);
    expect((await statuses(fresh)).map((d) => d.status)).toEqual(['processed', 'processed', 'processed']);
  });
});
