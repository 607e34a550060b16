import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/open.ts';
import { OrderCaptureError } from '../errors.ts';
import { retryFailedDeliveries, type RetrySelection } from '../erp/retry.ts';

/**
 * `order-capture erp retry [--all | ORDER_ID...]`: sends failed ERP deliveries again (in arrival
 * order, under their idempotency keys); a running deliverer picks them up at its next poll.
 * Exit 0 when something was queued or nothing was failed; 1 when an order named was not queued.
 */
export async function runErp(
  args: string[],
  out: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'retry') {
    throw new OrderCaptureError('input_invalid', 'usage: order-capture erp retry [--all | ORDER_ID...]');
  }
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { all: { type: 'boolean', default: false } },
  });
  if (values.all === positionals.length > 0) {
    throw new OrderCaptureError('input_invalid', 'erp retry takes either --all or one or more order ids');
  }
  const ids = positionals.map(Number);
  const bad = positionals.filter((_, i) => !Number.isSafeInteger(ids[i]) || ids[i]! <= 0);
  if (bad.length > 0) throw new OrderCaptureError('input_invalid', `not an order id: ${bad.join(', ')}`);
  const selection: RetrySelection = values.all ? { all: true } : { orderIds: ids };

  const db = await openDatabase(loadConfig(env));
  try {
    const report = await retryFailedDeliveries(db, selection, 'cli:erp-retry');
    for (const q of report.queued) {
      out(
        `order ${q.orderId}: queued again (key ${q.idempotencyKey}; last error: ${q.previousError ?? 'none'})`,
      );
    }
    for (const s of report.skipped) out(`order ${s.orderId}: not queued, ${s.reason}`);
    if (report.queued.length === 0 && report.skipped.length === 0) out('no failed ERP deliveries');
    return report.skipped.length > 0 ? 1 : 0;
  } finally {
    await db.close();
  }
}
