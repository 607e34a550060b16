import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { customerIdOf } from '../formats/order-json/read.ts';
import { type Config, loadConfig } from '../config.ts';
import type { Db } from '../db/db.ts';
import { openDatabase, openScratchDatabase } from '../db/open.ts';
import type { Channel } from '../domain/document.ts';
import type { Finding } from '../domain/findings.ts';
import type { CanonicalOrder } from '../domain/order.ts';
import type { Template } from '../extract/index.ts';
import { createLogger, type Logger } from '../log.ts';
import { formatImportReport, importMasterData } from '../masterdata/import.ts';
import { chooseFormat, type DocumentFormat, describeUnsupported } from '../formats/registry.ts';
import { allFormats } from '../formats/registry.ts';
import { templatesFrom } from '../pipeline/templates-source.ts';
import { withAs2Certificates } from '../formats/structured.ts';
import { learnedLayouts } from '../learn/store.ts';
import { teachPairs } from './teach-files.ts';
import { createProgress, type Progress } from './progress.ts';
import { ReadAhead } from './read-ahead.ts';
import { createOcrEngine } from '../ocr/index.ts';
import { submit } from '../pipeline/submit.ts';
import { getDocument } from '../store/documents.ts';
import { findingsOf, ordersOfDocument } from '../store/orders.ts';
import { DocumentWorker } from '../worker/document-worker.ts';

export interface ExtractOptions {
  files: string[];
  /** Master-data folder: work on a fresh embedded database loaded from it, post nothing. */
  dataDir: string | null;
  json: boolean;
  /** PAIRS.ndjson: documents to teach, read as their confirmed orders, before extracting (`--teach`). */
  teach?: string | null;
}

/** One line of `extract` output (CONTRACTS.md section 3). */
export interface ExtractLine {
  source: string;
  channel: Channel;
  status: string;
  confidence: number;
  order: CanonicalOrder | null;
  findings: Finding[];
}

/** Files named as faxes or images, which are always OCR'd. */
const IMAGE_FILE = /\.(tiff?|png|jpe?g)$/i;

/** `order-capture extract`: every file gets at least one line, in the order given. */
export async function runExtract(opts: ExtractOptions): Promise<number> {
  const config = loadConfig();
  const log = createLogger(process.env.ORDERCAP_LOG_LEVEL === 'debug' ? 'debug' : 'warn');
  const ocr = createOcrEngine({ workers: config.ocr.workers });
  // A fax or image will be OCR'd: its first worker starts (~1 s) while the database opens. A PDF
  // may have a text layer and need none, so it waits for its first page as before.
  if (opts.files.some((f) => IMAGE_FILE.test(f))) ocr.warm?.();
  let db: Db;
  try {
    db = opts.dataDir ? await openScratchDatabase() : await openDatabase(config);
  } catch (err) {
    await ocr.close();
    throw err;
  }
  try {
    if (opts.dataDir) {
      const report = await importMasterData(db, opts.dataDir);
      const refused = report.files.some((f) => f.errors.length > 0);
      if (refused) process.stderr.write(`${formatImportReport(report)}\n`);
    }
    // Templates are parsed on the first paper document (an EDIFACT file never needs them).
    let templates: Promise<Template[]> | null = null;
    const formats = withAs2Certificates(
      allFormats(
        ocr,
        () => (templates ??= Promise.resolve().then(() => templatesFrom(config.templatesDir, log))),
        config.documents,
        learnedLayouts(db, 0),
      ),
      config.as2.certificates,
    );
    if (opts.teach) await teachPairs({ db, config, log, deliverTo: null, formats }, opts.teach);
    await extractFiles(
      {
        db,
        config,
        log,
        deliverTo: opts.dataDir ? null : config.erp.adapter,
        formats,
        // One document more than OCR workers: the next one is decoded, rendered and cleaned on
        // this thread while the workers read, and its page waits for the first free worker. With
        // as many as workers, a scanned PDF after two faxes was rendered and cleaned (~1-2 s,
        // more on a loaded machine) while both workers sat idle.
        readAhead: { reader: new ReadAhead(formats), width: config.ocr.workers + 1 },
      },
      opts.files,
      (line) => process.stdout.write(`${opts.json ? JSON.stringify(line) : humanLine(line)}\n`),
      createProgress(opts.files.length, 'extract'),
    );
    return 0;
  } finally {
    await ocr.close();
    await db.close();
  }
}

export interface ExtractContext {
  db: Db;
  config: Config;
  log: Logger;
  /** ERP adapter accepted orders are queued for; null posts nothing. */
  deliverTo: string | null;
  /** Formats to read; default: the structured ones (EDIFACT, order JSON). */
  formats?: readonly DocumentFormat[];
  /**
   * Paper and e-mail documents read ahead of their turn, up to `width` at once (the OCR workers);
   * absent: each is read when the pipeline reaches it.
   */
  readAhead?: { reader: ReadAhead; width: number };
}

/**
 * Runs each file through the whole pipeline, one at a time in the order given (so a repeated
 * order is seen as a duplicate), and reports its lines as soon as it is done.
 */
export async function extractFiles(
  ctx: ExtractContext,
  files: string[],
  onLine: (line: ExtractLine) => void,
  progress?: Progress,
): Promise<void> {
  const worker = createWorker(ctx);
  const runId = `${Date.now().toString(36)}.${Math.random().toString(36).slice(2, 8)}`;
  const ahead = ctx.readAhead;
  let next = 0; // the first file not yet handed to the read-ahead
  try {
    for (const [i, file] of files.entries()) {
      if (ahead) {
        // This file and the next ones, until the OCR workers each have a document.
        next = Math.max(next, i);
        while (next < files.length && (next === i || ahead.reader.pending < ahead.width)) {
          await prefetch(ctx, ahead.reader, files[next++]!);
        }
      }
      for (const line of await extractFile(ctx, worker, file, `${runId}.${i}`)) onLine(line);
      progress?.tick(file);
    }
  } finally {
    await ahead?.reader.close();
  }
  progress?.done();
}

/** Hands a file to the read-ahead; one that cannot be read or is too big is left to the pipeline. */
async function prefetch(ctx: ExtractContext, reader: ReadAhead, file: string): Promise<void> {
  const bytes = await readFile(file).catch(() => null);
  if (!bytes || bytes.length > ctx.config.http.bodyLimitBytes) return;
  reader.prefetch({ bytes, filename: file, contentType: null, sender: null });
}

/** A pipeline worker for the command line: one document at a time. */
export function createWorker(ctx: ExtractContext): DocumentWorker {
  const { db, config, log } = ctx;
  return new DocumentWorker(
    {
      db,
      log,
      validation: config.validation,
      acceptThreshold: config.acceptThreshold,
      deliverTo: ctx.deliverTo,
      formats: ctx.formats,
      ...(ctx.readAhead ? { reader: ctx.readAhead.reader } : {}),
      identity: config.identity,
    },
    { ...config.worker, concurrency: 1 },
    log,
  );
}

async function extractFile(
  ctx: ExtractContext,
  worker: DocumentWorker,
  file: string,
  runRef: string,
): Promise<ExtractLine[]> {
  const done = await processFile(ctx, worker, file, runRef);
  if ('line' in done) return [done.line];
  const { documentId, channel } = done;
  const orders = await ordersOfDocument(ctx.db, documentId);
  if (orders.length === 0) {
    const findings = (await findingsOf(ctx.db, documentId)).map(({ orderId: _, ...f }) => f);
    return [rejectedLine(file, channel, findings)];
  }
  return orders.map((o) => ({
    source: file,
    channel,
    status: o.status,
    confidence: o.confidence,
    order: o.order,
    findings: o.findings.map(contractFinding),
  }));
}

/**
 * Stores one file as a received document and runs the pipeline on it to the end; a file that
 * cannot be read or is over the size limit gives its rejected line instead.
 */
export async function processFile(
  ctx: ExtractContext,
  worker: DocumentWorker,
  file: string,
  runRef: string,
): Promise<{ documentId: number; channel: Channel } | { line: ExtractLine }> {
  const { db, config, formats } = ctx;
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    const message = `Cannot read the file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
    return {
      line: rejectedLine(file, 'scan', [
        { code: 'unreadable_document', severity: 'error', field: null, message },
      ]),
    };
  }
  if (bytes.length > config.http.bodyLimitBytes) {
    const message = `The file is ${bytes.length} bytes, over the ${config.http.bodyLimitBytes}-byte limit.`;
    return {
      line: rejectedLine(file, 'scan', [
        { code: 'unreadable_document', severity: 'error', field: null, message },
      ]),
    };
  }
  const input = { bytes, filename: file, contentType: null };
  const format = chooseFormat(input, formats);
  const channel = format?.channel ?? describeUnsupported(input).channel;
  const customerId = format?.id === 'order-json' ? customerIdOf(bytes) : null;
  const { documentId } = await submit(db, {
    channel,
    sourceRef: `cli:${runRef}:${resolve(file)}`,
    sender: customerId,
    customerId,
    receivedAt: new Date(),
    filename: file,
    contentType: null,
    bytes,
    // Handed in by the supplier itself: a bare file may be identified by its content alone.
    meta: { via: 'cli' },
  });
  await finish(db, worker, documentId);
  return { documentId, channel };
}

/** A finding as CONTRACTS.md section 3 prints it: code, severity, field and the English message. */
function contractFinding(f: Finding): Finding {
  return { code: f.code, severity: f.severity, field: f.field, message: f.message };
}

/**
 * Runs the worker until this document has ended processed or rejected. A job that failed waits
 * for its retry; after its last attempt the worker marks the document rejected with the reason,
 * so this always ends.
 */
async function finish(db: Db, worker: DocumentWorker, documentId: number): Promise<void> {
  for (;;) {
    await worker.runUntilIdle();
    const doc = await getDocument(db, documentId);
    if (!doc || doc.status === 'processed' || doc.status === 'rejected') return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

function rejectedLine(source: string, channel: Channel, findings: Finding[]): ExtractLine {
  return {
    source,
    channel,
    status: 'rejected',
    confidence: 0,
    order: null,
    findings: findings.map(contractFinding),
  };
}

function humanLine(l: ExtractLine): string {
  const o = l.order;
  const what = o
    ? `PO ${o.poNumber ?? '?'}  customer ${o.customer.id ?? '?'}  ${o.lines.length} line(s)  total ${o.total ?? '?'}`
    : '';
  const codes = l.findings.map((f) => `${f.code}${f.field ? `(${f.field})` : ''}`).join(' ');
  return [l.source, l.channel, l.status, what, codes].filter(Boolean).join('  ');
}
