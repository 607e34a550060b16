/**
 * The fault-injection harness: one scenario is a fresh database, a mixed batch of documents
 * waiting at the connectors (EDIFACT and fax drop folders, an IMAP folder on a real Dovecot), an
 * `order-capture serve` process started with one fault armed (`ORDERCAP_FAULT=point@n`) until it
 * kills itself, then restarted without it until everything has settled, and the invariant
 * checked over the whole database (./fault-invariants.ts). Used by the CI suite
 * (src/worker/fault-injection.slow.db.test.ts) and at full length by scripts/chaos.ts.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ImapFlow } from 'imapflow';
import { orderMail } from '../formats/email/testing.ts';
import type { Db } from '../db/db.ts';
import { openDatabase } from '../db/open.ts';
import { FAX_LINES, faxTiff } from '../documents/testing.ts';
import { importMasterData } from '../masterdata/import.ts';
import { createTestDatabase, type TestDatabase, testEngine } from './db.ts';
import { DOVECOT, freePort, startDovecot, type TestImapServer, withImapClient } from './dovecot.ts';
import { interchange } from './edifact-gen.ts';
import { type ErpServer, startErpServer } from './erp-server.ts';
import { checkInvariant, type Expected, type InvariantReport, pendingWork } from './fault-invariants.ts';
import { DEMO_MASTER_DATA } from './pipeline.ts';

const BIN = fileURLToPath(new URL('../../bin/order-capture.js', import.meta.url));
const C042_GLN = '8412345000003';
const MAX_RESTARTS = 8;

/** What waits at the connectors when the process starts. */
export interface ChaosBatch {
  /** EDIFACT interchanges dropped in the EDI folder, `perFile` ORDERS messages each (>= 2). */
  ediFiles: number;
  perFile: number;
  /** Pages of one fax dropped in the fax folder (read by OCR); 0: no fax. */
  faxPages: number;
  /** Order e-mails waiting in an IMAP folder (needs `imap`). */
  mails: number;
}

export interface Scenario {
  /** `point` or `point@n`: the n-th time the point is reached, the process is killed. */
  fault: string;
  batch: ChaosBatch;
}

/** Shared by all scenarios of a run: one Dovecot, fax images rendered once, one seeded PGlite. */
export interface ChaosShared {
  imap: TestImapServer | null;
  faxes: Map<number, Buffer>;
  /** PGlite only: a data folder whose database holds the demo master data, copied per scenario. */
  seedDir: string | null;
  close(): Promise<void>;
}

/** Starts what all scenarios share; `imap`: a Dovecot, where one is installed. */
export async function startChaos(opts: { imap: boolean }): Promise<ChaosShared> {
  const imap = opts.imap && DOVECOT ? await startDovecot() : null;
  let seedDir: string | null = null;
  if (testEngine === 'pglite') {
    seedDir = await mkdtemp(join(tmpdir(), 'oc-fault-seed-'));
    const db = await openDatabase({ databaseUrl: null, dataDir: seedDir });
    await importMasterData(db, DEMO_MASTER_DATA);
    await db.close();
  }
  return {
    imap,
    faxes: new Map(),
    seedDir,
    close: async () => {
      await imap?.close();
      if (seedDir) await rm(seedDir, { recursive: true, force: true });
    },
  };
}

export interface ScenarioReport extends InvariantReport {
  fault: string;
  /** True when the armed process died by SIGKILL at the point; false: it was never reached. */
  killed: boolean;
  /** Clean runs it took to settle after the kill. */
  restarts: number;
  /** What the processes said on stderr (errors only), for a failing scenario's message. */
  log: string;
}

/** Runs one scenario; throws only when the harness itself cannot go on. */
export async function runScenario(
  shared: ChaosShared,
  scenario: Scenario,
  tag: string,
): Promise<ScenarioReport> {
  const dir = await mkdtemp(join(tmpdir(), 'oc-fault-'));
  const erp = await startErpServer();
  const pg = testEngine === 'postgres' ? await createTestDatabase() : null;
  const run = new ScenarioRun(shared, scenario, dir, erp, pg, tag);
  try {
    return await run.execute();
  } finally {
    run.killAll();
    await erp.close();
    await pg?.close();
    await rm(dir, { recursive: true, force: true });
  }
}

class ScenarioRun {
  private readonly folder: string;
  private log = '';
  private port = 0;
  private readonly children = new Set<ChildProcess>();

  constructor(
    private readonly shared: ChaosShared,
    private readonly scenario: Scenario,
    private readonly dir: string,
    private readonly erp: ErpServer,
    private readonly pg: TestDatabase | null,
    private readonly tag: string,
  ) {
    this.folder = `chaos-${tag}`;
  }

  async execute(): Promise<ScenarioReport> {
    if (this.pg) await importMasterData(this.pg.db, DEMO_MASTER_DATA);
    else await cp(join(this.shared.seedDir!, 'pglite'), join(this.dir, 'pglite'), { recursive: true });
    const expected = await this.prepareInputs();
    this.port = await freePort();

    const armed = this.start(this.scenario.fault);
    const first = await this.untilExitOrQuiet(armed);
    const killed = first === 'SIGKILL';
    if (first === 'quiet') await this.stop(armed);
    for (let restarts = 1; ; restarts++) {
      const child = this.start(null);
      const state = await this.untilExitOrQuiet(child);
      if (state !== 'quiet') throw new Error(`clean run ended by itself (${state})\n${this.log}`);
      await this.stop(child);
      const report = await this.withDb(async (db) => {
        const pending = await pendingWork(db, this.inputState());
        if (pending.length > 0 && restarts < MAX_RESTARTS) return null;
        const r = await checkInvariant(db, {
          expected,
          erp: this.erp,
          ediDir: join(this.dir, 'outbox', 'edifact'),
        });
        if (pending.length > 0) r.violations.push(`not settled after ${restarts} clean runs: ${pending}`);
        return r;
      });
      if (!report) continue;
      report.violations.push(...(await this.connectorViolations(expected)));
      return { ...report, fault: this.scenario.fault, killed, restarts, log: this.log };
    }
  }

  private async stop(child: ChildProcess): Promise<void> {
    child.kill('SIGTERM');
    const code = await exited(child);
    if (code !== 0) throw new Error(`a clean run did not stop cleanly (${code})\n${this.log}`);
  }

  /** A harness error leaves no process behind. */
  killAll(): void {
    for (const child of this.children) child.kill('SIGKILL');
  }

  /** On PGlite the folder is one process's at a time: open it only while no child runs. */
  private async withDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    if (this.pg) return fn(this.pg.db);
    const db = await openDatabase({ databaseUrl: null, dataDir: this.dir });
    try {
      return await fn(db);
    } finally {
      await db.close();
    }
  }

  private async prepareInputs(): Promise<Expected> {
    const { batch } = this.scenario;
    const ediDir = join(this.dir, 'inbox', 'edifact');
    const faxDir = join(this.dir, 'inbox', 'fax');
    await mkdir(ediDir, { recursive: true });
    await mkdir(faxDir, { recursive: true });
    const expected: Expected = { files: [], mails: [], duplicatePo: null };
    for (let f = 0; f < batch.ediFiles; f++) {
      const pos = Array.from({ length: batch.perFile }, (_, m) => `PO-${this.tag}-E${f}-${m}`);
      // The second file repeats the first file's first PO: one of the two goes to review.
      if (f === 1) pos[0] = `PO-${this.tag}-E0-0`;
      const messages = pos.map((poNumber, m) => ({
        poNumber,
        buyerGln: C042_GLN,
        // The last message of the first file names a SKU nobody knows: review.
        lines: [
          {
            sku: f === 0 && m === pos.length - 1 ? 'NO-SUCH-SKU' : 'TOR-M8-40',
            quantity: 300,
            unitPrice: 0.12,
          },
        ],
      }));
      const name = `orders-${f}.edi`;
      await writeFile(join(ediDir, name), interchange(messages, { controlRef: String(f + 1) }));
      expected.files.push({ channel: 'edi', name, pos });
    }
    if (batch.ediFiles > 1) expected.duplicatePo = `PO-${this.tag}-E0-0`;
    // Cut off in the middle of a segment: rejected, never an order.
    await writeFile(join(ediDir, 'broken.edi'), `UNA:+.? 'UNB+UNOC:3+${C042_GLN}:14+8400000000017:14+2611`);
    expected.files.push({ channel: 'edi', name: 'broken.edi', pos: [] });
    if (batch.faxPages > 0) {
      const name = 'fax-+34912345678-0001.tif';
      await writeFile(join(faxDir, name), await this.fax(batch.faxPages));
      expected.files.push({ channel: 'fax', name, pos: null });
    }
    if (batch.mails > 0) {
      if (!this.shared.imap) throw new Error('this scenario needs an IMAP server');
      await this.imap(async (client) => {
        await client.mailboxCreate(this.folder);
        for (let i = 0; i < batch.mails; i++) {
          const po = `PO-${this.tag}-M${i}`;
          await client.append(this.folder, orderMail(po));
          expected.mails.push({ messageId: `<${po}@ferreterialopez.es>`, po });
        }
      });
    }
    return expected;
  }

  private async fax(pages: number): Promise<Buffer> {
    let tiff = this.shared.faxes.get(pages);
    if (!tiff) {
      const more = ['PEDIDO (continuacion)', 'Observaciones: entregar por la manana'];
      tiff = await faxTiff([FAX_LINES, ...Array.from({ length: pages - 1 }, () => more)], 'normal');
      this.shared.faxes.set(pages, tiff);
    }
    return tiff;
  }

  private imap<T>(fn: (client: ImapFlow) => Promise<T>): Promise<T> {
    return withImapClient(this.shared.imap!, fn);
  }

  private async imapCount(folder: string): Promise<number> {
    if (this.scenario.batch.mails === 0) return 0;
    return this.imap(async (c) => {
      const status = await c.status(folder, { messages: true });
      return status ? (status.messages ?? 0) : 0;
    });
  }

  /** Files still waiting in the drop folders and mails still in the IMAP folder. */
  private inputState = () => ({
    waitingFiles: () => waitingFiles(this.dir),
    waitingMails: () => this.imapCount(this.folder),
  });

  private start(fault: string | null): ChildProcess {
    const imap = this.shared.imap;
    const child = spawn(process.execPath, [BIN, 'serve'], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        ORDERCAP_DATA_DIR: this.dir,
        ...(this.pg?.url ? { DATABASE_URL: this.pg.url } : {}),
        ...(fault ? { ORDERCAP_FAULT: fault } : {}),
        ORDERCAP_ROLES: 'api,worker,connectors',
        HOST: '127.0.0.1',
        PORT: String(this.port),
        ORDERCAP_LOG_LEVEL: 'error',
        ORDERCAP_WORKER_LEASE_MS: '1000',
        ORDERCAP_WORKER_POLL_MS: '50',
        ORDERCAP_DROP_STABLE_MS: '0',
        ORDERCAP_DROP_POLL_MS: '50',
        ORDERCAP_OCR_WORKERS: '1',
        // Documents are read in the worker's own thread here: a reader thread costs ~20 s to
        // start under tsx, paid again after every kill. The kill points and the invariant do not
        // depend on where reading runs; the thread pool has its own tests (reader-pool.test.ts).
        ORDERCAP_READER_THREADS: process.env.ORDERCAP_CHAOS_READER_THREADS ?? '0',
        ORDERCAP_ERP_ADAPTER: 'http',
        ORDERCAP_ERP_URL: this.erp.url,
        ORDERCAP_ERP_TIMEOUT_MS: '500',
        ORDERCAP_ERP_LEASE_MS: '1000',
        ORDERCAP_ERP_BACKOFF_MS: '10',
        ORDERCAP_ERP_BACKOFF_MAX_MS: '500',
        ORDERCAP_CONFIRM_LEASE_MS: '1000',
        ORDERCAP_CONFIRM_BACKOFF_MS: '10',
        ORDERCAP_CONFIRM_BACKOFF_MAX_MS: '500',
        ...(this.scenario.batch.mails > 0 && imap
          ? {
              ORDERCAP_IMAP_URLS: `imap://${imap.user}:${imap.password}@${imap.host}:${imap.port}/${this.folder}`,
              ORDERCAP_IMAP_POLL_MS: '200',
            }
          : {}),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    child.stderr?.on('data', (d: Buffer) => {
      this.log = (this.log + d.toString()).slice(-20_000);
    });
    return child;
  }

  /**
   * Waits until the process exits (its exit signal or code) or has nothing left to do: nothing
   * waiting at the connectors, no job queued, no order waiting for the ERP, three looks in a row.
   */
  private async untilExitOrQuiet(child: ChildProcess): Promise<NodeJS.Signals | number | null | 'quiet'> {
    let exit: NodeJS.Signals | number | null | undefined;
    const done = exited(child).then((e) => {
      exit = e;
    });
    let calm = 0;
    while (exit === undefined) {
      await Promise.race([done, new Promise((r) => setTimeout(r, 100))]);
      if (exit !== undefined) break;
      calm = (await this.looksIdle()) ? calm + 1 : 0;
      if (calm >= 3) return 'quiet';
    }
    return exit;
  }

  private async looksIdle(): Promise<boolean> {
    try {
      if ((await waitingFiles(this.dir)) > 0 || (await this.imapCount(this.folder)) > 0) return false;
      const base = `http://127.0.0.1:${this.port}`;
      const health = (await (await fetch(`${base}/health`)).json()) as {
        queue?: { pending?: number };
        outbox?: { pending?: number };
      };
      if (health.queue?.pending !== 0) return false;
      if (health.outbox) return health.outbox.pending === 0;
      const metrics = await (await fetch(`${base}/metrics`)).text();
      return Number(/^ordercap_outbox_pending (\d+)/m.exec(metrics)?.[1] ?? 0) === 0;
    } catch {
      return false;
    }
  }

  /** Every input file left its drop folder once; every mail left the IMAP folder once. */
  private async connectorViolations(expected: Expected): Promise<string[]> {
    const out: string[] = [];
    if ((await waitingFiles(this.dir)) > 0) out.push('files left in a drop folder');
    for (const channel of ['edi', 'fax'] as const) {
      const sub = channel === 'edi' ? 'edifact' : 'fax';
      const want = expected.files
        .filter((f) => f.channel === channel)
        .map((f) => f.name)
        .sort();
      const got = (await readdir(join(this.dir, 'inbox', sub, 'processed'))).sort();
      if (got.join() !== want.join()) out.push(`${sub} processed/ holds [${got}], expected [${want}]`);
    }
    if (expected.mails.length > 0) {
      const left = await this.imapCount(this.folder);
      const moved = await this.imapCount(`${this.folder}/Processed`);
      if (left !== 0 || moved !== expected.mails.length) {
        out.push(`IMAP: ${left} mails left, ${moved} processed, expected 0 and ${expected.mails.length}`);
      }
    }
    return out;
  }
}

function exited(child: ChildProcess): Promise<NodeJS.Signals | number | null> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve(child.signalCode ?? child.exitCode);
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
}

async function waitingFiles(dir: string): Promise<number> {
  let n = 0;
  for (const sub of ['edifact', 'fax']) {
    const entries = await readdir(join(dir, 'inbox', sub), { withFileTypes: true }).catch(() => []);
    n += entries.filter((e) => e.isFile() && !e.name.startsWith('.')).length;
  }
  return n;
}
