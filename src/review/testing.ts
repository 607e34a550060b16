/** A review workspace on a test pipeline: server, worker and ERP on one database, an operator signed in. */
import type { FastifyInstance } from 'fastify';
import { layout as pageLayout } from '../../scripts/eval/layout.ts';
import { CUSTOMERS, makeOrder, random } from '../../scripts/eval/orders.ts';
import { textPdf } from '../../scripts/eval/render.ts';
import { loadConfig } from '../config.ts';
import { buildServer } from '../app.ts';
import { createLogger, silentLogger } from '../log.ts';
import { createOcrEngine, type OcrEngine } from '../ocr/index.ts';
import { allFormats } from '../formats/registry.ts';
import { templatesFrom } from '../pipeline/templates-source.ts';
import { submit } from '../pipeline/submit.ts';
import { learnedTemplates } from '../pipeline/templates-source.ts';
import { learnedLayouts } from '../learn/store.ts';
import { createTestPipeline, DEMO_MASTER_DATA, type TestPipeline } from '../testing/pipeline.ts';
import { createUser } from './auth.ts';

export interface ReviewBench {
  p: TestPipeline;
  app: FastifyInstance;
  ocr: OcrEngine;
  close(): Promise<void>;
}

export async function createReviewBench(): Promise<ReviewBench> {
  const ocr = createOcrEngine({ workers: 1 });
  const templates = templatesFrom(loadConfig({}).templatesDir, silentLogger);
  // Learned fields count at once (no cache): the tests teach and re-send right away.
  const p = await createTestPipeline({ 'worker.concurrency': 1 }, DEMO_MASTER_DATA, (db) =>
    allFormats(ocr, learnedTemplates(db, templates, 0), {}, learnedLayouts(db, 0)),
  );
  const app = await buildServer({ db: p.db, config: p.config, log: createLogger('error') });
  await createUser(
    p.db,
    { login: 'ana', name: 'Ana García', role: 'operator', password: 'correct horse battery' },
    'system:test',
  );
  await createUser(
    p.db,
    { login: 'luis', name: 'Luis Pérez', role: 'operator', password: 'another long secret' },
    'system:test',
  );
  return {
    p,
    app,
    ocr,
    close: async () => {
      await app.close();
      await p.close();
      await ocr.close();
    },
  };
}

/**
 * A C042 purchase order as a text PDF whose first line gives a reference the customer never used
 * before (`ref`), with the quantity of that line as printed (`quantity`).
 */
export async function orderWithNewReference(n: number, ref: string, quantity: number, poNumber?: string) {
  const style = CUSTOMERS.find((c) => c.id === 'C042')!;
  const g = makeOrder(style, n, random(1000 + n));
  const first = g.lines[0]!;
  const lines = [
    {
      ...first,
      article: { ...first.article, ref },
      quantity,
      amount: Math.round(quantity * first.article.price * 100) / 100,
    },
    ...g.lines.slice(1),
  ];
  const total = Math.round(lines.reduce((s, l) => s + l.amount, 0) * 100) / 100;
  const g2 = { ...g, lines, expected: { ...g.expected, total, poNumber: poNumber ?? g.expected.poNumber } };
  return { g: g2, pdf: await textPdf(pageLayout(g2)) };
}

export async function arrive(bench: ReviewBench, bytes: Buffer, ref: string): Promise<number[]> {
  const { documentId } = await submit(bench.p.db, {
    channel: 'email',
    sourceRef: ref,
    sender: 'compras@ferreterialopez.es',
    receivedAt: new Date(),
    filename: `${ref}.pdf`,
    contentType: 'application/pdf',
    bytes,
  });
  await bench.p.worker.runUntilIdle();
  const rows = await bench.p.db.query<{ id: number }>(
    `SELECT id FROM orders WHERE document_id = $1 ORDER BY seq`,
    [documentId],
  );
  return rows.map((r) => r.id);
}
