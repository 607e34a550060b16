import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type ErpServer, startErpServer } from '../testing/erp-server.ts';
import type { Delivery } from './adapter.ts';
import { createErpAdapter } from './adapters.ts';
import { answerInWords, HttpErpAdapter } from './http-adapter.ts';
import { compileTemplate, loadMapping } from './mapping.ts';
import { sampleOrder, testErpConfig } from './test-support.ts';

const EXAMPLES = fileURLToPath(new URL('../../docs/examples/', import.meta.url));

const delivery = (orderId = 7): Delivery => ({
  orderId,
  idempotencyKey: `oc-${orderId}-k`,
  order: sampleOrder(orderId),
  documentId: 3,
  receivedAt: new Date('2026-11-20T08:00:00Z'),
});

describe('ERP mapping', () => {
  let server: ErpServer | null = null;
  let dir: string | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = null;
  });

  it('fills a JSON template: typed values, text, fallbacks, one element per line', () => {
    const map = compileTemplate({
      ref: '{{poNumber}}',
      note: 'PO {{poNumber}} for {{customer.name}}{{notes}}',
      when: '{{deliveryDate ?? orderDate}}',
      none: '{{notes}}',
      key: '{{idempotencyKey}}',
      fixed: { type: 'SO', n: 1 },
      lines: {
        $each: 'lines',
        as: 'l',
        template: { item: '{{l.sku}}', qty: '{{l.quantity}}', po: '{{poNumber}}' },
      },
    });
    const order = { ...sampleOrder(5), deliveryDate: null };
    expect(map(order, { orderId: 1, documentId: 2, idempotencyKey: 'k1', receivedAt: 'x' })).toEqual({
      ref: 'PO-2026-0005',
      note: 'PO PO-2026-0005 for Ferreteria Lopez SL',
      when: '2026-11-20',
      none: null,
      key: 'k1',
      fixed: { type: 'SO', n: 1 },
      lines: [{ item: 'TOR-M8-40', qty: 200, po: 'PO-2026-0005' }],
    });
  });

  it('refuses a template that names no field of the canonical order, with the known ones', () => {
    expect(() => compileTemplate({ a: '{{poNumbr}}' })).toThrow(/\{\{poNumbr\}\} names no field.*poNumber/);
    expect(() => compileTemplate({ a: { $each: 'lines', template: { s: '{{line.skuu}}' } } })).toThrow(
      /line\.skuu/,
    );
    expect(() => compileTemplate({ a: '{{line.sku}}' })).toThrow(/line\.sku/);
    expect(() => compileTemplate({ a: { $each: 'shipTo', template: {} } })).toThrow(/"\$each" takes "lines"/);
  });

  it('posts the Business Central example of docs/ with an OAuth2 client-credentials token', async () => {
    server = await startErpServer({ oauth: { clientId: 'order-capture', clientSecret: 'p@ss:word' } });
    const adapter = createErpAdapter(
      testErpConfig({
        httpUrl: server.url,
        mappingPath: join(EXAMPLES, 'business-central-sales-order.json'),
        oauth: {
          tokenUrl: server.tokenUrl,
          clientId: 'order-capture',
          clientSecret: 'p@ss:word',
          scope: 'erp/.default',
        },
      }),
    );
    await adapter.ready?.();
    expect(await adapter.deliver(delivery(7))).toEqual({ kind: 'delivered', reference: 'ERP-000001' });
    expect(await adapter.deliver(delivery(8))).toEqual({ kind: 'delivered', reference: 'ERP-000002' });
    expect(server.tokensIssued).toBe(1);
    expect(server.received[0]).toEqual({
      key: 'oc-7-k',
      body: {
        externalDocumentNumber: 'PO-2026-0007',
        customerNumber: 'C042',
        orderDate: '2026-11-20',
        requestedDeliveryDate: '2026-11-27',
        currencyCode: 'EUR',
        shipToName: 'Almacen Norte',
        shipToAddressLine1: 'C/ Mayor 1',
        shipToPostCode: '28001',
        shipToCity: 'Madrid',
        shipToCountry: 'ES',
        salesOrderLines: [
          {
            sequence: 1,
            lineType: 'Item',
            lineObjectNumber: 'TOR-M8-40',
            description: 'Tornillo M8x40 zincado',
            unitOfMeasureCode: 'EA',
            quantity: 200,
            unitPrice: 0.12,
          },
        ],
      },
    });
    // A token the ERP no longer takes: one new token, the same key, delivered.
    server.revokeTokens();
    expect(await adapter.deliver(delivery(9))).toEqual({ kind: 'delivered', reference: 'ERP-000003' });
    expect(server.tokensIssued).toBe(2);
  });

  it('retries, without sending the order, while the identity provider refuses the client', async () => {
    server = await startErpServer({ oauth: { clientId: 'order-capture', clientSecret: 'right' } });
    const adapter = new HttpErpAdapter({
      url: server.url,
      timeoutMs: 2000,
      oauth: { tokenUrl: server.tokenUrl, clientId: 'order-capture', clientSecret: 'wrong', scope: null },
    });
    expect(await adapter.deliver(delivery(1))).toEqual({
      kind: 'retry',
      error: 'OAuth2 token request: HTTP 401 (invalid_client)',
    });
    expect(server.calls).toBe(0);
  });

  it('retries an order the ERP answers 401 or 403 (our credentials, not the order)', async () => {
    server = await startErpServer({ rejectWith: { status: 403, body: '{"message":"token lacks scope"}' } });
    const adapter = new HttpErpAdapter({ url: server.url, timeoutMs: 2000, authorization: 'Bearer old' });
    expect(await adapter.deliver(delivery(2))).toEqual({
      kind: 'retry',
      error: 'HTTP 403: token lacks scope',
    });
  });

  it('takes a TypeScript module as mapping; a module that throws for an order fails that order', async () => {
    server = await startErpServer();
    const adapter = new HttpErpAdapter({
      url: server.url,
      timeoutMs: 2000,
      mappingPath: join(EXAMPLES, 'erp-mapping.ts'),
    });
    await adapter.ready();
    await adapter.deliver(delivery(4));
    expect(server.received[0]!.body).toMatchObject({
      externalDocumentNumber: 'PO-2026-0004',
      salesOrderLines: [{ sequence: 10000, lineObjectNumber: 'TOR-M8-40', quantity: 200 }],
    });

    dir = await mkdtemp(join(tmpdir(), 'mapping-'));
    const bad = join(dir, 'bad.mjs');
    await writeFile(bad, "export default (order) => { throw new Error('no SKU for ' + order.poNumber); };\n");
    const refusing = new HttpErpAdapter({ url: server.url, timeoutMs: 2000, mappingPath: bad });
    expect(await refusing.deliver(delivery(5))).toEqual({
      kind: 'failed',
      error: 'the ERP mapping failed for this order: no SKU for PO-2026-0005',
    });
    await writeFile(join(dir, 'none.mjs'), 'export const x = 1;\n');
    await expect(loadMapping(join(dir, 'none.mjs'))).rejects.toMatchObject({ code: 'config_invalid' });
    await expect(loadMapping(join(dir, 'm.yaml'))).rejects.toThrow(/\.json template or a/);
  });

  it('puts the ERP error in words: problem details, message fields, or the text', () => {
    expect(answerInWords('{"title":"Bad line","detail":"SKU X unknown"}')).toBe('Bad line: SKU X unknown');
    expect(answerInWords('{"error":{"code":"BadRequest","message":"Customer C9 does not exist"}}')).toBe(
      'Customer C9 does not exist',
    );
    expect(answerInWords('{"errors":[{"message":"a"},{"message":"b"}]}')).toBe('a; b');
    expect(answerInWords('  plain words ')).toBe('plain words');
    expect(answerInWords('{"id":1}')).toBe('{"id":1}');
  });
});
