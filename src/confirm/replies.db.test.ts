import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel } from '../domain/document.ts';
import { splitEnvelopes } from '../formats/x12/envelope.ts';
import { el, tokenize } from '../formats/x12/syntax.ts';
import { cleanOrder, toCsv, toCxml, toOrderX, toUbl, toX12 } from '../formats/testing.ts';
import { at, parseXml, textAt } from '../formats/xml/parse.ts';
import { silentLogger } from '../log.ts';
import { submit } from '../pipeline/submit.ts';
import { createTestPipeline, DEMO_MASTER_DATA, type TestPipeline } from '../testing/pipeline.ts';
import { ourReference } from './render.ts';
import { renderCxmlConfirmation, renderUblOrderResponse, renderX12855 } from './replies.ts';
import { ConfirmationSender } from './sender.ts';

describe('replies in the customer format', () => {
  let p: TestPipeline;
  let sender: ConfirmationSender;
  let n = 0;
  beforeAll(async () => {
    // An SMTP URL so that e-mail confirmations are queued; this test sends none of them.
    p = await createTestPipeline(
      { 'confirm.ownEdiId': '8400000000017', 'confirm.smtpUrl': 'smtp://127.0.0.1:9' },
      DEMO_MASTER_DATA,
      undefined,
      { confirm: true },
    );
    sender = new ConfirmationSender({
      db: p.db,
      log: silentLogger,
      ...p.config.confirm,
      backoffBaseMs: 1,
      backoffMaxMs: 1,
      maxAttempts: 3,
    });
  });
  afterAll(async () => {
    await sender.stop();
    await p.close();
  });

  async function answer(
    channel: Channel,
    text: string,
  ): Promise<{ orderId: number; dir: string; file: string }> {
    const { documentId } = await submit(p.db, {
      channel,
      sourceRef: `replies-${++n}`,
      sender: null,
      receivedAt: new Date(),
      filename: null,
      contentType: null,
      bytes: Buffer.from(text),
    });
    await p.worker.runUntilIdle();
    const [order] = await p.db.query<{ id: number; status: string }>(
      `SELECT id, status FROM orders WHERE document_id = $1`,
      [documentId],
    );
    expect(order!.status).toBe('accepted');
    expect(await sender.runOnce()).toBe(1);
    const [row] = await p.db.query<{ status: string; reference: string }>(
      `SELECT status, reference FROM confirmation_outbox WHERE order_id = $1`,
      [order!.id],
    );
    expect(row!.status).toBe('sent');
    return { orderId: order!.id, dir: dirname(p.config.confirm.ediDir), file: row!.reference };
  }

  it('answers an X12 850 with an X12 855 in the x12 outbox, its envelope counts right', async () => {
    const o = cleanOrder('PO-R-X12');
    const { orderId, dir, file } = await answer('edi', toX12(o));
    expect(file).toBe(`X12-${ourReference(orderId)}.x12`);
    const text = await readFile(join(dir, 'x12', file), 'latin1');
    const tokens = tokenize(text);
    if (typeof tokens === 'string') throw new Error(tokens);
    const { transactions, findings } = splitEnvelopes(tokens.segments);
    expect(findings).toEqual([]);
    expect(transactions).toHaveLength(1);
    const t = transactions[0]!;
    expect([t.type, t.findings]).toEqual(['855', []]);
    const bak = t.segments.find((s) => s.tag === 'BAK')!;
    expect([el(bak, 1), el(bak, 2), el(bak, 3)]).toEqual(['AD', 'PO-R-X12', '20261120']);
    const acks = t.segments.filter((s) => s.tag === 'ACK').map((s) => [el(s, 0), el(s, 1)]);
    expect(acks).toEqual([
      ['IA', '200'],
      ['IA', '400'],
    ]);
    expect(t.interchange?.receiverId).toBe('8412345000003');
  });

  it('answers a UBL Order with a UBL OrderResponse (AP) in the ubl outbox', async () => {
    const { dir, file } = await answer('edi', toUbl(cleanOrder('PO-R-UBL')));
    const root = parseXml(await readFile(join(dir, 'ubl', file), 'utf8'));
    expect(root.local).toBe('OrderResponse');
    expect(textAt(root, 'OrderResponseCode')).toBe('AP');
    expect(textAt(root, 'OrderReference/ID')).toBe('PO-R-UBL');
    expect(at(root, 'BuyerCustomerParty/Party/EndpointID')?.attrs.schemeID).toBe('0088');
    expect(textAt(root, 'BuyerCustomerParty/Party/EndpointID')).toBe('8412345000003');
  });

  it('answers a cXML OrderRequest with a ConfirmationRequest to the buyer network id, referring to its payloadID', async () => {
    const { dir, file } = await answer('edi', toCxml(cleanOrder('PO-R-CXML'), 'AN01000012345'));
    const root = parseXml(await readFile(join(dir, 'cxml', file), 'utf8'));
    expect(textAt(root, 'Header/To/Credential/Identity')).toBe('AN01000012345');
    const header = at(root, 'Request/ConfirmationRequest/ConfirmationHeader')!;
    expect(header.attrs.type).toBe('accept');
    const ref = at(root, 'Request/ConfirmationRequest/OrderReference')!;
    expect(ref.attrs.orderID).toBe('PO-R-CXML');
    expect(at(ref, 'DocumentReference')?.attrs.payloadID).toBe('PO-R-CXML@buyer.example');
  });

  it('an Order-X file dropped in the EDI folder is answered by e-mail: it has no EDI reply', async () => {
    const { documentId } = await submit(p.db, {
      channel: 'edi',
      sourceRef: `replies-${++n}`,
      sender: null,
      receivedAt: new Date(),
      filename: 'order-x.xml',
      contentType: null,
      bytes: Buffer.from(toOrderX(cleanOrder('PO-R-OX'))),
    });
    await p.worker.runUntilIdle();
    const [row] = await p.db.query<{ kind: string; recipient: string }>(
      `SELECT b.kind, b.recipient FROM confirmation_outbox b JOIN orders o ON o.id = b.order_id WHERE o.document_id = $1`,
      [documentId],
    );
    expect(row).toEqual({ kind: 'email', recipient: 'compras@ferreterialopez.es' });
  });

  it('an order sheet by e-mail is answered by e-mail, never as EDI', async () => {
    const files = async (kind: string) =>
      readdir(join(dirname(p.config.confirm.ediDir), kind)).catch(() => []);
    const before = (await files('x12')).length + (await files('edifact')).length;
    const { documentId } = await submit(p.db, {
      channel: 'email',
      sourceRef: `replies-${++n}`,
      sender: 'compras@ferreterialopez.es',
      receivedAt: new Date(),
      filename: 'pedido.csv',
      contentType: null,
      bytes: Buffer.from(toCsv(cleanOrder('PO-R-CSV'))),
    });
    await p.worker.runUntilIdle();
    const [row] = await p.db.query<{ kind: string; recipient: string }>(
      `SELECT b.kind, b.recipient FROM confirmation_outbox b JOIN orders o ON o.id = b.order_id WHERE o.document_id = $1`,
      [documentId],
    );
    expect(row).toEqual({ kind: 'email', recipient: 'compras@ferreterialopez.es' });
    expect((await files('x12')).length + (await files('edifact')).length).toBe(before);
  });
});

describe('rejection replies', () => {
  const facts = {
    orderId: 7,
    order: { ...emptyLike(), poNumber: 'PO-9', currency: 'EUR', total: 10 },
    language: 'en' as const,
    supplierName: 'S',
    rejection: 'Article ZZ is discontinued',
  };
  const parties = {
    sender: 'US',
    recipient: 'THEM',
    now: new Date('2026-11-21T10:00:00Z'),
    customerIds: ['AN0100', '8412345000003'],
    reference: 'p@b',
  };

  it('X12 855 RJ with the reason and no lines', () => {
    const text = renderX12855(facts, parties);
    expect(text).toContain('BAK*00*RJ*PO-9');
    expect(text).toContain('MSG*Article ZZ is discontinued~');
    expect(text).not.toContain('PO1*');
  });

  it('UBL OrderResponse RE with the reason in a Note', () => {
    const root = parseXml(renderUblOrderResponse(facts, parties));
    expect([textAt(root, 'OrderResponseCode'), textAt(root, 'Note')]).toEqual([
      'RE',
      'Article ZZ is discontinued',
    ]);
  });

  it('cXML ConfirmationRequest type reject with the reason in Comments', () => {
    const root = parseXml(renderCxmlConfirmation(facts, parties));
    const header = at(root, 'Request/ConfirmationRequest/ConfirmationHeader')!;
    expect([header.attrs.type, textAt(header, 'Comments')]).toEqual(['reject', 'Article ZZ is discontinued']);
    expect(textAt(root, 'Header/To/Credential/Identity')).toBe('AN0100');
  });
});

function emptyLike() {
  return {
    customer: { id: 'C042', name: 'X & Y', taxId: null },
    poNumber: null,
    orderDate: '2026-11-20',
    deliveryDate: null,
    currency: null,
    shipTo: null,
    lines: [
      {
        lineNo: 1,
        sku: 'A',
        customerRef: null,
        gtin: null,
        description: null,
        quantity: 1,
        unit: 'EA',
        unitPrice: 10,
        amount: 10,
      },
    ],
    total: null,
    notes: null,
  };
}
