import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Queryable } from '../db/db.ts';
import type { Channel } from '../domain/document.ts';
import {
  type CustomerEvidence,
  type ExtractedOrder,
  emptyEvidence,
  type FieldMeta,
} from '../domain/extraction.ts';
import { type Finding, finding } from '../domain/findings.ts';
import { type CanonicalOrder, emptyOrder, type OrderLine } from '../domain/order.ts';
import { importMasterData } from '../masterdata/import.ts';
import { createTestDatabase, type TestDatabase } from '../testing/db.ts';
import { CONFIG, line } from './testing.ts';
import type { ValidationInput } from './types.ts';
import { validateOrder } from './validate.ts';

const FIXTURES = new URL('../../fixtures/masterdata/', import.meta.url).pathname;

interface Case {
  order?: Partial<CanonicalOrder>;
  lines?: Array<Partial<OrderLine>>;
  evidence?: Partial<CustomerEvidence>;
  channel?: Channel;
  sender?: string | null;
  channelCustomerId?: string | null;
  documentId?: number;
  earlierInDocument?: ValidationInput['earlierInDocument'];
  findings?: Finding[];
  rejected?: boolean;
  /** Field meta of a read document (OCR), and its confidence cap: set both to act as one. */
  meta?: Record<string, FieldMeta>;
  cap?: number;
  headerVouches?: boolean;
}

function extracted(c: Case): ExtractedOrder {
  const order: CanonicalOrder = {
    ...emptyOrder(),
    poNumber: 'PO-2026-0042',
    currency: 'EUR',
    lines: (c.lines ?? []).map((l, i) => line({ lineNo: i + 1, ...l })),
    ...c.order,
  };
  return {
    order,
    evidence: { ...emptyEvidence(), ...c.evidence },
    fieldMeta: { poNumber: { confidence: 1, source: null }, ...c.meta },
    findings: c.findings ?? [],
    confidence: 1,
    ...(c.cap !== undefined ? { confidenceCap: c.cap } : {}),
    ...(c.headerVouches ? { headerVouches: true } : {}),
    sourceText: null,
    reference: null,
    rejected: c.rejected,
  };
}

/** Counts the queries a validation costs. */
function counting(q: Queryable): Queryable & { count: number } {
  const wrapped = {
    count: 0,
    query<T>(sql: string, params?: unknown[]) {
      wrapped.count++;
      return q.query<T>(sql, params);
    },
    exec: (sql: string) => q.exec(sql),
  };
  return wrapped;
}

const TOR = { customerRef: '4711', gtin: '8412345678905', quantity: 200, unitPrice: 0.12, amount: 24 };
const codes = (fs: Finding[]) => fs.map((f) => `${f.code}@${f.field}`);

describe('validateOrder', () => {
  let t: TestDatabase;
  let otherDoc: number;
  let docSeq = 0;

  async function insertDocument(): Promise<number> {
    docSeq++;
    await t.db.query(
      `INSERT INTO blobs (sha256, size, bytes) VALUES ($1, 1, '\\x00') ON CONFLICT DO NOTHING`,
      [`sha-${docSeq}`],
    );
    const [row] = await t.db.query<{ id: number }>(
      `INSERT INTO documents (sha256, size, channel, source_ref, received_at)
       VALUES ($1, 1, 'email', $1, '2026-11-20T09:30:00Z') RETURNING id`,
      [`sha-${docSeq}`],
    );
    return row!.id;
  }

  async function insertOrder(o: {
    documentId: number;
    customerId: string;
    po: string;
    status: string;
    total: number | null;
    daysAgo?: number;
    lines?: Array<[number, number]>;
  }): Promise<number> {
    const [row] = await t.db.query<{ id: number }>(
      `INSERT INTO orders (document_id, seq, customer_id, po_number, status, total, data, created_at)
       VALUES ($1, (SELECT count(*) FROM orders WHERE document_id = $1), $2, $3, $4, $5, '{}'::jsonb,
               now() - make_interval(days => $6::int)) RETURNING id`,
      [o.documentId, o.customerId, o.po, o.status, o.total, o.daysAgo ?? 0],
    );
    for (const [i, [quantity, price]] of (o.lines ?? []).entries()) {
      await t.db.query(
        `INSERT INTO order_lines (order_id, line_no, quantity, unit_price) VALUES ($1, $2, $3, $4)`,
        [row!.id, i + 1, quantity, price],
      );
    }
    return row!.id;
  }

  const run = (c: Case, q: Queryable = t.db) =>
    validateOrder(
      q,
      {
        extracted: extracted(c),
        channel: c.channel ?? 'edi',
        sender: c.sender ?? null,
        channelCustomerId: c.channelCustomerId ?? null,
        documentId: c.documentId ?? 999_999,
        earlierInDocument: c.earlierInDocument ?? [],
      },
      CONFIG,
    );

  beforeAll(async () => {
    t = await createTestDatabase();
    await importMasterData(t.db, FIXTURES);
    otherDoc = await insertDocument();
  });
  afterAll(() => t.close());

  it('resolves a clean EDI order in three queries, with no findings', async () => {
    const q = counting(t.db);
    const r = await run({ evidence: { partyIds: ['8412345000003'] }, lines: [TOR], order: { total: 24 } }, q);
    expect(r.findings).toEqual([]);
    expect(q.count).toBe(3);
    expect(r.order.customer).toEqual({ id: 'C042', name: 'Ferreteria Lopez SL', taxId: 'ESB12345678' });
    expect(r.order.lines[0]).toEqual({
      lineNo: 1,
      sku: 'TOR-M8-40',
      customerRef: '4711',
      gtin: '08412345678905',
      description: 'Tornillo M8x40 zincado',
      quantity: 200,
      unit: 'EA',
      unitPrice: 0.12,
      amount: 24,
    });
    expect(r.fieldMeta['customer.id']).toEqual({ confidence: 1, source: null });
  });

  it('finds the customer by e-mail domain, fax, tax id or name, and defaults the currency', async () => {
    const byDomain = await run({
      channel: 'email',
      sender: 'Juan <juan@FerreteriaLopez.es>',
      order: { currency: null },
      lines: [TOR],
    });
    expect(byDomain.order.customer.id).toBe('C042');
    expect(byDomain.order.currency).toBe('EUR');
    expect(byDomain.fieldMeta.currency).toEqual({ confidence: 1, source: null });
    expect((await run({ channel: 'fax', sender: '+34 963 112 233', lines: [] })).order.customer.id).toBe(
      'C115',
    );
    expect(
      (await run({ channel: 'scan', evidence: { taxId: 'B-46987654' }, lines: [] })).order.customer.id,
    ).toBe('C115');
    const q = counting(t.db);
    const byName = await run(
      { channel: 'scan', evidence: { name: 'bricolaje express sl', taxId: 'X1' }, lines: [] },
      q,
    );
    expect(byName.order.customer).toEqual({ id: 'C128', name: 'Bricolaje Express SL', taxId: 'ESB28765432' });
    expect(q.count).toBe(3);
  });

  it('trusts the customer the channel authenticated', async () => {
    const r = await run({
      channel: 'web',
      channelCustomerId: 'C107',
      evidence: { partyIds: ['8412345000003'] },
      lines: [],
    });
    expect(r.order.customer.id).toBe('C107');
    // A web-form JSON file run through `extract` has no token: its customer.id is a claim to check.
    const claimed = await run({
      channel: 'web',
      order: { customer: { id: 'C161', name: null, taxId: null } },
    });
    expect(claimed.order.customer).toEqual({
      id: 'C161',
      name: 'Maderas y Herrajes del Sur SL',
      taxId: 'ESB41777888',
    });
    const unknown = await run({
      channel: 'web',
      order: { customer: { id: 'C404', name: null, taxId: null } },
    });
    expect(unknown.order.customer.id).toBeNull();
  });

  it('reports an unknown customer and keeps what the document said', async () => {
    const r = await run({
      channel: 'email',
      sender: 'someone@example.com',
      order: { customer: { id: null, name: 'Desconocida SA', taxId: 'A99999999' } },
      evidence: { name: 'Desconocida SA', taxId: 'A99999999' },
      lines: [{ customerRef: '4711', quantity: 1 }],
    });
    expect(r.order.customer).toEqual({ id: null, name: 'Desconocida SA', taxId: 'A99999999' });
    expect(codes(r.findings)).toEqual(['unknown_customer@customer.id', 'unknown_sku@lines[0].sku']);
    expect(r.findings[0]?.message).toBe(
      'No customer in master data matches sender someone@example.com, sender domain @example.com, tax id A99999999, name Desconocida SA',
    );
  });

  it('reports an unknown SKU, price, quantity and total problems on the right fields', async () => {
    const r = await run({
      evidence: { partyIds: ['8412345000003'] },
      order: { total: 100 },
      lines: [
        { sku: 'NOPE-1', quantity: 5, amount: 1 },
        { sku: 'TUE-M8', quantity: 300, unitPrice: 0.05, amount: 15 },
        { customerRef: '4711', quantity: 5000, unitPrice: 0.12, amount: 600 },
        { sku: 'ARA-M8', quantity: 100, unitPrice: 0.018, amount: 2 },
        { sku: 'TOR-M8-40', gtin: '8412345678906', quantity: 2.5, unitPrice: 0.12 },
      ],
    });
    expect(codes(r.findings)).toEqual([
      'unknown_sku@lines[0].sku',
      'low_confidence@lines[4].gtin',
      'price_mismatch@lines[1].unitPrice',
      'quantity_anomaly@lines[2].quantity',
      'quantity_anomaly@lines[4].quantity',
      'total_mismatch@lines[3].amount',
      'total_mismatch@total',
    ]);
    const byField = Object.fromEntries(r.findings.map((f) => [f.field, f.message]));
    expect(byField['lines[1].unitPrice']).toBe(
      "Line 2 (TUE-M8): unit price 0.05 differs from the customer's price 0.045 by 11.1% (tolerance 2%)",
    );
    expect(byField['lines[2].quantity']).toBe(
      "Line 3 (TOR-M8-40): quantity 5000 is more than 5 times this customer's median of 300 over 6 past orders",
    );
    expect(r.order.lines[0]).toMatchObject({ sku: null, customerRef: 'NOPE-1' });
  });

  it('reports missing PO number, lines and quantities', async () => {
    const noLines = await run({ evidence: { partyIds: ['8412345000003'] }, order: { poNumber: null } });
    expect(codes(noLines.findings)).toEqual(['missing_field@poNumber', 'missing_field@lines']);
    const noQty = await run({ evidence: { partyIds: ['8412345000003'] }, lines: [{ sku: 'TOR-M8-40' }] });
    expect(noQty.findings).toMatchObject([
      finding('missing_field', 'error', 'lines[0].quantity', 'Line 1 (TOR-M8-40) has no quantity'),
    ]);
  });

  it('finds duplicates in earlier documents, this document and the order history', async () => {
    const base: Case = { evidence: { partyIds: ['8412345000003'] }, lines: [TOR] };
    const orderId = await insertOrder({
      documentId: otherDoc,
      customerId: 'C042',
      po: 'PO-DUP-1',
      status: 'accepted',
      total: 24,
    });
    await insertOrder({
      documentId: otherDoc,
      customerId: 'C042',
      po: 'PO-REJ-1',
      status: 'rejected',
      total: 24,
    });
    const dup = await run({ ...base, order: { poNumber: 'PO-DUP-1' } });
    expect(dup.findings).toMatchObject([
      finding(
        'duplicate_order',
        'error',
        'poNumber',
        `PO PO-DUP-1 of customer C042 was already received on 2026-11-20 as order ${orderId} (status accepted)`,
      ),
    ]);
    expect((await run({ ...base, order: { poNumber: 'PO-DUP-1' }, documentId: otherDoc })).findings).toEqual(
      [],
    );
    expect((await run({ ...base, order: { poNumber: 'PO-REJ-1' } })).findings).toEqual([]);
    const inDoc = await run({
      ...base,
      earlierInDocument: [{ customerId: 'C042', poNumber: 'PO-2026-0042' }],
    });
    expect(codes(inDoc.findings)).toEqual(['duplicate_order@poNumber']);
    const history = await run({ ...base, order: { poNumber: 'FL-2026-0179' } });
    expect(history.findings[0]?.message).toBe(
      'PO FL-2026-0179 of customer C042 is already in the order history (ordered 2026-10-05)',
    );
  });

  it('warns when open orders and this one pass the credit limit', async () => {
    const doc = await insertDocument();
    await insertOrder({ documentId: doc, customerId: 'C128', po: 'B-1', status: 'review', total: 50 });
    await insertOrder({
      documentId: doc,
      customerId: 'C128',
      po: 'B-2',
      status: 'accepted',
      total: null,
      lines: [[200, 0.15]],
    });
    await insertOrder({
      documentId: doc,
      customerId: 'C128',
      po: 'B-3',
      status: 'delivered',
      total: 500,
      daysAgo: 40,
    });
    await insertOrder({ documentId: doc, customerId: 'C128', po: 'B-4', status: 'rejected', total: 500 });
    const base: Case = { channel: 'email', sender: 'compras@bricoexpress.es', order: { poNumber: 'B-5' } };
    expect(
      (await run({ ...base, lines: [{ sku: 'TOR-M8-40', quantity: 100, unitPrice: 0.12 }] })).findings,
    ).toEqual([]);
    const r = await run({ ...base, lines: [{ sku: 'TOR-M8-40', quantity: 200 }] });
    expect(r.findings).toMatchObject([
      finding(
        'credit_limit_exceeded',
        'warning',
        null,
        'Credit limit 100.00 EUR of customer C128 would be exceeded: 80.00 in 2 open orders of the last 30 days + this order 24.00 = 104.00',
      ),
    ]);
  });

  it('keeps extraction findings, without repeating them', async () => {
    const own = finding('missing_field', 'error', 'poNumber', 'No PO number found in the EDI message');
    const lowConf = finding(
      'low_confidence',
      'warning',
      'lines[0].quantity',
      'Quantity read with confidence 0.6',
    );
    const r = await run({
      evidence: { partyIds: ['8412345000003'] },
      order: { poNumber: null },
      lines: [TOR],
      findings: [own, lowConf],
    });
    expect(r.findings).toEqual([own, lowConf]);
  });

  it('returns a rejected part unchanged, without master-data checks', async () => {
    const bad = finding('invalid_edifact', 'error', null, 'UNH segment missing');
    const q = counting(t.db);
    const r = await run({ rejected: true, findings: [bad], order: { poNumber: null } }, q);
    expect(r.findings).toEqual([bad]);
    expect(r.order.poNumber).toBeNull();
    expect(q.count).toBe(0);
  });

  describe('master data as a second witness for OCR readings', () => {
    const box = (x: number) => ({ kind: 'box' as const, page: 1, x, y: 100, w: 50, h: 20 });
    const readLine = (ref: string, description: string, unitPrice: number, refConfidence: number): Case => ({
      evidence: { partyIds: ['8412345000003'] },
      lines: [
        { customerRef: ref, gtin: null, description, quantity: 200, unitPrice, amount: 200 * unitPrice },
      ],
      order: { total: 200 * unitPrice },
      cap: 1,
      meta: {
        'lines[0].customerRef': { confidence: refConfidence, source: box(10) },
        'lines[0].description': { confidence: 0.9, source: box(100) },
        'lines[0].quantity': { confidence: 0.95, source: box(300) },
        'lines[0].unitPrice': { confidence: 0.95, source: box(400) },
        'lines[0].amount': { confidence: 0.95, source: box(500) },
      },
      findings: [
        finding('low_confidence', 'warning', 'lines[0].customerRef', `lines[0].customerRef read as "${ref}"`),
      ],
    });

    it('an unsure code whose description and price agree with its article is confirmed', async () => {
      const r = await run(readLine('4711', 'Tornillo M8x40 zincado', 0.12, 0.4));
      expect(r.order.lines[0]!.sku).toBe('TOR-M8-40');
      expect(r.fieldMeta['lines[0].customerRef']!.confidence).toBeGreaterThanOrEqual(0.95);
      expect(r.fieldMeta['lines[0].sku']!.confidence).toBeGreaterThanOrEqual(0.95);
      expect(r.confidence).toBeGreaterThanOrEqual(0.95);
      const f = r.findings.find((x) => x.field === 'lines[0].customerRef')!;
      expect(f.severity).toBe('info');
      expect(f.message).toContain('description and price agree with article TOR-M8-40');
    });

    it('a code whose line contradicts its article stays doubted', async () => {
      const r = await run(readLine('4711', 'Arandela M8', 0.02, 0.4));
      expect(r.order.lines[0]!.sku).toBe('TOR-M8-40');
      expect(r.fieldMeta['lines[0].customerRef']!.confidence).toBeLessThan(0.8);
      expect(r.confidence).toBeLessThan(0.8);
      expect(r.findings.find((x) => x.field === 'lines[0].customerRef')!.severity).toBe('warning');
    });

    it('a code that matches nothing is taken as the one known code one OCR slip away', async () => {
      const r = await run(readLine('47I1', 'Tornillo M8x40 zincado', 0.12, 0.6));
      expect(r.order.lines[0]!.sku).toBe('TOR-M8-40');
      expect(r.order.lines[0]!.customerRef).toBe('4711');
      expect(codes(r.findings)).not.toContain('unknown_sku@lines[0].sku');
      const f = r.findings.filter((x) => x.field === 'lines[0].customerRef');
      expect(f).toHaveLength(1);
      expect(f[0]!.message).toContain('read as "47I1" matches no article; taken as "4711"');
      // Description and price vouch for the repaired code.
      expect(f[0]!.severity).toBe('info');
      // Without them the repair waits for a person.
      const alone = await run(readLine('47I1', 'Arandela M8', 0.02, 0.6));
      expect(alone.order.lines[0]!.customerRef).toBe('4711');
      expect(alone.fieldMeta['lines[0].customerRef']!.confidence).toBeLessThanOrEqual(0.7);
      expect(alone.findings.find((x) => x.field === 'lines[0].customerRef')!.severity).toBe('warning');
    });

    it("a code two glyphs off is taken as the nearest of the customer's articles that its line names", async () => {
      // "TQR-M8-48": Q for O and 8 for 0, two slips, so no single-slip repair finds it.
      const c = readLine('x', 'Tornillo M8x40 zincado', 0.12, 0.6);
      c.lines = [{ ...c.lines![0]!, customerRef: null, sku: 'TQR-M8-48' }];
      c.meta = { ...c.meta, 'lines[0].sku': { confidence: 0.6, source: box(10) } };
      delete c.meta['lines[0].customerRef'];
      c.findings = [];
      const r = await run(c);
      expect(r.order.lines[0]!.sku).toBe('TOR-M8-40');
      const f = r.findings.find((x) => x.field === 'lines[0].sku')!;
      expect(f.params).toMatchObject({ t: 'low_confidence.nearest', read: 'TQR-M8-48', sku: 'TOR-M8-40' });
      // Description and price vouch for it: it passes the threshold.
      expect(f.severity).toBe('info');
      expect(r.fieldMeta['lines[0].sku']!.confidence).toBeGreaterThanOrEqual(0.95);

      // A line that names another article (or none) is not moved onto this one.
      const other = {
        ...c,
        lines: [{ ...c.lines[0]!, description: 'Arandela M8', unitPrice: 0.02, amount: 4 }],
      };
      expect(codes((await run(other)).findings)).toContain('unknown_sku@lines[0].sku');
      // A code from a text layer is as its writer typed it.
      const typed = { ...c, meta: { ...c.meta, 'lines[0].sku': { confidence: 1, source: box(10) } } };
      expect(codes((await run(typed)).findings)).toContain('unknown_sku@lines[0].sku');
    });

    it('a quantity, a price or a unit that the arithmetic and the price list both contradict is mended', async () => {
      const c = readLine('4711', 'Tornillo M8x40 zincado', 0.12, 0.95);
      // "280" for 200 (amount 24 at 0.12), a price "12" that lost its decimal mark, unit "FA".
      c.lines = [{ ...c.lines![0]!, quantity: 280, unit: 'FA' }];
      c.meta = { ...c.meta, 'lines[0].unit': { confidence: 0.6, source: box(350) } };
      const r = await run(c);
      expect(r.order.lines[0]).toMatchObject({ quantity: 200, unitPrice: 0.12, amount: 24, unit: 'EA' });
      const mended = r.findings.filter((f) => f.params?.t === 'low_confidence.mended');
      expect(mended.map((f) => [f.field, f.params?.read, f.params?.value])).toEqual([
        ['lines[0].quantity', 280, 200],
      ]);
      expect(codes(r.findings)).not.toContain('total_mismatch@lines[0].amount');
      expect(r.findings.find((f) => f.field === 'lines[0].unit')?.params?.t).toBe(
        'low_confidence.unitByPrice',
      );

      const decimal = readLine('4711', 'Tornillo M8x40 zincado', 12, 0.95);
      decimal.lines = [{ ...decimal.lines![0]!, amount: 24 }];
      decimal.order = { total: 24 };
      const d = await run(decimal);
      expect(d.order.lines[0]!.unitPrice).toBe(0.12);
      expect(codes(d.findings)).not.toContain('price_mismatch@lines[0].unitPrice');

      // Read from a text layer (confidence 1): nothing is mended, the mismatch is reported.
      const typed = { ...c, meta: { ...c.meta, 'lines[0].quantity': { confidence: 1, source: box(300) } } };
      expect(codes((await run(typed)).findings)).toContain('total_mismatch@lines[0].amount');
    });

    it('a mended number that closes every line and the total lifts the cap of an unvouched read', async () => {
      // Read without a template: PO, order date and total were found, but "280" for 200 broke
      // the line's arithmetic, so the reader capped the order at 0.85.
      const c = readLine('4711', 'Tornillo M8x40 zincado', 0.12, 0.95);
      c.lines = [{ ...c.lines![0]!, quantity: 280 }];
      c.cap = 0.85;
      const capped = await run(c);
      expect(capped.order.lines[0]!.quantity).toBe(200);
      expect(capped.confidence).toBe(0.85);
      const vouched = await run({ ...c, headerVouches: true });
      expect(vouched.order.lines[0]!.quantity).toBe(200);
      // Now each field's own confidence decides: the mended quantity's, under 0.95.
      expect(vouched.confidence).toBeGreaterThan(0.85);
      expect(vouched.confidence).toBe(vouched.fieldMeta['lines[0].quantity']!.confidence);
      // Nothing mended: the cap stands, whatever the header said.
      const clean = readLine('4711', 'Tornillo M8x40 zincado', 0.12, 0.95);
      expect((await run({ ...clean, cap: 0.85, headerVouches: true })).confidence).toBe(0.85);
    });

    it('a fax number one digit off proposes its customer, for a person to confirm', async () => {
      const r = await run({ evidence: { fax: '+34 912 3456 788' }, lines: [TOR], cap: 1 });
      expect(r.order.customer.id).toBe('C042');
      const f = r.findings.find((x) => x.field === 'customer.id')!;
      expect(f).toMatchObject({ code: 'low_confidence', severity: 'warning' });
      expect(f.message).toContain('one digit from C042');
      // A typed document's number is as written: nobody is proposed.
      const typed = await run({ evidence: { fax: '+34 912 3456 788' }, lines: [TOR] });
      expect(codes(typed.findings)).toContain('unknown_customer@customer.id');
    });

    it('a tax id with one glyph misread by OCR still finds its customer', async () => {
      const r = await run({ evidence: { taxId: 'ESBI2345678' }, lines: [TOR], cap: 1 });
      expect(r.order.customer.id).toBe('C042');
    });

    it('structured channels never have their codes repaired', async () => {
      const r = await run({
        evidence: { partyIds: ['8412345000003'] },
        lines: [{ ...TOR, customerRef: '47I1', gtin: null }],
      });
      expect(codes(r.findings)).toContain('unknown_sku@lines[0].sku');
    });

    it("structured channels keep the extraction's confidence", async () => {
      const r = await run({ evidence: { partyIds: ['8412345000003'] }, lines: [TOR], order: { total: 24 } });
      expect(r.confidence).toBe(1);
    });
  });
});
