import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DropFolder } from '../../connectors/drop-folder/index.ts';
import { issueToken } from '../customers/tokens.ts';
import { buildServer } from '../app.ts';
import { silentLogger } from '../log.ts';
import { eventsForDocument } from '../store/events.ts';
import { interchange } from '../testing/edifact-gen.ts';
import { startErpServer } from '../testing/erp-server.ts';
import { createTestPipeline, type TestPipeline } from '../testing/pipeline.ts';
import { submit } from './submit.ts';

const C042 = '8412345000003';

function demoInterchange(po: string): string {
  return interchange([
    {
      poNumber: po,
      buyerGln: C042,
      deliveryDate: '20261127',
      lines: [
        { gtin: '8412345678905', quantity: 200, unitPrice: 0.12 },
        { sku: 'TUE-M8', quantity: 300, unitPrice: 0.045 },
      ],
    },
  ]);
}

describe('end to end', () => {
  let p: TestPipeline;
  afterEach(() => p?.close());

  it('delivers an EDIFACT file dropped in the folder to the ERP file adapter, with its events', async () => {
    p = await createTestPipeline();
    const inbox = join(p.dir, 'inbox');
    const folder = new DropFolder({
      dir: inbox,
      channel: 'edi',
      stableMs: 0,
      pollMs: 10,
      maxBytes: 1 << 20,
      submit: (doc) => submit(p.db, doc),
      log: silentLogger,
    });
    await folder.scan();
    await writeFile(join(inbox, 'order-1.edi'), demoInterchange('PO-E2E-1'));
    expect(await folder.scan()).toBe(1);
    expect(await readdir(join(inbox, 'processed'))).toEqual(['order-1.edi']);

    await p.settle();

    const out = await readdir(p.config.erp.fileDir);
    expect(out).toHaveLength(1);
    const delivered = JSON.parse(await readFile(join(p.config.erp.fileDir, out[0]!), 'utf8'));
    expect(delivered).toMatchObject({
      customer: { id: 'C042', name: 'Ferreteria Lopez SL' },
      poNumber: 'PO-E2E-1',
      orderDate: '2026-11-20',
      deliveryDate: '2026-11-27',
      currency: 'EUR',
      lines: [
        { lineNo: 1, sku: 'TOR-M8-40', quantity: 200, unitPrice: 0.12 },
        { lineNo: 2, sku: 'TUE-M8', quantity: 300, unitPrice: 0.045 },
      ],
    });
    const [doc] = await p.db.query<{ id: number; status: string }>(`SELECT id, status FROM documents`);
    expect(doc!.status).toBe('processed');
    const kinds = (await eventsForDocument(p.db, doc!.id)).map((e) => e.kind);
    expect(kinds).toEqual(['document.received', 'document.processed', 'order.accepted', 'order.delivered']);
    const [order] = await p.db.query<{ status: string }>(`SELECT status FROM orders`);
    expect(order!.status).toBe('delivered');
  });

  it('delivers a web-form POST through the same pipeline', async () => {
    p = await createTestPipeline({ 'http.syncWaitMs': 10_000, 'worker.pollMs': 20 });
    const token = await issueToken(p.db, 'C042');
    p.worker.start();
    const app = await buildServer({ db: p.db, config: p.config, log: silentLogger });
    try {
      const res = await app.inject({
        method: 'POST',
        url: '/api/orders',
        headers: { authorization: `Bearer ${token}` },
        payload: {
          poNumber: 'WEB-1',
          deliveryDate: '2026-12-01',
          lines: [{ lineNo: 1, sku: 'TOR-M8-40', quantity: 400 }],
        },
      });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ status: 'accepted' });
      await p.worker.stop();
      await p.settle();
      const out = await readdir(p.config.erp.fileDir);
      expect(out).toEqual([`${res.json().id}.json`]);
      const delivered = JSON.parse(await readFile(join(p.config.erp.fileDir, out[0]!), 'utf8'));
      expect(delivered).toMatchObject({ customer: { id: 'C042' }, poNumber: 'WEB-1' });
      expect(delivered.lines[0]).toMatchObject({ sku: 'TOR-M8-40', quantity: 400, unit: 'EA' });
    } finally {
      await app.close();
    }
  });

  it('processes EDIFACT pushed over HTTP by the customer', async () => {
    p = await createTestPipeline();
    const token = await issueToken(p.db, 'C042');
    const app = await buildServer({ db: p.db, config: p.config, log: silentLogger });
    try {
      const res = await app.inject({
        method: 'POST',
        url: '/api/edifact',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/edifact' },
        payload: demoInterchange('PO-HTTP-1'),
      });
      expect(res.statusCode).toBe(202);
      await p.settle();
      const [order] = await p.db.query<{ status: string; po_number: string }>(
        `SELECT status, po_number FROM orders`,
      );
      expect(order).toEqual({ status: 'delivered', po_number: 'PO-HTTP-1' });
      const [doc] = await p.db.query<{ channel: string }>(`SELECT channel FROM documents`);
      expect(doc!.channel).toBe('edi');
    } finally {
      await app.close();
    }
  });

  it('gets each order to an ERP that fails its first 3 calls exactly once', async () => {
    const erp = await startErpServer({ failFirst: 3 });
    try {
      p = await createTestPipeline({ 'erp.adapter': 'http', 'erp.httpUrl': erp.url });
      await submit(p.db, {
        channel: 'edi',
        sourceRef: 'test:erp-flaky',
        sender: null,
        receivedAt: new Date(),
        filename: 'x.edi',
        contentType: null,
        bytes: Buffer.from(
          interchange([
            { poNumber: 'FLAKY-1', buyerGln: C042, lines: [{ sku: 'TOR-M8-40', quantity: 200 }] },
            { poNumber: 'FLAKY-2', buyerGln: C042, lines: [{ sku: 'TUE-M8', quantity: 100 }] },
          ]),
        ),
      });
      await p.worker.runUntilIdle();
      for (let i = 0; i < 50 && erp.received.length < 2; i++) {
        await p.deliverer.runOnce();
        await new Promise((r) => setTimeout(r, 25));
      }
      expect(erp.received.map((r) => (r.body as { poNumber: string }).poNumber).sort()).toEqual([
        'FLAKY-1',
        'FLAKY-2',
      ]);
      expect(erp.calls).toBeGreaterThanOrEqual(5);
      const orders = await p.db.query<{ status: string }>(`SELECT status FROM orders`);
      expect(orders.map((o) => o.status)).toEqual(['delivered', 'delivered']);
      expect(existsSync(p.config.erp.fileDir)).toBe(false);
    } finally {
      await erp.close();
    }
  });
});
