/**
 * `order-capture teach FILE ORDER.json` and `teach --history DIR`, in the configured database:
 * documents stored as received and read as the orders a person confirmed (src/cli/teach-files.ts).
 */
import { readFile } from 'node:fs/promises';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/open.ts';
import { OrderCaptureError } from '../errors.ts';
import { learnedLayouts } from '../learn/store.ts';
import { confirmedOrder, historyPairs, historySummary } from '../learn/teach.ts';
import { teachFiles } from './teach-files.ts';
import { createLogger } from '../log.ts';
import { createOcrEngine } from '../ocr/index.ts';
import { allFormats } from '../formats/registry.ts';
import { templatesFrom } from '../pipeline/templates-source.ts';
import { createProgress } from './progress.ts';

export async function runTeach(opts: { file: string; order: string } | { history: string }): Promise<number> {
  const config = loadConfig();
  const log = createLogger(process.env.ORDERCAP_LOG_LEVEL === 'debug' ? 'debug' : 'warn');
  const pairs =
    'history' in opts
      ? await historyPairs(opts.history)
      : [{ file: opts.file, order: confirmedOrder(await readJson(opts.order), opts.order) }];
  if ('history' in opts && pairs.length === 0) {
    throw new OrderCaptureError(
      'input_invalid',
      `${opts.history} holds no document with a NAME.order.json beside it`,
    );
  }
  const db = await openDatabase(config);
  const ocr = createOcrEngine({ workers: config.ocr.workers });
  try {
    const formats = allFormats(
      ocr,
      templatesFrom(config.templatesDir, log),
      config.documents,
      learnedLayouts(db, 0),
    );
    const results = await teachFiles({ db, config, log, deliverTo: null, formats }, pairs, {
      actor: `system:teach:${process.env.USER ?? 'cli'}`,
      source: 'history' in opts ? 'history' : 'teach',
      progress: createProgress(pairs.length, 'teach'),
      onResult: (r) => {
        if ('history' in opts) return;
        const t = r.taught;
        process.stdout.write(
          t
            ? `${r.file}: document ${r.documentId}, customer ${r.customerId ?? '?'}, layout ${t.layoutKey ?? 'none'} (${t.outcome})` +
                `${t.missed.length > 0 ? `; not on the page: ${t.missed.join(', ')}` : ''}\n`
            : `${r.file}: not taught: ${r.error}\n`,
        );
      },
    });
    if ('history' in opts) process.stdout.write(`${historySummary(results)}\n`);
    return 0;
  } finally {
    await ocr.close();
    await db.close();
  }
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new OrderCaptureError('input_invalid', `${path}: ${(err as Error).message}`);
  }
}
