import { Worker } from 'node:worker_threads';
import type { ReadLimits } from '../documents/index.ts';
import type { ExtractOutcome } from '../domain/extraction.ts';
import { finding } from '../domain/findings.ts';
import type { Logger } from '../log.ts';
import type { OcrEngine } from '../ocr/index.ts';
import type { FormatInput } from '../formats/registry.ts';
import type { LayoutSource } from '../learn/apply.ts';
import type { KnownLayout } from '../learn/model.ts';
import { type TemplateSource, templatesOf } from '../formats/paper/read.ts';
import { asBuffer, type FromThread, type ToThread } from './reader-messages.ts';

/** What reading a document gave: the format that read it (null: none could) and its outcome. */
export interface ReadResult {
  format: string | null;
  outcome: ExtractOutcome;
}

/**
 * Reads documents somewhere other than the caller's event loop. An implementation MUST NOT
 * throw for a document that cannot be read (that is a rejected outcome); it MAY throw when the
 * reader itself failed (a crashed thread), so that the job is retried.
 */
export interface DocumentReader {
  /** Whether documents of this format (a `DocumentFormat.id`) are read here. */
  reads(formatId: string): boolean;
  read(input: FormatInput): Promise<ReadResult>;
  close(): Promise<void>;
}

export interface ReaderPoolOptions {
  /** Reader threads; each reads one document at a time. */
  threads: number;
  /** Longest a document may be read, OCR waits not counted. */
  budgetMs: number;
  /** The process's OCR engine: reader threads send their page images here. */
  ocr: OcrEngine;
  templates: TemplateSource;
  /** Layouts learned from confirmed orders, sent with each document like the templates. */
  layouts?: LayoutSource;
  limits: ReadLimits;
  log: Logger;
  /**
   * The formats read in the threads; default the paper-like ones and e-mail, whose reading
   * (layout, table and header matching over free text) can be made expensive by the sender.
   * EDIFACT and order JSON are parsed linearly with line and size limits, on the caller's thread.
   */
  formats?: readonly string[];
}

/** Formats whose reading the pool takes by default. */
export const THREADED_FORMATS: readonly string[] = ['pdf', 'tiff', 'image', 'email'];

interface Task {
  job: number;
  input: FormatInput;
  resolve(r: ReadResult): void;
  reject(e: Error): void;
}

/** A document being read by a thread, and its budget clock (stopped while OCR works for it). */
interface Running {
  task: Task;
  format: string | null;
  leftMs: number;
  since: number;
  timer: NodeJS.Timeout | null;
  ocrWaits: number;
}

const THREAD_URL = new URL('./reader-thread.js', import.meta.url);

/** The finding of a document whose reading was stopped at the budget. */
export function overBudget(budgetMs: number): ExtractOutcome {
  const s = Math.round(budgetMs / 100) / 10;
  return {
    kind: 'rejected',
    findings: [
      finding(
        'unreadable_document',
        'error',
        null,
        `Reading this document took longer than ${s} s, the most one document may take, and was stopped. ` +
          'It may be built to be expensive to read (for example thousands of numbers on one line); ' +
          'open the original to process it by hand.',
      ),
    ],
  };
}

class ReaderThread {
  readonly worker: Worker;
  running: Running | null = null;
  /** Resolves once the thread has loaded its modules (seconds under tsx): no budget runs before. */
  readonly ready: Promise<void>;
  constructor(limits: ReadLimits) {
    this.worker = new Worker(THREAD_URL, { workerData: { limits } });
    this.worker.unref();
    this.ready = new Promise((resolve) => {
      const onReady = (m: FromThread) => {
        if (m.type !== 'ready') return;
        this.worker.off('message', onReady);
        resolve();
      };
      this.worker.on('message', onReady);
      // A thread that dies while starting: no wait for ever; the pool's exit handler fails its task.
      this.worker.once('exit', () => resolve());
    });
  }
}

/**
 * Document reading (read + extract, every format) in a pool of worker threads, so that a
 * document costly to read cannot stall the HTTP server, the lease renewals or the other jobs of
 * the process. Each document has a budget of thread time; a thread over it is terminated (the
 * only way to stop synchronous code) and replaced, and the document is rejected with a finding
 * that says why. OCR stays in the process's one tesseract.js scheduler, reached by message.
 */
export class ReaderPool implements DocumentReader {
  private readonly threads: ReaderThread[] = [];
  private readonly waiting: Task[] = [];
  private nextJob = 1;
  private closed = false;

  constructor(private readonly opts: ReaderPoolOptions) {
    if (opts.threads < 1) throw new Error('a reader pool needs at least one thread');
  }

  reads(formatId: string): boolean {
    return (this.opts.formats ?? THREADED_FORMATS).includes(formatId);
  }

  read(input: FormatInput): Promise<ReadResult> {
    if (this.closed) return Promise.reject(new Error('the reader pool is closed'));
    return new Promise<ReadResult>((resolve, reject) => {
      this.waiting.push({ job: this.nextJob++, input, resolve, reject });
      this.dispatch();
    });
  }

  /**
   * Starts every thread now, so the first documents do not wait for their start-up (the thread
   * loads every reader: seconds of CPU, more on a busy machine). Resolves once they are all ready.
   */
  warm(): Promise<void> {
    while (!this.closed && this.threads.length < this.opts.threads) this.spawn();
    return Promise.all(this.threads.map((t) => t.ready)).then(() => {});
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.waiting.splice(0)) task.reject(new Error('the reader pool is closed'));
    await Promise.all(
      this.threads.splice(0).map((t) => this.stop(t, new Error('the reader pool is closed'))),
    );
  }

  private dispatch(): void {
    while (this.waiting.length > 0) {
      let thread = this.threads.find((t) => t.running === null);
      if (!thread && this.threads.length < this.opts.threads) thread = this.spawn();
      if (!thread) return;
      const task = this.waiting.shift()!;
      void this.start(thread, task);
    }
  }

  private spawn(): ReaderThread {
    const thread = new ReaderThread(this.opts.limits);
    thread.worker.on('message', (m: FromThread) => this.onMessage(thread, m));
    thread.worker.on('error', (err) => this.onDeath(thread, err));
    thread.worker.on('exit', (code) =>
      this.onDeath(thread, new Error(`the reader thread stopped (exit code ${code})`)),
    );
    this.threads.push(thread);
    return thread;
  }

  private async start(thread: ReaderThread, task: Task): Promise<void> {
    const running: Running = {
      task,
      format: null,
      leftMs: this.opts.budgetMs,
      since: 0,
      timer: null,
      ocrWaits: 0,
    };
    thread.running = running;
    thread.worker.ref(); // a document in reading keeps the process alive (the CLI has nothing else)
    let templates: Awaited<ReturnType<typeof templatesOf>>;
    let layouts: KnownLayout[];
    try {
      templates = await templatesOf(this.opts.templates);
      const l = this.opts.layouts ?? [];
      layouts = typeof l === 'function' ? await l() : l;
      await thread.ready;
    } catch (err) {
      thread.running = null;
      thread.worker.unref();
      task.reject(err as Error);
      this.dispatch();
      return;
    }
    if (thread.running !== running) return; // the pool closed meanwhile
    const message: ToThread = { type: 'read', job: task.job, input: task.input, templates, layouts };
    try {
      thread.worker.postMessage(message);
    } catch (err) {
      // Something in the templates that cannot cross to a thread (a function): fail, never hang.
      thread.running = null;
      thread.worker.unref();
      task.reject(
        new Error(`the document could not be handed to a reader thread: ${(err as Error).message}`),
      );
      this.dispatch();
      return;
    }
    this.resume(thread, running);
  }

  /** Starts (again) the budget clock of the document in this thread. */
  private resume(thread: ReaderThread, running: Running): void {
    running.since = performance.now();
    running.timer = setTimeout(() => void this.overBudget(thread, running), Math.max(0, running.leftMs));
  }

  private pause(running: Running): void {
    if (!running.timer) return;
    clearTimeout(running.timer);
    running.timer = null;
    running.leftMs -= performance.now() - running.since;
  }

  private async overBudget(thread: ReaderThread, running: Running): Promise<void> {
    if (thread.running !== running) return;
    this.opts.log.warn('document reading stopped at its budget', {
      budgetMs: this.opts.budgetMs,
      format: running.format,
    });
    thread.running = null;
    running.task.resolve({ format: running.format, outcome: overBudget(this.opts.budgetMs) });
    await this.stop(thread, null);
    this.dispatch();
  }

  private onMessage(thread: ReaderThread, m: FromThread): void {
    if (m.type === 'ready') return;
    const running = thread.running;
    if (!running || running.task.job !== m.job) return; // an answer for a document given up on
    if (m.type === 'format') {
      running.format = m.format;
      return;
    }
    if (m.type === 'ocr') {
      void this.recognize(thread, running, m);
      return;
    }
    if (running.timer) clearTimeout(running.timer);
    thread.running = null;
    thread.worker.unref();
    if (m.type === 'done') running.task.resolve(revive(m.result));
    else running.task.reject(new Error(m.error));
    this.dispatch();
  }

  /** OCR for a reader thread; its budget clock stands still while the page waits for OCR. */
  private async recognize(
    thread: ReaderThread,
    running: Running,
    m: Extract<FromThread, { type: 'ocr' }>,
  ): Promise<void> {
    if (running.ocrWaits++ === 0) this.pause(running);
    let reply: ToThread;
    try {
      const result = await this.opts.ocr.recognize(asBuffer(m.png), m.opts);
      reply = { type: 'ocr-result', ocrId: m.ocrId, result };
    } catch (err) {
      reply = { type: 'ocr-result', ocrId: m.ocrId, error: (err as Error)?.message ?? String(err) };
    }
    if (thread.running !== running) return;
    if (--running.ocrWaits === 0) this.resume(thread, running);
    thread.worker.postMessage(reply);
  }

  private onDeath(thread: ReaderThread, err: Error): void {
    const i = this.threads.indexOf(thread);
    if (i < 0) return;
    this.threads.splice(i, 1);
    const running = thread.running;
    thread.running = null;
    if (running) {
      if (running.timer) clearTimeout(running.timer);
      this.opts.log.error('a reader thread died while reading a document', { err });
      running.task.reject(new Error(`the document reader failed: ${err.message}`));
    }
    if (!this.closed) this.dispatch();
  }

  private async stop(thread: ReaderThread, err: Error | null): Promise<void> {
    const i = this.threads.indexOf(thread);
    if (i >= 0) this.threads.splice(i, 1);
    const running = thread.running;
    thread.running = null;
    if (running) {
      if (running.timer) clearTimeout(running.timer);
      running.task.reject(err ?? new Error('the reader thread was stopped'));
    }
    await thread.worker.terminate();
  }
}

/** Buffers come back from a thread as plain Uint8Arrays: page images are Buffers again. */
function revive(result: ReadResult): ReadResult {
  const pages = result.outcome.pages?.map((p) => (p.image ? { ...p, image: asBuffer(p.image) } : p));
  return pages ? { ...result, outcome: { ...result.outcome, pages } } : result;
}
