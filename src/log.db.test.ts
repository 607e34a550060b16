import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import type { Db } from './db/db.ts';
import { OutboxDeliverer } from './erp/deliverer.ts';
import { OrderCaptureError } from './errors.ts';
import { createLogger, parseLogLevel, withLogFields } from './log.ts';
import { importMasterData } from './masterdata/import.ts';
import { type DocumentFormat, edifactFormat } from './formats/registry.ts';
import { submit } from './pipeline/submit.ts';
import { createTestDatabase, type TestDatabase } from './testing/db.ts';
import { interchange } from './testing/edifact-gen.ts';
import { DEMO_MASTER_DATA } from './testing/pipeline.ts';
import { DocumentWorker } from './worker/document-worker.ts';

describe('structured logs', () => {
  it('writes one JSON object per line, with the scope fields of the work in hand', async () => {
    const lines: string[] = [];
    const log = createLogger('debug', { service: 'test' }, (l) => lines.push(l));
    await withLogFields({ documentId: 7 }, async () => {
      await new Promise((r) => setTimeout(r, 1));
      log.child({ component: 'x' }).info('inside', { n: 1 });
    });
    log.warn('outside');
    const [inside, outside] = lines.map((l) => JSON.parse(l));
    expect(inside).toMatchObject({
      level: 'info',
      msg: 'inside',
      service: 'test',
      component: 'x',
      documentId: 7,
      n: 1,
    });
    expect(outside).toMatchObject({ level: 'warn', msg: 'outside' });
    expect(outside).not.toHaveProperty('documentId');
    expect(lines.every((l) => l.endsWith('\n') && !l.slice(0, -1).includes('\n'))).toBe(true);
  });
});

/**
 * Every line written while a document is processed or its order delivered carries the document's
 * id, including lines from modules that were handed no document (a format reading a file, the
 * ERP adapter), so `grep documentId=N` finds the document's whole story.
 */
describe('every log line of a document names it', () => {
  let t: TestDatabase;
  let db: Db;
  const lines: Array<Record<string, unknown>> = [];
  const log = createLogger('debug', {}, (l) => lines.push(JSON.parse(l)));

  beforeAll(async () => {
    t = await createTestDatabase();
    db = t.db;
    await importMasterData(db, DEMO_MASTER_DATA);
  });
  afterAll(() => t.close());

  it('from the worker, deep modules and the ERP delivery', async () => {
    // A format that logs through a logger of its own, as a library adapter would.
    const moduleLog = createLogger('debug', { module: 'reader' }, (l) => lines.push(JSON.parse(l)));
    const chatty: DocumentFormat = {
      ...edifactFormat,
      id: 'chatty-edifact',
      extract: async (input) => {
        moduleLog.debug('reading an interchange', { bytes: input.bytes.length });
        return edifactFormat.extract(input);
      },
    };
    const broken: DocumentFormat = {
      id: 'broken',
      channel: 'scan',
      score: ({ filename }) => (filename === 'broken.bin' ? 1 : 0),
      extract: async () => {
        throw new Error('reader crashed');
      },
    };
    const config = loadConfig({}, { dataDir: '/nonexistent' });
    const ids: number[] = [];
    for (const [i, po] of ['LOG-1', 'LOG-2'].entries()) {
      const bytes = Buffer.from(
        interchange([
          {
            poNumber: po,
            buyerGln: '8412345000003',
            lines: [{ sku: 'TOR-M8-40', quantity: 300, unitPrice: 0.12 }],
          },
        ]),
      );
      const r = await submit(db, {
        channel: 'edi',
        sourceRef: `log:${i}`,
        sender: null,
        receivedAt: new Date(),
        filename: `${po}.edi`,
        contentType: null,
        bytes,
      });
      ids.push(r.documentId);
    }
    const bad = await submit(db, {
      channel: 'scan',
      sourceRef: 'log:bad',
      sender: null,
      receivedAt: new Date(),
      filename: 'broken.bin',
      contentType: null,
      bytes: Buffer.from('?'),
    });
    ids.push(bad.documentId);

    const worker = new DocumentWorker(
      {
        db,
        log,
        validation: config.validation,
        acceptThreshold: config.acceptThreshold,
        deliverTo: 'memory',
        formats: [chatty, broken],
      },
      config.worker,
      log,
    );
    await worker.runUntilIdle();
    const delivered: number[] = [];
    const erpLog = createLogger('debug', { module: 'erp-client' }, (l) => lines.push(JSON.parse(l)));
    const deliverer = new OutboxDeliverer({
      db,
      adapter: {
        identifier: 'memory',
        deliver: async (d) => {
          erpLog.info('posting sales order', { key: d.idempotencyKey });
          delivered.push(d.orderId);
          return { kind: 'delivered', reference: `SO-${d.orderId}` };
        },
      },
      config: config.erp,
      workerId: 'log-test',
      log,
    });
    await deliverer.runOnce();
    expect(delivered).toHaveLength(2);

    const byMsg = (msg: string) => lines.filter((l) => l.msg === msg);
    expect(byMsg('reading an interchange')).toHaveLength(2);
    // The crashed reader's document is rejected with the reason, and says so under its id.
    expect(byMsg('document processed')).toHaveLength(3);
    expect(byMsg('posting sales order')).toHaveLength(2);
    expect(byMsg('order delivered to the ERP')).toHaveLength(2);
    for (const line of lines) expect(ids, JSON.stringify(line)).toContain(line.documentId);
    expect(byMsg('document processed').find((l) => l.format === 'broken')?.documentId).toBe(bad.documentId);
  });
});

describe('pino logs', () => {
  it('keep an error stack and its cause chain, redacted, and refuse an unknown level', () => {
    const lines: string[] = [];
    const log = createLogger('info', {}, (l) => lines.push(l));
    const cause = Object.assign(new Error('connect ECONNREFUSED postgres://app:hunter2@db:5432'), {
      code: 'ECONNREFUSED',
    });
    log.error('cannot store', {
      err: new OrderCaptureError('database_unavailable', 'store failed', { cause }),
    });
    log.debug('not written');
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({
      level: 'error',
      msg: 'cannot store',
      err: {
        type: 'OrderCaptureError',
        message: 'store failed',
        code: 'database_unavailable',
        cause: {
          type: 'Error',
          code: 'ECONNREFUSED',
          message: 'connect ECONNREFUSED postgres://***@db:5432',
        },
      },
    });
    expect(line.err.stack).toMatch(/^OrderCaptureError: store failed\n\s+at /);
    expect(line.err.cause.stack).toMatch(/\n\s+at /);
    expect(lines[0]).not.toContain('hunter2');
    expect(Number.isNaN(Date.parse(line.time))).toBe(false);
    expect(() => createLogger('verbose' as never)).toThrow(
      /unknown log level "verbose" \(known: debug, info/,
    );
    expect(parseLogLevel('warn')).toBe('warn');
  });
});
