import { hostname } from 'node:os';
import PQueue from 'p-queue';
import type { WorkerConfig } from '../config.ts';
import { faultPoint } from '../faults.ts';
import { type Logger, withLogFields } from '../log.ts';
import { HealthState, type Monitored, type PartHealth } from '../monitor/status.ts';
import { claimJobs, extendLease, failJob, type Job, releaseJobs } from '../queue/jobs.ts';
import { PollLoop } from '../queue/poll-loop.ts';
import { onWork } from '../queue/signal.ts';
import { type PipelineOptions, processDocument } from '../pipeline/process.ts';
import { finding } from '../domain/findings.ts';
import { OrderCaptureError } from '../errors.ts';
import { logEvent } from '../store/events.ts';
import { insertFindings } from '../store/orders.ts';

export function newWorkerId(role = 'worker'): string {
  return `${role}:${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * Takes `process_document` jobs from the durable queue and runs the pipeline on them, at most
 * `concurrency` at once (p-queue). Claims only as many jobs as it has free slots, so a busy
 * worker leaves the rest of the queue to other processes.
 */
export class DocumentWorker implements Monitored {
  readonly kind = 'worker';
  readonly id: string;
  private readonly state = new HealthState();
  private readonly queue: PQueue;
  /** Jobs running in this worker now. */
  private readonly inFlight = new Set<number>();
  /** A suspect job runs, and nothing beside it (see `claimJobs`). */
  private alone = false;
  private readonly loop: PollLoop;

  constructor(
    private readonly pipeline: PipelineOptions,
    private readonly config: WorkerConfig,
    private readonly log: Logger,
    id = newWorkerId(),
  ) {
    this.id = id;
    this.queue = new PQueue({ concurrency: config.concurrency });
    this.loop = new PollLoop({
      round: () => this.round(),
      pollMs: config.pollMs,
      wakeOn: onWork,
      log,
      what: 'claiming jobs',
      onRound: (err) => {
        if (err) this.state.set('failing', `cannot claim jobs: ${(err as Error)?.message ?? String(err)}`);
        else if (this.state.get().state === 'failing') this.state.set('running');
      },
    });
  }

  get name(): string {
    return `document worker ${this.id}`;
  }

  health(): PartHealth {
    return this.state.get();
  }

  start(): void {
    if (this.loop.started) return;
    this.state.set('running');
    this.loop.start();
  }

  /** Stops claiming, then waits for the jobs in hand to finish. */
  async stop(): Promise<void> {
    await this.loop.stop();
    await this.queue.onIdle();
    this.state.set('stopped');
  }

  /** Processes until no job is ready (CLI `extract`, tests). Returns the number of jobs run. */
  async runUntilIdle(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.claimAndRun();
      await this.queue.onIdle();
      if (n === 0) return total;
      total += n;
    }
  }

  /** One claim; when it took jobs, returns once a slot is free for the next claim. */
  private async round(): Promise<number> {
    const claimed = await this.claimAndRun();
    if (claimed > 0) {
      await this.queue.onSizeLessThan(1);
      if (this.queue.pending >= this.config.concurrency) await waitForFreeSlot(this.queue);
    }
    return claimed;
  }

  private async claimAndRun(): Promise<number> {
    const busy = this.queue.pending + this.queue.size;
    const free = this.alone ? 0 : this.config.concurrency - busy;
    if (free <= 0) return 0;
    const claimed = await claimJobs(
      this.pipeline.db,
      this.id,
      ['process_document'],
      free,
      this.config.leaseMs,
    );
    if (claimed.length > 0) faultPoint('worker.after-claim');
    const jobs = this.aloneIfSuspect(claimed, busy);
    await releaseJobs(
      this.pipeline.db,
      claimed.filter((j) => !jobs.includes(j)),
    );
    if (jobs.length === 1 && jobs[0]!.suspect) this.alone = true;
    for (const job of jobs) {
      // Its lease ran out while it ran here (a stall) and this worker took it back: the run in
      // hand goes on under the same holder name; a second run would only race it.
      if (this.inFlight.has(job.id)) continue;
      this.inFlight.add(job.id);
      // Every line logged while this job runs, by any module, names its document.
      void this.queue.add(() =>
        withLogFields({ documentId: job.document_id, jobId: job.id }, () => this.runJob(job)),
      );
    }
    return jobs.length;
  }

  /**
   * A suspect (a job whose worker died with it, or beside it) runs alone: taken only when nothing
   * else runs here, with nothing beside it, the rest of the claim handed back. If it kills the
   * process again, only its own attempts are spent: a document that crashes its worker every time
   * is given up by itself, and the documents that happened to share its first fatal batch are
   * processed normally.
   */
  private aloneIfSuspect(claimed: Job[], busy: number): Job[] {
    const suspect = claimed.find((j) => j.suspect && !this.inFlight.has(j.id));
    if (!suspect) return claimed;
    return busy > 0 ? claimed.filter((j) => !j.suspect) : [suspect];
  }

  private async runJob(job: Job): Promise<void> {
    const stopRenewing = this.keepLease(job);
    try {
      // All its attempts are spent and the last ended without a result or an error: the process
      // died on it (OOM, a crash in a native reader). Running it again would only kill this one too.
      if (job.attempts > job.max_attempts) {
        const died = job.attempts - 1;
        throw new OrderCaptureError('internal', `the worker stopped ${died} times while processing it`);
      }
      await processDocument(this.pipeline, job);
      this.state.touch();
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'lease_lost') {
        this.log.warn('job taken over by another worker', { jobId: job.id, documentId: job.document_id });
        return;
      }
      const outcome = await failJob(this.pipeline.db, job, err).catch(() => 'unknown');
      this.log.error('job failed', { err, jobId: job.id, documentId: job.document_id, outcome });
      if (outcome === 'dead' && job.document_id !== null) {
        await giveUpOnDocument(this.pipeline, job.document_id, job.attempts, err).catch((e) =>
          this.log.error('could not mark document failed', { err: e, documentId: job.document_id }),
        );
      }
    } finally {
      stopRenewing();
      this.inFlight.delete(job.id);
      if (job.suspect) this.alone = false;
    }
  }

  /**
   * Renews the job's lease every third of it while the job runs. A job may wait in this process
   * for OCR (fewer OCR workers than concurrency) or be a long fax; without renewal its lease
   * would run out meanwhile, another process would take it and do the same work again, and on a
   * fax longer than the lease no holder would ever finish first.
   */
  private keepLease(job: Job): () => void {
    let running = true;
    const timer = setInterval(
      () => {
        extendLease(this.pipeline.db, job, this.config.leaseMs)
          .then((held) => {
            // Not held after the job finished is the job's own DELETE, not a loss.
            if (!held && running)
              this.log.warn('job lease lost while running', { jobId: job.id, worker: this.id });
          })
          .catch((err) => {
            if (running) this.log.warn('renewing a job lease failed', { err, jobId: job.id });
          });
      },
      Math.max(100, Math.floor(this.config.leaseMs / 3)),
    );
    timer.unref();
    return () => {
      running = false;
      clearInterval(timer);
    };
  }
}

/**
 * A document whose processing failed on every attempt still ends somewhere a person sees it:
 * rejected, with the reason. Its job stays in the queue as `dead`, to be retried after a fix.
 */
async function giveUpOnDocument(p: PipelineOptions, documentId: number, attempts: number, err: unknown) {
  const reason = `Processing failed ${attempts} times: ${err instanceof Error ? err.message : String(err)}`;
  await p.db.transaction(async (tx) => {
    const updated = await tx.query(
      `UPDATE documents SET status = 'rejected', status_reason = $2, processed_at = now()
        WHERE id = $1 AND status IN ('received', 'processing') RETURNING id`,
      [documentId, reason.slice(0, 2000)],
    );
    // Finished meanwhile by another holder of the job: its result stands, and its events alone.
    if (updated.length === 0) return;
    // The finding carries the reason to every place a person looks (CLI line, API, review).
    await insertFindings(tx, documentId, null, [
      finding('unreadable_document', 'error', null, reason, { reason }),
    ]);
    await logEvent(tx, { actor: 'system:worker', kind: 'document.failed', documentId, detail: { reason } });
  });
}

function waitForFreeSlot(queue: PQueue): Promise<void> {
  return new Promise((resolve) => queue.once('next', () => resolve()));
}
