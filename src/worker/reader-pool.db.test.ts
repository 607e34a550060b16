import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { buildServer } from '../app.ts';
import { silentLogger } from '../log.ts';
import { importMasterData } from '../masterdata/import.ts';
import type { OcrEngine } from '../ocr/index.ts';
import { allFormats } from '../formats/registry.ts';
import { templatesFrom } from '../pipeline/templates-source.ts';
import { submit } from '../pipeline/submit.ts';
import { createTestDatabase, type TestDatabase } from '../testing/db.ts';
import { DEMO_MASTER_DATA } from '../testing/pipeline.ts';
import { DocumentWorker } from './document-worker.ts';
import { type DocumentReader, ReaderPool } from './reader-pool.ts';

/** An e-mail whose typed body is one line of `count` numbers: costly to read for the table reader. */
function numbersMail(count: number): Buffer {
  const line = Array.from({ length: count }, (_, i) => String((i * 7919) % 100_000)).join(' ');
  return Buffer.from(
    [
      'From: compras@ferreterialopez.es',
      'To: pedidos@example.com',
      'Subject: Pedido PO-NUM-1',
      'Message-ID: <numbers-1@ferreterialopez.es>',
      'Date: Fri, 20 Nov 2026 09:00:00 +0100',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Pedido PO-NUM-1',
      line,
      '',
    ].join('\r\n'),
  );
}

/** An OCR engine that reads a fixed word, on the test's own thread, and counts its calls. */
function mainThreadOcr(): OcrEngine & { calls: number } {
  return {
    calls: 0,
    async recognize() {
      this.calls++;
      return { words: [{ text: 'PEDIDO', x: 10, y: 10, w: 60, h: 12, confidence: 0.9 }], confidence: 0.9 };
    },
    close: async () => {},
  };
}

describe('document reading in worker threads', () => {
  let t: TestDatabase;
  const ocr = mainThreadOcr();

  beforeAll(async () => {
    t = await createTestDatabase();
    await importMasterData(t.db, DEMO_MASTER_DATA);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers /health while a pathological e-mail is read, then rejects the e-mail at its budget', async () => {
    const config = loadConfig({}, { dataDir: '/nonexistent', 'http.syncWaitMs': 0 });
    const pool = new ReaderPool({
      threads: 1,
      budgetMs: 4000,
      ocr,
      templates: [],
      limits: config.documents,
      log: silentLogger,
    });
    let reading!: () => void;
    const started = new Promise<void>((resolve) => {
      reading = resolve;
    });
    const reader: DocumentReader = {
      reads: (id) => pool.reads(id),
      read: (input) => {
        reading();
        return pool.read(input);
      },
      close: () => pool.close(),
    };
    const worker = new DocumentWorker(
      {
        db: t.db,
        log: silentLogger,
        validation: config.validation,
        acceptThreshold: config.acceptThreshold,
        deliverTo: null,
        formats: allFormats(ocr),
        reader,
      },
      config.worker,
      silentLogger,
    );
    await pool.warm(); // the thread has loaded its readers: what follows is the reading itself
    const app = await buildServer({ db: t.db, config, log: silentLogger });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const { documentId } = await submit(t.db, {
        channel: 'email',
        sourceRef: 'numbers-1',
        sender: 'compras@ferreterialopez.es',
        receivedAt: new Date(),
        filename: 'numbers.eml',
        contentType: 'message/rfc822',
        bytes: numbersMail(20_000),
      });
      const order: string[] = [];
      const done = worker.runUntilIdle().then(() => order.push('document finished'));
      await started;
      // One after the other: on a blocked event loop the first may slip in, the next cannot.
      for (let i = 0; i < 5; i++) {
        const health = await fetch(`${url}/health`);
        order.push(`health ${health.status}`);
        const review = await fetch(`${url}/review/login`);
        order.push(`sign-in page ${review.status}`);
      }
      await done;
      // No clock: the server answered all of them while the document was still being read.
      expect(order).toEqual([
        ...Array.from({ length: 5 }, () => ['health 200', 'sign-in page 200']).flat(),
        'document finished',
      ]);
      const [doc] = await t.db.query<{ status: string; status_reason: string }>(
        `SELECT status, status_reason FROM documents WHERE id = $1`,
        [documentId],
      );
      expect(doc?.status).toBe('rejected');
      expect(doc?.status_reason).toMatch(/took longer than 4 s, the most one document may take/);
      const findings = await t.db.query<{ code: string }>(
        `SELECT code FROM findings WHERE document_id = $1`,
        [documentId],
      );
      expect(findings.map((f) => f.code)).toEqual(['unreadable_document']);
      // An EDIFACT interchange is parsed on the worker's own thread: nothing for the pool.
      expect(pool.reads('edifact')).toBe(false);
      expect(pool.reads('email')).toBe(true);
    } finally {
      await app.close();
      await worker.stop();
      await pool.close();
    }
  }, 120_000);

  it('reads ordinary documents in a thread, OCR served by the main thread, and goes on after a stopped one', async () => {
    const pool = new ReaderPool({
      threads: 1,
      budgetMs: 3000,
      ocr,
      templates: templatesFrom(loadConfig({}).templatesDir, silentLogger), // the shipped ones cross too
      limits: {},
      log: silentLogger,
    });
    try {
      const stopped = await pool.read({
        bytes: numbersMail(20_000),
        filename: 'n.eml',
        contentType: null,
        sender: null,
      });
      expect(stopped.outcome.kind).toBe('rejected');
      // A scanned page is decoded in the thread and read by the OCR engine of the main thread
      // (tesseract.js has threads of its own).
      const before = ocr.calls;
      const png = await sharp({
        create: { width: 400, height: 200, channels: 3, background: { r: 255, g: 255, b: 255 } },
      })
        .png()
        .toBuffer();
      const read = await pool.read({
        bytes: png,
        filename: 'scan.png',
        contentType: 'image/png',
        sender: null,
      });
      expect(read.format).toBe('image');
      expect(ocr.calls).toBe(before + 1);
      expect(read.outcome.pages?.[0]?.words.map((w) => w.text)).toEqual(['PEDIDO']);
      expect(Buffer.isBuffer(read.outcome.pages?.[0]?.image)).toBe(true);
    } finally {
      await pool.close();
    }
  }, 120_000);
});
