import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Config, loadConfig } from '../config.ts';
import type { Db } from '../db/db.ts';
import { createErpAdapter } from '../erp/adapters.ts';
import { OutboxDeliverer } from '../erp/deliverer.ts';
import { silentLogger } from '../log.ts';
import { importMasterData } from '../masterdata/import.ts';
import type { DocumentFormat } from '../formats/registry.ts';
import type { PipelineOptions } from '../pipeline/process.ts';
import { DocumentWorker } from '../worker/document-worker.ts';
import { projectPath } from '../project-root.ts';
import { createTestDatabase } from './db.ts';

// From the project folder, so a compiled bench (dist/scripts) finds the same fixtures as the sources.
export const FIXTURES = projectPath('fixtures');
export const DEMO_MASTER_DATA = join(FIXTURES, 'masterdata');

/** A whole pipeline on a fresh test database: worker, ERP deliverer, file adapter in a temp dir. */
export interface TestPipeline {
  db: Db;
  config: Config;
  dir: string;
  /** PostgreSQL URL of the test database, for child processes; null on PGlite. */
  url: string | null;
  worker: DocumentWorker;
  deliverer: OutboxDeliverer;
  /** Runs the pipeline, then ERP delivery, until nothing is left to do now. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export async function createTestPipeline(
  overrides: Record<string, unknown> = {},
  masterData: string | null = DEMO_MASTER_DATA,
  /** The formats, or a function making them for the test database (formats that read from it). */
  formats?: readonly DocumentFormat[] | ((db: Db) => readonly DocumentFormat[]),
  /** Queue order confirmations as the service does (e-mail only with `confirm.smtpUrl` set). */
  opts: { confirm?: boolean } = {},
): Promise<TestPipeline> {
  const t = await createTestDatabase();
  const dir = await mkdtemp(join(tmpdir(), 'oc-e2e-'));
  const config = loadConfig(
    {},
    { dataDir: dir, 'erp.backoffBaseMs': 5, 'erp.backoffMaxMs': 20, ...overrides },
  );
  if (masterData) await importMasterData(t.db, masterData);
  const pipeline: PipelineOptions = {
    db: t.db,
    log: silentLogger,
    validation: config.validation,
    acceptThreshold: config.acceptThreshold,
    deliverTo: config.erp.adapter,
    formats: typeof formats === 'function' ? formats(t.db) : formats,
    sla: config.sla,
    identity: config.identity,
    ...(opts.confirm
      ? { confirm: { email: config.confirm.smtpUrl !== null, ordrsp: config.confirm.ediEnabled } }
      : {}),
  };
  const worker = new DocumentWorker(pipeline, config.worker, silentLogger);
  const adapter = createErpAdapter(config.erp);
  const deliverer = new OutboxDeliverer({
    db: t.db,
    adapter,
    config: config.erp,
    workerId: 'test-erp',
    log: silentLogger,
  });
  return {
    db: t.db,
    config,
    dir,
    url: t.url,
    worker,
    deliverer,
    settle: async () => {
      await worker.runUntilIdle();
      while ((await deliverer.runOnce()) > 0);
    },
    close: async () => {
      await worker.stop();
      await deliverer.stop();
      await adapter.close?.();
      await t.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
