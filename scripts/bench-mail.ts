/**
 * Mail intake bench: a mailbox of N order messages on a private Dovecot is imported by the IMAP
 * connector while a document worker turns them into orders, on a fresh database. Prints messages
 * per second for storing (connector) and end to end (stored and processed), once for mail with
 * the order typed in the body and once for mail with a text PDF attached, then checks that every
 * message became exactly one document and one order: "lost: 0, duplicated: 0", or exit code 1
 * with what went missing. The connector's own progress log ('IMAP import progress') goes to
 * stderr as it imports.
 *
 *   node bin/run-ts.js scripts/bench-mail.ts [--messages N] [--pdf-messages M]
 *     [--engine pglite|postgres] [--concurrency C] [--batch B] [--timeout SECONDS]
 *
 * --messages 0 or --pdf-messages 0 skips that kind. ERP delivery is not run: accepted orders are
 * queued in the outbox, as in `serve`, and left there.
 */
import { NoPostgresServer, scratchPostgres } from './scratch-db.ts';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { parseArgs } from 'node:util';
import { orderMail } from '../src/formats/email/testing.ts';
import { ImapConnector, parseMailboxUrl } from '../connectors/imap/index.ts';
import { loadConfig } from '../src/config.ts';
import type { Db } from '../src/db/db.ts';
import { openScratchDatabase } from '../src/db/open.ts';
import { createLogger, silentLogger } from '../src/log.ts';
import { importMasterData } from '../src/masterdata/import.ts';
import { createOcrEngine } from '../src/ocr/index.ts';
import { allFormats } from '../src/formats/registry.ts';
import { templatesFrom } from '../src/pipeline/templates-source.ts';
import { submit } from '../src/pipeline/submit.ts';
import { imapClient, startDovecot, type TestImapServer } from '../src/testing/dovecot.ts';
import { DEMO_MASTER_DATA } from '../src/testing/pipeline.ts';
import { DocumentWorker } from '../src/worker/document-worker.ts';
import { layout } from './eval/layout.ts';
import { CUSTOMERS, makeOrder, random } from './eval/orders.ts';
import { textPdf } from './eval/render.ts';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '1000' },
    'pdf-messages': { type: 'string', default: '200' },
    engine: { type: 'string', default: 'pglite' },
    concurrency: { type: 'string', default: '8' },
    batch: { type: 'string', default: '20' },
    'append-connections': { type: 'string', default: '4' },
    timeout: { type: 'string', default: '900' },
  },
});
const TEXT_MESSAGES = Number(values.messages);
const PDF_MESSAGES = Number(values['pdf-messages']);
const ENGINE = values.engine;
const CONCURRENCY = Number(values.concurrency);
const BATCH = Number(values.batch);
const APPEND_CONNECTIONS = Number(values['append-connections']);
const TIMEOUT_MS = Number(values.timeout) * 1000;
const PG_URL = process.env.ORDERCAP_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
if (ENGINE !== 'pglite' && ENGINE !== 'postgres') throw new Error(`--engine pglite|postgres, not ${ENGINE}`);

/** The connector's progress lines, and warnings and errors of everything else, on stderr. */
const log = createLogger('info', { bench: 'mail' });
/** The pipeline logs every document at info: only its warnings and errors are wanted here. */
const pipelineLog = createLogger('warn', { bench: 'mail' });

/** One test message: its raw bytes and the PO number the order in it carries. */
interface Mail {
  po: string;
  raw: Buffer;
}

/** An order typed in the body (customer C042), as the IMAP tests send it. */
function textMail(i: number): Mail {
  const po = `FL-BENCH-${String(i).padStart(5, '0')}`;
  return { po, raw: Buffer.from(orderMail(po), 'utf8') };
}

/** A short note with the order as a text PDF attached (scripts/eval layout of customer C042). */
async function pdfMail(i: number, rnd: () => number): Promise<Mail> {
  const style = CUSTOMERS.find((c) => c.id === 'C042')!;
  const g = makeOrder(style, i, rnd);
  const po = g.expected.poNumber!;
  const raw = await new MailComposer({
    from: 'Compras <compras@ferreterialopez.es>',
    to: 'pedidos@proveedor.es',
    subject: `Pedido ${po}`,
    messageId: `<pdf-${po}@ferreterialopez.es>`,
    date: new Date('2026-11-20T09:30:00Z'),
    text: 'Adjuntamos pedido.\n\n-- \nCompras',
    attachments: [
      { filename: `pedido-${po}.pdf`, content: await textPdf(layout(g)), contentType: 'application/pdf' },
    ],
  })
    .compile()
    .build();
  return { po, raw };
}

/** A fresh, migrated database for one run, and how to get rid of it. */
interface Scratch {
  db: Db;
  close(): Promise<void>;
}

async function scratchDatabase(tag: string): Promise<Scratch> {
  if (ENGINE === 'pglite') {
    const db = await openScratchDatabase();
    return { db, close: () => db.close() };
  }
  // A database of its own on the local server, dropped afterwards.
  try {
    return await scratchPostgres(PG_URL, `oc_bench_mail_${process.pid}_${tag}`, CONCURRENCY + 2);
  } catch (err) {
    if (err instanceof NoPostgresServer) throw new Error(`--engine postgres: ${err.message}`);
    throw err;
  }
}

/** APPENDs every message to INBOX over a few admin connections at once. Returns seconds. */
async function appendAll(imap: TestImapServer, mails: Mail[]): Promise<number> {
  const t0 = performance.now();
  const lanes = Array.from({ length: Math.max(1, APPEND_CONNECTIONS) }, (_, lane) => lane);
  await Promise.all(
    lanes.map(async (lane) => {
      const client = imapClient(imap);
      await client.connect();
      try {
        for (let i = lane; i < mails.length; i += lanes.length) await client.append('INBOX', mails[i]!.raw);
      } finally {
        await client.logout().catch(() => {});
      }
    }),
  );
  return (performance.now() - t0) / 1000;
}

/** Polls until `check` holds; false if it did not before the deadline. */
async function waitUntil(check: () => Promise<boolean> | boolean, deadline: number, everyMs: number) {
  while (!(await check())) {
    if (performance.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return true;
}

interface Result {
  kind: string;
  messages: number;
  avgKb: number;
  appendS: number;
  /** Seconds from connector start until every message was stored (null: not within the timeout). */
  storedS: number | null;
  /** ... until the last one had left INBOX. */
  movedS: number | null;
  /** ... until every document was through the pipeline. */
  processedS: number | null;
  lost: number;
  duplicated: number;
  ok: boolean;
}

async function bench(kind: string, mails: Mail[]): Promise<Result> {
  const n = mails.length;
  const avgKb = mails.reduce((s, m) => s + m.raw.length, 0) / n / 1024;
  console.log(`\n${kind}: ${n} messages, ${avgKb.toFixed(1)} kB on average`);
  const config = loadConfig({});
  const ocr = createOcrEngine({ workers: 1 });
  const imap = await startDovecot();
  const admin = imapClient(imap);
  let scratch: Scratch | null = null;
  try {
    scratch = await scratchDatabase(kind.toLowerCase().replace(/\W/g, '_'));
    const { db } = scratch;
    await importMasterData(db, DEMO_MASTER_DATA);
    // A thousand orders for one customer would exhaust its demo credit limit; as scripts/bench.ts,
    // lift the limit rather than remove the check.
    await db.query(`UPDATE customers SET credit_limit = 1e12 WHERE id = 'C042'`);

    const appendS = await appendAll(imap, mails);
    await admin.connect();
    const count = async (folder: string) => {
      const status = await admin.status(folder, { messages: true });
      return status ? (status.messages ?? 0) : 0;
    };
    const mailbox = parseMailboxUrl(`imap://${imap.user}:${imap.password}@127.0.0.1:${imap.port}/INBOX`);
    const waiting = await count('INBOX');
    console.log(`appended ${waiting} in ${appendS.toFixed(2)} s (${rate(n, appendS)} msg/s)`);

    const worker = new DocumentWorker(
      {
        db,
        log: pipelineLog,
        validation: config.validation,
        acceptThreshold: config.acceptThreshold,
        deliverTo: config.erp.adapter,
        formats: allFormats(ocr, templatesFrom(config.templatesDir, silentLogger)),
      },
      { ...config.worker, concurrency: CONCURRENCY },
      pipelineLog,
    );
    const connector = new ImapConnector({
      mailbox,
      submit: (doc) => submit(db, doc),
      log,
      maxBytes: 25 * 1024 * 1024,
      backoffMs: 100,
      batch: BATCH,
    });

    // The clock runs from the connector's start: it and the worker work at the same time, as in `serve`.
    const t0 = performance.now();
    const deadline = t0 + TIMEOUT_MS;
    const since = () => (performance.now() - t0) / 1000;
    let storedS: number | null = null;
    let movedS: number | null = null;
    let processedS: number | null = null;
    worker.start();
    connector.start();
    try {
      const s = connector.stats;
      if (await waitUntil(() => s.imported + s.duplicates + s.failed >= n, deadline, 5)) storedS = since();
      if (await waitUntil(async () => (await count('INBOX')) === 0, deadline, 50)) movedS = since();
      const finished = async () => {
        const [row] = await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM documents WHERE status IN ('processed', 'rejected')`,
        );
        return Number(row?.n ?? 0) >= n;
      };
      if (await waitUntil(finished, deadline, 100)) processedS = since();
    } finally {
      await connector.stop();
      await worker.stop();
    }
    console.log(`connector: ${JSON.stringify(connector.stats)}`);

    // Every message one document, moved out of INBOX into the processed folder, and one order.
    const problems: string[] = [];
    if (storedS === null || movedS === null || processedS === null)
      problems.push(`not finished within ${TIMEOUT_MS / 1000} s`);
    const [docs] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM documents WHERE channel = 'email'`,
    );
    const inbox = await count('INBOX');
    const processed = await count(mailbox.processedFolder);
    const failedFolder = await count(mailbox.failedFolder);
    if (Number(docs?.n) !== n) problems.push(`documents ${docs?.n}, expected ${n}`);
    if (inbox !== 0) problems.push(`${inbox} still in INBOX`);
    if (processed !== n) problems.push(`${processed} in ${mailbox.processedFolder}, expected ${n}`);
    if (failedFolder !== 0) problems.push(`${failedFolder} in ${mailbox.failedFolder}`);
    if (connector.stats.duplicates !== 0) problems.push(`${connector.stats.duplicates} re-delivered`);

    const rows = await db.query<{ po_number: string | null; n: number }>(
      `SELECT po_number, count(*)::int AS n FROM orders GROUP BY po_number`,
    );
    const got = new Map(rows.map((r) => [r.po_number ?? '(none)', Number(r.n)]));
    const expected = new Set(mails.map((m) => m.po));
    const lostPos = [...expected].filter((po) => !got.has(po));
    const extra = [...got].filter(([po, c]) => c > 1 || !expected.has(po));
    const duplicated = extra.reduce((s, [po, c]) => s + (expected.has(po) ? c - 1 : c), 0);

    const byStatus = async (table: string) =>
      (
        await db.query<{ status: string; n: number }>(
          `SELECT status, count(*)::int AS n FROM ${table} GROUP BY status ORDER BY status`,
        )
      )
        .map((r) => `${r.status} ${r.n}`)
        .join(', ') || 'none';
    console.log(
      `documents: ${await byStatus('documents')}; orders: ${await byStatus('orders')}; ` +
        `jobs left: ${await byStatus('jobs')}; INBOX ${inbox}, processed folder ${processed}, failed folder ${failedFolder}`,
    );
    if (lostPos.length > 0) {
      // Say where each lost one went missing: never stored, or stored and no order made of it.
      for (const po of lostPos.slice(0, 10)) {
        const [doc] = await db.query<{ id: number; status: string; status_reason: string | null }>(
          `SELECT id, status, status_reason FROM documents WHERE meta->>'subject' = $1`,
          [`Pedido ${po}`],
        );
        problems.push(
          doc
            ? `lost ${po}: document ${doc.id} ${doc.status}${doc.status_reason ? ` (${doc.status_reason})` : ''}, no order`
            : `lost ${po}: no document`,
        );
      }
      if (lostPos.length > 10) problems.push(`... and ${lostPos.length - 10} more lost`);
    }
    for (const [po, c] of extra.slice(0, 10))
      problems.push(expected.has(po) ? `${po}: ${c} orders` : `unexpected order ${po} (${c})`);

    console.log(`lost: ${lostPos.length}, duplicated: ${duplicated}`);
    for (const p of problems) console.log(`  FAIL ${p}`);
    return {
      kind,
      messages: n,
      avgKb,
      appendS,
      storedS,
      movedS,
      processedS,
      lost: lostPos.length,
      duplicated,
      ok: problems.length === 0,
    };
  } finally {
    await admin.logout().catch(() => {});
    await scratch?.close().catch((err) => console.error(`closing the database: ${(err as Error).message}`));
    await ocr.close();
    await imap.close();
  }
}

const rate = (n: number, s: number | null) => (s === null ? '-' : String(Math.round(n / s)));
const secs = (s: number | null) => (s === null ? '-' : s.toFixed(2));

console.log(
  `Mail through IMAP (Dovecot) and the whole pipeline on ${ENGINE}, worker concurrency ${CONCURRENCY}, ` +
    `fetch batch ${BATCH}, node ${process.version}`,
);
const results: Result[] = [];
let failure: unknown = null;
try {
  if (TEXT_MESSAGES > 0)
    results.push(
      await bench(
        'text body',
        Array.from({ length: TEXT_MESSAGES }, (_, i) => textMail(i)),
      ),
    );
  if (PDF_MESSAGES > 0) {
    const rnd = random(42);
    const mails: Mail[] = [];
    for (let i = 0; i < PDF_MESSAGES; i++) mails.push(await pdfMail(i, rnd));
    results.push(await bench('PDF attachment', mails));
  }
} catch (err) {
  failure = err;
}

if (results.length > 0) {
  const head = [
    'mail',
    'messages',
    'kB/msg',
    'append msg/s',
    'stored s',
    'imported msg/s',
    'processed s',
    'end-to-end msg/s',
    'lost',
    'duplicated',
  ];
  const table = results.map((r) => [
    r.kind,
    String(r.messages),
    r.avgKb.toFixed(1),
    rate(r.messages, r.appendS),
    secs(r.storedS),
    rate(r.messages, r.storedS),
    secs(r.processedS),
    rate(r.messages, r.processedS),
    String(r.lost),
    String(r.duplicated),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
  console.log('');
  for (const row of [head, ...table])
    console.log(row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
}
if (failure)
  console.error(
    `bench-mail failed: ${failure instanceof Error ? (failure.stack ?? failure.message) : String(failure)}`,
  );
if (failure || results.some((r) => !r.ok)) process.exitCode = 1;
