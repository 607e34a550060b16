/**
 * The database restarts while documents arrive and are processed, on a real PostgreSQL cluster of
 * the test's own (the shared server other tests use is never touched): once stopped hard
 * (`immediate`, a crash: WAL recovery at start) and once restarted cleanly (`fast`). Connectors,
 * workers and the ERP deliverer must come back by themselves, losing nothing and doing nothing
 * twice, and /health must say the database is gone while it is, and ok after.
 *
 * PostgreSQL only: PGlite runs inside the process, so it cannot restart under a running service;
 * its "restart" is the process's own, which src/worker/crash.db.test.ts covers.
 */
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DropFolder } from '../../connectors/drop-folder/index.ts';
import { type Config, loadConfig } from '../config.ts';
import { OutboxDeliverer } from '../erp/deliverer.ts';
import { HttpErpAdapter } from '../erp/http-adapter.ts';
import { buildServer } from '../app.ts';
import { silentLogger } from '../log.ts';
import { importMasterData } from '../masterdata/import.ts';
import { FORMATS } from '../formats/registry.ts';
import { submit } from '../pipeline/submit.ts';
import { testEngine } from '../testing/db.ts';
import { interchange } from '../testing/edifact-gen.ts';
import { type ErpServer, startErpServer } from '../testing/erp-server.ts';
import { DEMO_MASTER_DATA } from '../testing/pipeline.ts';
import {
  createPrivateDatabase,
  PG_BIN,
  type PrivatePostgres,
  startPrivatePostgres,
} from '../testing/private-pg.ts';
import { DocumentWorker } from '../worker/document-worker.ts';
import type { Db } from './db.ts';
import { migrate } from './migrate.ts';
import { openPostgres } from './postgres.ts';
import { waitFor } from '../testing/wait.ts';

const DOCUMENTS = 60;

const skipReason =
  testEngine !== 'postgres'
    ? 'PGlite is embedded: there is no server to restart under the service (ORDERCAP_TEST_DB=postgres runs this)'
    : PG_BIN === null
      ? 'PostgreSQL server binaries (initdb, pg_ctl) not found; set ORDERCAP_PG_BIN'
      : null;

/** Waits through an outage: a check that fails because the database is down counts as not yet. */
const waitThrough = (what: string, check: () => Promise<boolean>, timeoutMs = 30_000) =>
  waitFor(what, () => check().catch(() => false), timeoutMs);

describe.skipIf(skipReason !== null)(
  `database restarted under load${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    let cluster: PrivatePostgres;
    let db: Db;
    let erp: ErpServer;
    let app: FastifyInstance;
    let dataDir: string;
    let config: Config;

    beforeAll(async () => {
      cluster = await startPrivatePostgres();
      db = await openPostgres(await createPrivateDatabase(cluster, 'oc_restart'), 8);
      await migrate(db);
      await importMasterData(db, DEMO_MASTER_DATA);
      erp = await startErpServer();
      dataDir = await mkdtemp(join(tmpdir(), 'oc-restart-'));
      config = loadConfig(
        {},
        {
          dataDir,
          'worker.pollMs': 20,
          'worker.leaseMs': 2000,
          'erp.adapter': 'http',
          'erp.httpUrl': erp.url,
          'erp.timeoutMs': 1000,
          'erp.leaseMs': 2000,
          'erp.backoffBaseMs': 10,
          'erp.backoffMaxMs': 200,
          'erp.maxAttempts': 1000,
        },
      );
      app = await buildServer({ db, config, log: silentLogger });
    }, 60_000);
    afterAll(async () => {
      await app?.close();
      await db?.close();
      await erp?.close();
      await cluster?.close();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    });

    const health = async () => {
      const res = await app.inject({ method: 'GET', url: '/health' });
      return { code: res.statusCode, body: res.json() as { status: string; database: string } };
    };
    const count = async (sql: string) => (await db.query<{ n: number }>(sql))[0]!.n;

    it('loses no document, processes none twice, and recovers by itself', async () => {
      const worker = new DocumentWorker(
        {
          db,
          log: silentLogger,
          validation: config.validation,
          acceptThreshold: config.acceptThreshold,
          deliverTo: 'http',
          formats: FORMATS,
          sla: config.sla,
        },
        config.worker,
        silentLogger,
      );
      const deliverer = new OutboxDeliverer({
        db,
        adapter: new HttpErpAdapter({ url: erp.url, timeoutMs: config.erp.timeoutMs }),
        config: config.erp,
        workerId: 'restart-erp',
        log: silentLogger,
        leaseMs: config.erp.leaseMs,
        pollMs: 20,
      });

      // The EDIFACT drop folder, as the service runs it: a file stays in the folder until submit()
      // has stored it, and a scan that fails is simply repeated at the next poll.
      const inbox = join(dataDir, 'edi-in');
      await mkdir(inbox, { recursive: true });
      let submitted = 0;
      let submitErrors = 0;
      const folder = new DropFolder({
        dir: inbox,
        channel: 'edi',
        stableMs: 0,
        pollMs: 20,
        maxBytes: 1_000_000,
        log: silentLogger,
        submit: async (d) => {
          try {
            const result = await submit(db, d);
            submitted++;
            return result;
          } catch (err) {
            submitErrors++;
            throw err;
          }
        },
      });
      // A trading partner's translator writes one interchange after another (written, then renamed).
      const partner = (async () => {
        for (let i = 0; i < DOCUMENTS; i++) {
          const edi = interchange([
            {
              poNumber: `RST-${i}`,
              buyerGln: '8412345000003',
              lines: [{ sku: 'TOR-M8-40', quantity: 300, unitPrice: 0.12 }],
            },
          ]);
          const name = `restart-${String(i).padStart(3, '0')}.edi`;
          await writeFile(join(inbox, `${name}.tmp`), edi);
          await rename(join(inbox, `${name}.tmp`), join(inbox, name));
          await new Promise((r) => setTimeout(r, 10));
        }
      })();
      await folder.start();

      worker.start();
      deliverer.start();
      const restarts: string[] = [];
      try {
        // 1. A crash of the server (immediate: no clean shutdown, WAL recovery on start).
        await waitThrough('a third submitted', async () => submitted >= DOCUMENTS / 3);
        await cluster.stop('immediate');
        const down = await health();
        expect(down.code).toBe(503);
        expect(down.body).toMatchObject({ status: 'error', database: 'unavailable' });
        const errorsBefore = submitErrors;
        await waitThrough('the connector to meet the outage', async () => submitErrors > errorsBefore);
        await cluster.start();
        restarts.push('immediate');

        // 2. A clean restart, with work in every stage.
        await waitThrough('two thirds submitted', async () => submitted >= (2 * DOCUMENTS) / 3);
        await cluster.restart('fast');
        restarts.push('fast');

        await partner;
        await waitThrough(
          'every file taken, every document final and every order delivered',
          async () =>
            (await readdir(join(inbox, 'processed'))).length === DOCUMENTS &&
            (await count(
              `SELECT count(*)::int AS n FROM documents WHERE status IN ('processed', 'rejected')`,
            )) === DOCUMENTS &&
            (await count(`SELECT count(*)::int AS n FROM erp_outbox WHERE status = 'delivered'`)) ===
              DOCUMENTS,
          45_000,
        );
      } finally {
        await partner.catch(() => {});
        await folder.stop();
        await worker.stop();
        await deliverer.stop();
      }

      expect(restarts).toEqual(['immediate', 'fast']);
      expect(submitErrors).toBeGreaterThan(0);
      expect((await readdir(join(inbox, 'processed'))).length).toBe(DOCUMENTS);
      expect(await readdir(join(inbox, 'failed'))).toEqual([]);
      const up = await health();
      expect(up.code).toBe(200);
      expect(up.body).toMatchObject({ status: 'ok', database: 'ok' });

      // Nothing lost, nothing twice.
      const docs = await db.query<{ source_ref: string; status: string }>(
        `SELECT source_ref, status FROM documents ORDER BY id`,
      );
      expect(docs).toHaveLength(DOCUMENTS);
      expect(new Set(docs.map((d) => d.source_ref)).size).toBe(DOCUMENTS);
      expect(docs.every((d) => d.status === 'processed')).toBe(true);
      const orders = await db.query<{ po_number: string; status: string }>(
        `SELECT po_number, status FROM orders`,
      );
      expect(orders.map((o) => o.po_number).sort()).toEqual(
        Array.from({ length: DOCUMENTS }, (_, i) => `RST-${i}`).sort(),
      );
      expect(orders.every((o) => o.status === 'delivered')).toBe(true);
      const kinds = await db.query<{ kind: string; n: number }>(
        `SELECT kind, count(*)::int AS n FROM events GROUP BY kind`,
      );
      expect(Object.fromEntries(kinds.map((k) => [k.kind, k.n]))).toMatchObject({
        'document.received': DOCUMENTS,
        'document.processed': DOCUMENTS,
        'order.accepted': DOCUMENTS,
        'order.delivered': DOCUMENTS,
      });
      expect(await count(`SELECT count(*)::int AS n FROM jobs`)).toBe(0);
      // In the ERP once each: a resend after a lost result is answered from its idempotency store.
      expect(erp.received).toHaveLength(DOCUMENTS);
      expect(new Set(erp.received.map((r) => (r.body as { poNumber: string }).poNumber)).size).toBe(
        DOCUMENTS,
      );
    }, 90_000);
  },
);
