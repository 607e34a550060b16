/**
 * Teaching from outside the review screen (`teach FILE ORDER.json`, `teach --history DIR`,
 * `extract --teach PAIRS.ndjson`; the commands read the files in src/cli/teach-files.ts): the
 * pairs of files and confirmed orders, and setting a stored document's order to what the person
 * confirmed, exactly as an approval in the review screen would, for the learner to record.
 */
import { readdir, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { Queryable } from '../db/db.ts';
import { emptyLine, emptyOrder, type CanonicalOrder } from '../domain/order.ts';
import { OrderCaptureError } from '../errors.ts';
import { logEvents } from '../store/events.ts';
import { settleTaught } from '../orders/status.ts';
import { insertLines, insertOrder, orderValue } from '../store/orders.ts';
import { recordConfirmed, type Taught, type TeachSource } from './store.ts';

export interface TeachResult {
  file: string;
  documentId: number | null;
  customerId: string | null;
  taught: Taught | null;
  /** Why nothing was taught (the file could not be read). */
  error: string | null;
}

/** A canonical order from JSON, every absent field null (CONTRACTS.md section 1). */
export function confirmedOrder(raw: unknown, where: string): CanonicalOrder {
  if (!raw || typeof raw !== 'object' || !Array.isArray((raw as { lines?: unknown }).lines)) {
    throw new OrderCaptureError('input_invalid', `${where}: not a canonical order (an object with "lines")`);
  }
  const o = raw as Partial<CanonicalOrder>;
  return {
    ...emptyOrder(),
    ...o,
    customer: { id: null, name: null, taxId: null, ...o.customer },
    lines: (o.lines ?? []).map((l, i) => ({ ...emptyLine(i + 1), ...l, lineNo: l.lineNo ?? i + 1 })),
  };
}

/** The document's order set to the confirmed one (added when the reading found none), then learned. */
export async function confirmTaught(
  tx: Queryable,
  documentId: number,
  order: CanonicalOrder,
  actor: string,
  source: TeachSource,
): Promise<Taught> {
  const read = await tx.query<{ id: number; data: CanonicalOrder }>(
    `SELECT id, data FROM orders WHERE document_id = $1 ORDER BY seq`,
    [documentId],
  );
  const total = order.total ?? orderValue(order);
  let orderId: number;
  if (read[0]) {
    orderId = read[0].id;
    await tx.query(
      `UPDATE orders SET data = $2::jsonb, customer_id = $3, po_number = $4, order_date = $5, delivery_date = $6,
              currency = $7, total = $8, order_value = $8, confidence = 1,
              version = version + 1, decided_at = now()
        WHERE id = $1`,
      [
        orderId,
        JSON.stringify(order),
        order.customer.id,
        order.poNumber,
        order.orderDate,
        order.deliveryDate,
        order.currency,
        total,
      ],
    );
    await tx.query(`DELETE FROM order_lines WHERE order_id = $1`, [orderId]);
    await tx.query(`DELETE FROM findings WHERE order_id = $1`, [orderId]);
    await insertLines(
      tx,
      order.lines.map((line) => ({ orderId, line })),
    );
    // It is what the person confirmed; the other orders the reading made of it are not.
    await settleTaught(tx, documentId, orderId);
  } else {
    orderId = await insertOrder(tx, {
      documentId,
      seq: 0,
      reference: null,
      status: 'accepted',
      confidence: 1,
      order: { ...order, total },
      fieldMeta: {},
      findings: [],
      sourceText: null,
    });
  }
  await tx.query(`UPDATE documents SET status = 'processed', status_reason = NULL WHERE id = $1`, [
    documentId,
  ]);
  await logEvents(tx, [
    {
      actor,
      kind: 'order.taught',
      documentId,
      orderId,
      oldValue: read[0]?.data ?? null,
      newValue: order,
      detail: { source },
    },
  ]);
  return recordConfirmed(tx, { documentId, orderId, order, actor, source });
}

/** The pairs of a PAIRS.ndjson file: `{"source": PATH, "order": {...}}` per line, PATH relative to the file. */
export async function readPairs(path: string): Promise<Array<{ file: string; order: CanonicalOrder }>> {
  const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new OrderCaptureError('input_invalid', `cannot read ${path}: ${err.code ?? err.message}`);
  });
  const base = dirname(resolve(path));
  const pairs: Array<{ file: string; order: CanonicalOrder }> = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    let row: { source?: unknown; order?: unknown };
    try {
      row = JSON.parse(line);
    } catch {
      throw new OrderCaptureError('input_invalid', `${path}:${i + 1}: not JSON`);
    }
    if (typeof row.source !== 'string') {
      throw new OrderCaptureError('input_invalid', `${path}:${i + 1}: "source" must name a file`);
    }
    const file = isAbsolute(row.source) ? row.source : join(base, row.source);
    pairs.push({ file, order: confirmedOrder(row.order, `${path}:${i + 1}`) });
  }
  return pairs;
}

/** The documents of a history folder that have a `NAME.order.json` beside them, by name. */
export async function historyPairs(dir: string): Promise<Array<{ file: string; order: CanonicalOrder }>> {
  const names = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
    throw new OrderCaptureError('input_invalid', `cannot read the folder ${dir}: ${err.code ?? err.message}`);
  });
  const have = new Set(names);
  const pairs: Array<{ file: string; order: CanonicalOrder }> = [];
  for (const name of names.filter((n) => !n.endsWith('.order.json')).sort()) {
    if (!have.has(`${name}.order.json`)) continue;
    const path = join(dir, `${name}.order.json`);
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(path, 'utf8'));
    } catch (err) {
      throw new OrderCaptureError('input_invalid', `${path}: ${(err as Error).message}`);
    }
    pairs.push({ file: join(dir, name), order: confirmedOrder(raw, path) });
  }
  return pairs;
}

/** The summary `teach --history` prints: per customer and layout, how many documents taught it. */
export function historySummary(results: TeachResult[]): string {
  const groups = new Map<
    string,
    { customer: string; layout: string; docs: number; replaced: number; missed: Map<string, number> }
  >();
  let failed = 0;
  for (const r of results) {
    if (!r.taught) {
      failed++;
      continue;
    }
    const customer = r.customerId ?? '(no customer id)';
    const layout = r.taught.layoutKey ?? '(no layout learned)';
    const key = `${customer} ${layout}`;
    const g = groups.get(key) ?? { customer, layout, docs: 0, replaced: 0, missed: new Map() };
    g.docs++;
    if (r.taught.outcome === 'replaced') g.replaced++;
    for (const m of r.taught.missed) g.missed.set(m, (g.missed.get(m) ?? 0) + 1);
    groups.set(key, g);
  }
  const lines = [`taught ${results.length - failed} of ${results.length} document(s)`];
  for (const g of [...groups.values()].sort(
    (a, b) => a.customer.localeCompare(b.customer) || a.layout.localeCompare(b.layout),
  )) {
    const missed = [...g.missed].map(([f, n]) => `${f} not on the page ${n}x`).join(', ');
    lines.push(
      `  customer ${g.customer}  layout ${g.layout}: ${g.docs} document(s)` +
        `${g.replaced > 0 ? `, replaced ${g.replaced}x by a contradicting order` : ''}${missed ? `; ${missed}` : ''}`,
    );
  }
  for (const r of results.filter((x) => !x.taught)) lines.push(`  not taught: ${r.file}: ${r.error}`);
  return lines.join('\n');
}
