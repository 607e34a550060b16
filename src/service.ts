import { connectorsFor } from '../connectors/index.ts';
import type { Config } from './config.ts';
import type { Db } from './db/db.ts';
import { openDatabase } from './db/open.ts';
import { confirmationChannels } from './confirm/senders.ts';
import { createErpAdapter } from './erp/adapters.ts';
import { OutboxDeliverer } from './erp/deliverer.ts';
import { buildServer } from './app.ts';
import type { Logger } from './log.ts';
import { ConfirmationSender } from './confirm/sender.ts';
import { allFormats } from './formats/registry.ts';
import { templatesFrom } from './pipeline/templates-source.ts';
import { withAs2Certificates } from './formats/structured.ts';
import { learnedTemplates } from './pipeline/templates-source.ts';
import { learnedLayouts } from './learn/store.ts';
import { submit } from './pipeline/submit.ts';
import { createOcrEngine } from './ocr/index.ts';
import { RetentionSweeper } from './archive/retention.ts';
import { Heartbeat, type Monitored } from './monitor/status.ts';
import { startMonitorServer } from './monitor/server.ts';
import { DocumentWorker, newWorkerId } from './worker/document-worker.ts';
import { ReaderPool } from './worker/reader-pool.ts';

/** Something `serve` starts and must stop in reverse order on shutdown. */
interface Part {
  name: string;
  stop(): Promise<void>;
}

export interface RunningService {
  db: Db;
  /** Where the HTTP server listens; null when this process has no `api` role. */
  url: string | null;
  stop(): Promise<void>;
}

/** Starts the parts the configuration switches on: workers, ERP delivery, drop folders, HTTP. */
export async function startService(config: Config, log: Logger): Promise<RunningService> {
  const db = await openDatabase(config);
  const parts: Part[] = [{ name: 'database', stop: () => db.close() }];
  // What this process reports in its heartbeat (connectors, workers).
  const monitored: Monitored[] = [];
  try {
    if (config.roles.has('worker')) {
      const ocr = createOcrEngine({ workers: config.ocr.workers });
      parts.push({ name: 'OCR engine', stop: () => ocr.close() });
      const templates = learnedTemplates(db, templatesFrom(config.templatesDir, log));
      const layouts = learnedLayouts(db);
      // Documents are read in threads of their own: one costly document cannot stall the HTTP
      // server, the lease renewals or the other jobs of this process.
      const reader =
        config.worker.readerThreads > 0
          ? new ReaderPool({
              threads: config.worker.readerThreads,
              budgetMs: config.worker.readBudgetMs,
              ocr,
              templates,
              layouts,
              limits: config.documents,
              log: log.child({ component: 'reader' }),
            })
          : null;
      // Threads start with the first PDF, fax, image or e-mail, not with the service: loading every
      // reader in a thread takes seconds of CPU, which a process that never reads one need not pay.
      if (reader) parts.push({ name: 'document readers', stop: () => reader.close() });
      const worker = new DocumentWorker(
        {
          db,
          log,
          validation: config.validation,
          acceptThreshold: config.acceptThreshold,
          deliverTo: config.erp.adapter,
          formats: withAs2Certificates(
            allFormats(ocr, templates, config.documents, layouts),
            config.as2.certificates,
          ),
          ...(reader ? { reader } : {}),
          confirm: confirmationChannels(config.confirm),
          sla: config.sla,
          identity: config.identity,
        },
        config.worker,
        log,
      );
      worker.start();
      monitored.push(worker);
      parts.push({ name: 'document worker', stop: () => worker.stop() });

      const confirmations = new ConfirmationSender({
        db,
        log: log.child({ component: 'confirmations' }),
        ...config.confirm,
        pollMs: config.worker.pollMs,
      });
      if (config.retention.days !== null) {
        const sweeper = new RetentionSweeper(
          db,
          {
            days: config.retention.days,
            batch: config.retention.batch,
            intervalMs: config.retention.sweepMs,
            actor: 'system:retention',
          },
          log.child({ component: 'retention' }),
        );
        sweeper.start();
        parts.push({ name: 'retention sweeper', stop: () => sweeper.stop() });
      }

      confirmations.start();
      parts.push({ name: 'confirmations', stop: () => confirmations.stop() });

      const adapter = createErpAdapter(config.erp);
      await adapter.ready?.();
      const deliverer = new OutboxDeliverer({
        db,
        adapter,
        config: config.erp,
        workerId: newWorkerId('erp'),
        log,
        leaseMs: config.erp.leaseMs,
        pollMs: config.worker.pollMs,
        concurrency: config.erp.concurrency,
      });
      deliverer.start();
      monitored.push(deliverer);
      parts.push({
        name: 'ERP delivery',
        stop: async () => {
          await deliverer.stop();
          await adapter.close?.();
        },
      });
    }
    if (config.roles.has('connectors')) {
      for (const c of connectorsFor(config, log)) {
        await c.start((doc) => submit(db, doc));
        monitored.push(c);
        parts.push({ name: c.name, stop: () => c.stop() });
      }
    }
    let url: string | null = null;
    if (config.roles.has('api')) {
      const server = await buildServer({ db, config, log });
      url = await server.listen({ host: config.host, port: config.port });
      parts.push({ name: 'HTTP server', stop: () => server.close() });
    }
    if (!config.roles.has('api') && config.monitor.metricsPort !== null) {
      const monitor = await startMonitorServer({ db, config, log }, config.monitor.metricsPort);
      parts.push({ name: 'metrics server', stop: () => monitor.close() });
    }
    const heartbeat = new Heartbeat(db, [...config.roles], () => monitored, config.monitor.heartbeatMs, log);
    await heartbeat.start();
    parts.push({ name: 'heartbeat', stop: () => heartbeat.stop() });
    log.info('order-capture running', { url, roles: [...config.roles], database: db.engine });
    return { db, url, stop: () => stopAll(parts, log) };
  } catch (err) {
    await stopAll(parts, log);
    throw err;
  }
}

async function stopAll(parts: Part[], log: Logger): Promise<void> {
  for (const part of [...parts].reverse()) {
    try {
      await part.stop();
    } catch (err) {
      log.error(`stopping ${part.name} failed`, { err });
    }
  }
}
