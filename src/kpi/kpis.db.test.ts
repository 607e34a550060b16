import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/db.ts';
import { loadConfig } from '../config.ts';
import { importMasterData } from '../masterdata/import.ts';
import { addBusinessHours } from '../sla/calendar.ts';
import { createTestDatabase, type TestDatabase } from '../testing/db.ts';
import { DEMO_MASTER_DATA } from '../testing/pipeline.ts';
import { computeKpis, toCsv } from './kpis.ts';

const calendar = loadConfig({}).sla.calendar; // Monday-Friday 08:00-18:00 Madrid
const at = (iso: string) => new Date(iso);

/**
 * A known week: two orders arrive on Friday 27 November at 17:00 Madrid (C042, 4 business hours
 * of SLA: due Monday 30 at 11:00), one delivered Monday at 10:30 (in time), one at 12:00 (late,
 * after an operator corrected two fields); on Monday two C107 orders arrive, one waits in
 * review, one is rejected. One more order, from earlier in November, is outside the period.
 */
async function knownHistory(db: Db): Promise<void> {
  await db.query(`INSERT INTO blobs (sha256, size, bytes) VALUES ('h', 1, '\\x00')`);
  const [ana] = await db.query<{ id: number }>(
    `INSERT INTO users (login, name, role, password_hash) VALUES ('ana', 'Ana', 'operator', 'x') RETURNING id`,
  );
  const doc = async (ref: string, channel: string, received: string) =>
    (
      await db.query<{ id: number }>(
        `INSERT INTO documents (sha256, size, channel, source_ref, received_at, status)
         VALUES ('h', 1, $1, $2, $3, 'processed') RETURNING id`,
        [channel, ref, received],
      )
    )[0]!.id;
  const order = async (
    documentId: number,
    o: {
      customer: string;
      status: string;
      decidedBy?: number | null;
      lines: number;
      slaHours: number;
      received: string;
    },
  ) => {
    const due = addBusinessHours(at(o.received), o.slaHours, calendar);
    const [row] = await db.query<{ id: number }>(
      `INSERT INTO orders (document_id, seq, customer_id, po_number, status, data, decided_by, due_at)
       VALUES ($1::bigint, 0, $2, 'PO-' || $1::text, $3, '{}'::jsonb, $4, $5) RETURNING id`,
      [documentId, o.customer, o.status, o.decidedBy ?? null, due],
    );
    for (let i = 1; i <= o.lines; i++) {
      await db.query(
        `INSERT INTO order_lines (order_id, line_no, sku, quantity) VALUES ($1, $2, 'TOR-M8-40', 1)`,
        [row!.id, i],
      );
    }
    return row!.id;
  };
  const delivered = (orderId: number, when: string) =>
    db.query(
      `INSERT INTO erp_outbox (order_id, adapter, idempotency_key, status, delivered_at) VALUES ($1, 'file', $2, 'delivered', $3)`,
      [orderId, `k${orderId}`, when],
    );
  const event = (orderId: number, kind: string, when: string, field: string | null = null) =>
    db.query(`INSERT INTO events (at, actor, kind, order_id, field) VALUES ($1, 'user:ana', $2, $3, $4)`, [
      when,
      kind,
      orderId,
      field,
    ]);
  const finding = (documentId: number, orderId: number, code: string) =>
    db.query(
      `INSERT INTO findings (document_id, order_id, code, severity, message) VALUES ($1, $2, $3, 'warning', 'x')`,
      [documentId, orderId, code],
    );

  const friday = '2026-11-27T16:00:00Z';
  const monday = '2026-11-30T09:00:00Z';
  const a = await doc('a', 'edi', friday);
  const a1 = await order(a, {
    customer: 'C042',
    status: 'delivered',
    lines: 3,
    slaHours: 4,
    received: friday,
  });
  await delivered(a1, '2026-11-30T09:30:00Z');

  const b = await doc('b', 'fax', friday);
  const b1 = await order(b, {
    customer: 'C042',
    status: 'delivered',
    decidedBy: ana!.id,
    lines: 1,
    slaHours: 4,
    received: friday,
  });
  await finding(b, b1, 'quantity_anomaly');
  await event(b1, 'order.field_corrected', '2026-11-30T08:10:00Z', 'lines[0].quantity');
  await event(b1, 'order.field_corrected', '2026-11-30T08:10:00Z', 'poNumber');
  await event(b1, 'order.approved', '2026-11-30T08:11:00Z');
  await delivered(b1, '2026-11-30T11:00:00Z');

  const c = await doc('c', 'email', monday);
  const c1 = await order(c, { customer: 'C107', status: 'review', lines: 2, slaHours: 8, received: monday });
  await finding(c, c1, 'unknown_sku');

  const d = await doc('d', 'email', monday);
  const d1 = await order(d, {
    customer: 'C107',
    status: 'rejected',
    decidedBy: ana!.id,
    lines: 1,
    slaHours: 8,
    received: monday,
  });
  await finding(d, d1, 'duplicate_order');
  await event(d1, 'order.rejected', '2026-11-30T09:30:00Z');

  const old = await doc('old', 'edi', '2026-11-10T09:00:00Z');
  const old1 = await order(old, {
    customer: 'C042',
    status: 'delivered',
    lines: 1,
    slaHours: 4,
    received: '2026-11-10T09:00:00Z',
  });
  await delivered(old1, '2026-11-20T09:00:00Z');
}

describe('KPIs on a known history', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
    await importMasterData(t.db, DEMO_MASTER_DATA);
    await knownHistory(t.db);
  });
  afterAll(() => t.close());

  it('gives every indicator its exact value, the weekend left out of the SLA', async () => {
    const k = await computeKpis(t.db, { from: at('2026-11-23T00:00:00Z'), to: at('2026-12-01T00:00:00Z') });
    // Due Monday 11:00 Madrid = 10:00 UTC: delivered 09:30 is in time, 11:00 is late.
    expect(k.sla).toEqual({ delivered: 2, withinSla: 1, rate: 0.5 });
    // 65.5 h and 67 h from arrival to the ERP.
    expect(k.arrivalToErp).toEqual({ median: 238_500, p90: 240_660 });
    expect(k.touchlessByChannel).toEqual([
      { channel: 'edi', orders: 1, touchless: 1, rate: 1 },
      { channel: 'email', orders: 1, touchless: 0, rate: 0 },
      { channel: 'fax', orders: 1, touchless: 0, rate: 0 },
    ]);
    expect(k.touchlessByCustomer).toEqual([
      { customer: 'C042', orders: 2, touchless: 1, rate: 0.5 },
      { customer: 'C107', orders: 1, touchless: 0, rate: 0 },
    ]);
    expect(k.corrections).toEqual({ reviewedOrders: 2, corrections: 2, perOrder: 1 });
    expect(k.correctionsByField).toEqual([
      { field: 'lines[].quantity', count: 1 },
      { field: 'poNumber', count: 1 },
    ]);
    expect(k.perDay).toEqual([
      { day: '2026-11-27', orders: 2, lines: 4 },
      { day: '2026-11-30', orders: 2, lines: 3 },
    ]);
    expect(k.reviewReasons).toEqual([
      { code: 'duplicate_order', orders: 1 },
      { code: 'quantity_anomaly', orders: 1 },
      { code: 'unknown_sku', orders: 1 },
    ]);
    expect(k.operators).toEqual([{ operator: 'ana', approved: 1, rejected: 1, corrected: 2 }]);
    expect(k.backlog).toEqual([{ stage: 'order review', channel: 'email', count: 1 }]);
  });

  it('a period holds only the documents received in it', async () => {
    const k = await computeKpis(t.db, { from: at('2026-11-01T00:00:00Z'), to: at('2026-11-15T00:00:00Z') });
    expect(k.sla).toEqual({ delivered: 1, withinSla: 0, rate: 0 });
    expect(k.perDay).toEqual([{ day: '2026-11-10', orders: 1, lines: 1 }]);
  });

  it('exports any table as CSV', () => {
    expect(
      toCsv([
        { code: 'a,b', orders: 2 },
        { code: 'say "x"', orders: null },
      ]),
    ).toBe('code,orders\r\n"a,b",2\r\n"say ""x""",\r\n');
  });
});
