import type { ErpConfig } from '../config.ts';
import type { Queryable } from '../db/db.ts';
import type { CanonicalOrder } from '../domain/order.ts';
import { putBlob } from '../store/blobs.ts';
import { enqueueDelivery } from './outbox.ts';

/** Test helpers for src/erp: accepted orders as the pipeline would leave them. */

let sequence = 0;

export function sampleOrder(n: number): CanonicalOrder {
  return {
    customer: { id: 'C042', name: 'Ferreteria Lopez SL', taxId: 'B12345678' },
    poNumber: `PO-2026-${String(n).padStart(4, '0')}`,
    orderDate: '2026-11-20',
    deliveryDate: '2026-11-27',
    currency: 'EUR',
    shipTo: {
      name: 'Almacen Norte',
      street: 'C/ Mayor 1',
      postalCode: '28001',
      city: 'Madrid',
      country: 'ES',
    },
    lines: [
      {
        lineNo: 1,
        sku: 'TOR-M8-40',
        customerRef: '4711',
        gtin: '08412345678905',
        description: 'Tornillo M8x40 zincado',
        quantity: 200,
        unit: 'EA',
        unitPrice: 0.12,
        amount: 24.0,
      },
    ],
    total: 24.0,
    notes: null,
  };
}

/** Inserts blob, document and an `accepted` order; queues it for `adapter` unless null. */
export async function insertAcceptedOrder(
  q: Queryable,
  order: CanonicalOrder,
  adapter: string | null = 'http',
): Promise<number> {
  sequence += 1;
  const ref = `test-${process.pid}-${Date.now()}-${sequence}`;
  const hash = await putBlob(q, Buffer.from(JSON.stringify({ ref, order })));
  const [doc] = await q.query<{ id: number }>(
    `INSERT INTO documents (sha256, size, channel, source_ref, received_at)
     VALUES ($1, 1, 'web', $2, now()) RETURNING id`,
    [hash, ref],
  );
  const [row] = await q.query<{ id: number }>(
    `INSERT INTO orders (document_id, seq, customer_id, po_number, status, confidence, data)
     VALUES ($1, 1, $2, $3, 'accepted', 1, $4::jsonb) RETURNING id`,
    [doc!.id, order.customer.id, order.poNumber, JSON.stringify(order)],
  );
  if (adapter) await enqueueDelivery(q, row!.id, adapter);
  return row!.id;
}

export function testErpConfig(overrides: Partial<ErpConfig> = {}): ErpConfig {
  return {
    adapter: 'http',
    fileDir: '/nonexistent',
    httpUrl: null,
    httpAuthorization: null,
    timeoutMs: 2000,
    mappingPath: null,
    oauth: null,
    leaseMs: 60_000,
    giveUpAfterMs: 86_400_000,
    maxAttempts: 12,
    concurrency: 4,
    backoffBaseMs: 5,
    backoffMaxMs: 20,
    ...overrides,
  };
}

export interface OutboxRow {
  order_id: number;
  status: string;
  attempts: number;
  locked_by: string | null;
  last_error: string | null;
  erp_reference: string | null;
  idempotency_key: string;
}

export async function outboxRow(q: Queryable, orderId: number): Promise<OutboxRow> {
  const [row] = await q.query<OutboxRow>(`SELECT * FROM erp_outbox WHERE order_id = $1`, [orderId]);
  return row!;
}

export function eventsOf(q: Queryable, orderId: number, kind: string) {
  return q.query<{ detail: Record<string, unknown> }>(
    `SELECT detail FROM events WHERE order_id = $1 AND kind = $2 ORDER BY id`,
    [orderId, kind],
  );
}
