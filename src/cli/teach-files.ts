/**
 * Teaching from files: each document is stored and read like any arrival (so its pages are kept),
 * then its order is set to what the person confirmed (src/learn/teach.ts) and the learner records
 * it. Nothing is posted to the ERP: the order was handled when it came. A taught order counts as
 * received, so a later copy is a duplicate.
 */
import type { CanonicalOrder } from '../domain/order.ts';
import { confirmTaught, readPairs, type TeachResult } from '../learn/teach.ts';
import type { TeachSource } from '../learn/store.ts';
import { createWorker, type ExtractContext, processFile } from './extract.ts';
import type { Progress } from './progress.ts';

/** Teaches files one after the other, in the order given. */
export async function teachFiles(
  ctx: ExtractContext,
  pairs: Array<{ file: string; order: CanonicalOrder }>,
  opts: { actor: string; source: TeachSource; progress?: Progress; onResult?: (r: TeachResult) => void },
): Promise<TeachResult[]> {
  // Taught documents are history: nothing of them goes to the ERP or to the customer.
  const worker = createWorker({ ...ctx, deliverTo: null });
  const runId = `${Date.now().toString(36)}.${Math.random().toString(36).slice(2, 8)}`;
  const results: TeachResult[] = [];
  for (const [i, { file, order }] of pairs.entries()) {
    const done = await processFile({ ...ctx, deliverTo: null }, worker, file, `teach:${runId}.${i}`);
    let result: TeachResult;
    if ('line' in done) {
      const error = done.line.findings.map((f) => f.message).join('; ');
      result = { file, documentId: null, customerId: order.customer.id, taught: null, error };
    } else {
      const taught = await ctx.db.transaction((tx) =>
        confirmTaught(tx, done.documentId, order, opts.actor, opts.source),
      );
      result = { file, documentId: done.documentId, customerId: order.customer.id, taught, error: null };
    }
    results.push(result);
    opts.onResult?.(result);
    opts.progress?.tick(file);
  }
  opts.progress?.done();
  return results;
}

/** `extract --teach PAIRS.ndjson`: teaches every pair, printing nothing on stdout. */
export async function teachPairs(ctx: ExtractContext, path: string): Promise<TeachResult[]> {
  const pairs = await readPairs(path);
  return teachFiles(ctx, pairs, { actor: 'system:teach', source: 'teach' });
}
