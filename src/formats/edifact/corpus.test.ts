import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExtractedOrder, ExtractOutcome } from '../../domain/extraction.ts';
import { looksLikeEdifact, readEdifact } from './index.ts';
import { CORPUS } from '../../testing/services.ts';

// The shared public corpus sits beside the checkout (/work/shared/corpus); elsewhere these tests skip.
const has = existsSync(join(CORPUS, 'pydifact'));
const file = (path: string) => readFileSync(join(CORPUS, path));

const EDIFACT = [
  'pydifact/order.edi',
  'pydifact/order2.edi',
  'pydifact/wikipedia_de.edi',
  'pydifact/invoice1.edi',
  'pydifact/invoice_with_colon_at_end.edi',
  'pydifact/huge_file2.edi',
  'smooks-examples/camel-unedifact-to-xml/input-message.txt',
  'smooks-examples/pipelines/expected.txt',
];
const X12 = [
  'node-x12/850.edi',
  'node-x12/850_2.edi',
  'node-x12/850_3.edi',
  'node-x12/850_fat.edi',
  'smooks-examples/camel-edi-x12-as2/payload.edi',
];

function only(outcome: ExtractOutcome): ExtractedOrder {
  if (outcome.kind !== 'orders' || outcome.orders.length !== 1)
    throw new Error(JSON.stringify(outcome.findings));
  return outcome.orders[0]!;
}

const messages = (outcome: ExtractOutcome) => outcome.findings.map((f) => f.message);
const lineValues = (p: ExtractedOrder, ...keys: (keyof ExtractedOrder['order']['lines'][number])[]) =>
  p.order.lines.map((l) => keys.map((k) => l[k]));

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

describe.skipIf(!has)('shared corpus', () => {
  it.each(EDIFACT)('%s is sniffed as EDIFACT and read without throwing', (path) => {
    const bytes = file(path);
    expect(looksLikeEdifact(bytes)).toBe(true);
    expect(readEdifact(bytes).kind).toBe('orders');
  });

  it.each(X12)('%s (ANSI X12) is not EDIFACT', (path) => {
    const bytes = file(path);
    expect(looksLikeEdifact(bytes)).toBe(false);
    const outcome = readEdifact(bytes);
    expect(outcome.kind).toBe('rejected');
    expect(outcome.findings[0]).toMatchObject({ code: 'unreadable_document', severity: 'error' });
    expect(outcome.findings[0]?.message).toContain('X12');
  });

  it('sniffs no other corpus file as EDIFACT', () => {
    const others = walk(CORPUS).filter((p) => !EDIFACT.some((e) => p.endsWith(e)));
    expect(others.length).toBeGreaterThan(100);
    expect(others.filter((p) => looksLikeEdifact(readFileSync(p)))).toEqual([]);
  });

  it('pydifact/order.edi: EANCOM, GLNs, GTINs, format 203 dates, no UNZ', () => {
    const outcome = readEdifact(file('pydifact/order.edi'));
    expect(messages(outcome)).toEqual(['the interchange (ref 807) has no UNZ trailer']);
    expect(outcome.findings[0]?.severity).toBe('warning');
    const p = only(outcome);
    expect(p.rejected).toBeUndefined();
    expect(p.reference).toBe('1');
    expect(p.order).toMatchObject({
      poNumber: '801715918011',
      orderDate: '2015-08-03',
      deliveryDate: '2015-08-06',
      customer: { id: null, name: null, taxId: null },
      shipTo: null,
      currency: null,
      total: null,
      notes: 'Deliver to party 8711576100019 (NAD+DP, no address given)',
    });
    expect(p.evidence.partyIds).toEqual(['8711576000012', '12345678']);
    expect(lineValues(p, 'lineNo', 'gtin', 'quantity', 'unit')).toEqual([
      [1, '5020436373085', 8, null],
      [2, '5020436373108', 8, null],
    ]);
    expect(p.findings).toEqual([]);
  });

  it('pydifact/order.edi: its UNA decimal comma applies to numbers', () => {
    // The file declares `UNA:+,? '` but has no decimals: add a price, and count it in UNT.
    const text = file('pydifact/order.edi')
      .toString('latin1')
      .replace("QTY+21:8'", "QTY+21:8'\nPRI+AAA:12,75'")
      .replace('UNT+16+1', 'UNT+17+1');
    const p = only(readEdifact(Buffer.from(text, 'latin1')));
    expect(p.order.lines[0]?.unitPrice).toBe(12.75);
    expect(p.findings).toEqual([]);
  });

  it('pydifact/order2.edi: D96A without UNA, buyer item number, PRI+AAA, CNT', () => {
    const p = only(readEdifact(file('pydifact/order2.edi')));
    expect(p.order).toMatchObject({ poNumber: 'PO123456', orderDate: '2025-03-22', deliveryDate: null });
    expect(p.evidence.partyIds).toEqual(['123456789', 'SENDERID']);
    expect(lineValues(p, 'customerRef', 'gtin', 'sku', 'quantity', 'unitPrice')).toEqual([
      ['ABC123', null, null, 10, 25],
    ]);
    expect(p.findings).toEqual([]);
  });

  it('pydifact/wikipedia_de.edi: free-text buyer, supplier article, DTM 4, UNZ reference mismatch', () => {
    const outcome = readEdifact(file('pydifact/wikipedia_de.edi'));
    expect(messages(outcome)).toEqual(['segment 11 (UNZ): reference 1234567 does not match UNB reference 1']);
    const p = only(outcome);
    expect(p.order).toMatchObject({
      poNumber: 'B10001',
      orderDate: '2006-06-20',
      customer: { name: 'Bestellername' },
    });
    expect(p.evidence).toMatchObject({ partyIds: ['Senderkennung'], name: 'Bestellername' });
    expect(lineValues(p, 'sku', 'quantity')).toEqual([['Produkt Schrauben', 1000]]);
  });

  it.each(['pydifact/invoice1.edi', 'pydifact/invoice_with_colon_at_end.edi'])(
    '%s: INVOIC is a rejected part, not an order',
    (path) => {
      const outcome = readEdifact(file(path));
      expect(outcome.findings).toEqual([]);
      const p = only(outcome);
      expect(p.rejected).toBe(true);
      expect(p.confidence).toBe(0);
      expect(p.findings).toEqual([
        {
          code: 'not_an_order',
          severity: 'error',
          field: null,
          message: 'message 1 (ref 1) is INVOIC (invoice), not an ORDERS purchase order',
        },
      ]);
      expect(p.sourceText?.split('\n')).toHaveLength(24);
    },
  );

  // What was read, not how fast: EDIFACT throughput is measured by scripts/bench.ts.
  it('pydifact/huge_file2.edi: 2.2 MB, 16,864 lines; its UNT count does not match', () => {
    const bytes = file('pydifact/huge_file2.edi');
    const p = only(readEdifact(bytes));
    expect(p.rejected).toBe(true);
    expect(p.findings.map((f) => f.message)).toEqual([
      'segment 109620 (UNT): segment count 16 does not match 109619 segments in message 1 (ref 1)',
    ]);
    expect(p.order.poNumber).toBe('801715918011');
    expect(p.order.lines).toHaveLength(16864);
  });

  it('smooks camel-unedifact-to-xml: UNOB, ISBNs in PIA, gross prices, CNT totals', () => {
    const outcome = readEdifact(file('smooks-examples/camel-unedifact-to-xml/input-message.txt'));
    expect(messages(outcome)).toEqual(['the interchange (ref 131) has no UNZ trailer']);
    const p = only(outcome);
    expect(p.reference).toBe('000000101');
    expect(p.order).toMatchObject({ poNumber: '0123456789123', orderDate: '1998-01-06', deliveryDate: null });
    expect(p.evidence.partyIds).toEqual(['1135309', 'SENDER1']);
    expect(lineValues(p, 'lineNo', 'customerRef', 'gtin', 'quantity', 'unitPrice')).toEqual([
      [1, '0835201031', null, 2, 10.5],
      [2, '0835202151', null, 10, 9.25],
      [3, '0835208338', null, 5, 30],
    ]);
    expect(p.findings).toEqual([]);
  });

  it('smooks pipelines/expected.txt: structured buyer NAD, units, net prices', () => {
    const outcome = readEdifact(file('smooks-examples/pipelines/expected.txt'));
    expect(outcome.findings).toEqual([]);
    const p = only(outcome);
    expect(p.order).toMatchObject({
      poNumber: '128576',
      orderDate: '2002-08-30',
      customer: { name: 'Therese House' },
      shipTo: null,
    });
    expect(p.evidence.partyIds).toEqual(['123456', 'SENDER1']);
    expect(lineValues(p, 'customerRef', 'quantity', 'unit', 'unitPrice')).toEqual([
      ['4000862141404', 48, 'EA', 5],
      ['4000862141405', 2, 'KG', 55],
      ['4000862141406', 17, 'EA', 15],
    ]);
  });
});
