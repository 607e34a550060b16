import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExtractedOrder, ExtractOutcome } from '../../domain/extraction.ts';
import { cleanOrder, toX12 } from '../testing.ts';
import { readX12, x12Format } from './index.ts';
import { CORPUS } from '../../testing/services.ts';

const X12 = join(CORPUS, 'node-x12');

function orders(o: ExtractOutcome): ExtractedOrder[] {
  if (o.kind !== 'orders') throw new Error(`rejected: ${o.findings.map((f) => f.message).join('; ')}`);
  return o.orders;
}

describe.skipIf(!existsSync(X12))('X12 850 on the public node-x12 and Smooks samples', () => {
  it('850.edi matches the ground truth of 850_map_result.json, every field with its segment', () => {
    const truth = JSON.parse(readFileSync(join(X12, '850_map_result.json'), 'utf8'));
    const [part] = orders(readX12(readFileSync(join(X12, '850.edi'))));
    const o = part!.order;
    expect(o.poNumber).toBe(truth.OrderNumber);
    expect(part!.reference).toBe(truth.ControlNumber);
    expect(o.shipTo).toEqual({
      name: truth.ShipTo.Name,
      street: truth.ShipTo.Address,
      postalCode: truth.ShipTo.Zip,
      city: truth.ShipTo.City,
      country: null,
    });
    expect(o.notes).toContain(truth.ShipTo.Destination);
    expect(o.notes).toContain(`state/province ${truth.ShipTo.State}`);
    expect(o.lines.map((l) => String(l.quantity))).toEqual(
      truth.OrderLines.map((l: { Quantity: string }) => l.Quantity),
    );
    expect(o.lines[0]).toMatchObject({
      sku: 'AB3542',
      customerRef: '065322-117',
      unit: 'EA',
      unitPrice: 9.25,
      description: 'SMALL WIDGET',
    });
    expect(o.total).toBe(13045.94);
    expect(o.orderDate).toBe('2010-11-27');
    expect(o.deliveryDate).toBe('2010-12-14');
    expect(part!.findings).toEqual([]);
    expect(part!.evidence.partyIds).toEqual(['4405197800']);
    expect(part!.fieldMeta['lines[5].quantity']?.source).toMatchObject({ kind: 'segment', tag: 'PO1' });
    expect(part!.fieldMeta.poNumber?.source).toMatchObject({ kind: 'segment', tag: 'BEG', index: 4 });
  });

  it('reads newline-terminated segments (850_2) the same as ~ (850)', () => {
    const a = orders(readX12(readFileSync(join(X12, '850.edi'))))[0]!.order;
    const b = orders(readX12(readFileSync(join(X12, '850_2.edi'))))[0]!.order;
    expect(b).toEqual(a);
  });

  it('reads both interchanges of 850_fat.edi', () => {
    const parts = orders(readX12(readFileSync(join(X12, '850_fat.edi'))));
    expect(parts.map((p) => p.order.poNumber)).toEqual(['08292233294', '08292233294']);
  });

  it('reads the sparse, anonymised PETCO order (850_3): a dashed-out PO number is no PO number', () => {
    const [part] = orders(readX12(readFileSync(join(X12, '850_3.edi'))));
    expect(part!.order.poNumber).toBeNull();
    expect(part!.order.lines).toEqual([
      expect.objectContaining({
        lineNo: 1,
        quantity: 1,
        unit: 'KI',
        unitPrice: 225,
        description: 'SU - SPARK - AQ FREEZER PUSHER',
      }),
    ]);
    expect(part!.order.shipTo?.city).toBe('SAN DIEGO');
  });

  it('reads the ABC Aerospace 850 of the Smooks AS2 example (buyer N1*BY, SCH date, MG part)', () => {
    const file = join(CORPUS, 'smooks-examples', 'camel-edi-x12-as2', 'payload.edi');
    const [part] = orders(readX12(readFileSync(file)));
    expect(part!.order).toMatchObject({
      poNumber: 'XX-1234',
      orderDate: '2017-03-01',
      deliveryDate: '2017-06-15',
      total: 900,
      customer: { name: 'ABC AEROSPACE' },
    });
    expect(part!.order.lines[0]).toMatchObject({ sku: 'XYZ-1234', quantity: 25, unitPrice: 36 });
    expect(part!.evidence.partyIds).toEqual(['1234567890101', 'ACME']);
  });
});

describe('X12 850 written by other systems', () => {
  const order = cleanOrder('PO-X12-1');

  it.each([
    ['* > ~ and line breaks', {}],
    ['| ^ and a newline terminator', { element: '|', component: '^', segment: '\n', newline: '' }],
    ['! : \\x85-free ~ without line breaks', { element: '!', component: ':', newline: '' }],
    ['^ \\ ~ with CRLF', { element: '^', component: '\\', newline: '\r\n' }],
  ])('reads any separators: %s', (_, opts) => {
    const [part] = orders(readX12(Buffer.from(toX12(order, opts))));
    expect(part!.findings).toEqual([]);
    expect(part!.order.poNumber).toBe('PO-X12-1');
    expect(part!.order.lines.map((l) => [l.sku, l.customerRef, l.gtin, l.quantity, l.unitPrice])).toEqual([
      ['TOR-M8-40', '4711', '8412345678905', 200, 0.12],
      ['ARA-M8', '4713', null, 400, 0.018],
    ]);
    expect(part!.order.currency).toBe('EUR');
    expect(part!.evidence.partyIds).toEqual(['8412345000003']);
  });

  it('a wrong SE segment count is an invalid_message error on that transaction, the order kept for a person', () => {
    const [part] = orders(readX12(Buffer.from(toX12(order, { seCountOffset: 2 }))));
    expect(part!.rejected).toBeUndefined();
    expect(part!.findings).toEqual([
      expect.objectContaining({
        code: 'invalid_message',
        severity: 'error',
        message: expect.stringMatching(/segment count \d+ does not match/),
      }),
    ]);
  });

  it('wrong GE and IEA counts are warnings on the file', () => {
    const text = toX12(order).replace('GE*1*905', 'GE*3*905').replace('IEA*1*', 'IEA*2*');
    const outcome = readX12(Buffer.from(text));
    expect(outcome.findings.map((f) => [f.code, f.severity, /control count/.test(f.message)])).toEqual([
      ['invalid_message', 'warning', true],
      ['invalid_message', 'warning', true],
    ]);
  });

  it('a file cut off inside a transaction keeps what it read, with the reason', () => {
    const text = toX12(order);
    const [part] = orders(readX12(Buffer.from(text.slice(0, text.indexOf('CTT')))));
    expect(part!.findings[0]).toMatchObject({
      code: 'invalid_message',
      severity: 'error',
      message: expect.stringMatching(/no SE trailer/),
    });
    expect(part!.order.lines).toHaveLength(2);
  });

  it('skips junk and a byte-order mark before ISA, with a warning', () => {
    const bytes = Buffer.from(`\ufeffVAN MAILBOX 0042 DELIVERY REPORT\r\nbatch 17 OK\r\n${toX12(order)}`);
    expect(x12Format.score({ bytes, filename: null, contentType: null })).toBeGreaterThan(0.5);
    const outcome = readX12(bytes);
    expect(outcome.findings[0]).toMatchObject({
      code: 'invalid_message',
      severity: 'info',
      message: expect.stringMatching(/2 line\(s\) of other text/),
    });
    expect(orders(outcome)[0]!.order.poNumber).toBe('PO-X12-1');
  });

  it('an 855, 860 or 810 is not an order; a BEG cancellation is said', () => {
    const ack = orders(readX12(Buffer.from(toX12(order, { type: '855' }))))[0]!;
    expect(ack.rejected).toBe(true);
    expect(ack.findings.at(-1)).toMatchObject({
      code: 'not_an_order',
      message: expect.stringMatching(/855 \(purchase order acknowledgment\)/),
    });
    const cancel = orders(readX12(Buffer.from(toX12(order, { purpose: '01' }))))[0]!;
    expect(cancel.findings).toContainEqual(
      expect.objectContaining({ code: 'not_an_order', severity: 'warning' }),
    );
  });

  it('refuses what is not X12, never throws', () => {
    for (const text of ['', 'ISA*', 'ISA*00*x', 'hello', "UNB+UNOC:3+A+B+261120:1000+1'"]) {
      const outcome = readX12(Buffer.from(text));
      expect(outcome.kind).toBe('rejected');
      expect(outcome.findings[0]!.message.length).toBeGreaterThan(10);
    }
    expect(
      x12Format.score({ bytes: Buffer.from('Our VISA*card was charged'), filename: null, contentType: null }),
    ).toBe(0);
  });
});
