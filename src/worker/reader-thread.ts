/**
 * A document-reader thread: reads and extracts one document at a time with every format this
 * build knows, and posts the outcome back. Page images go to OCR through the main thread, whose
 * tesseract.js scheduler (its own worker threads) serves all reader threads: one set of OCR
 * workers and language models for the process, not one per reader thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ReadLimits } from '../documents/index.ts';
import type { Template } from '../extract/index.ts';
import type { KnownLayout } from '../learn/model.ts';
import type { OcrEngine, OcrResult, RecognizeOptions } from '../ocr/index.ts';
import { extractDocument } from '../formats/registry.ts';
import { allFormats } from '../formats/registry.ts';
import { asBuffer, type FromThread, type ToThread } from './reader-messages.ts';

const port = parentPort;
if (!port) throw new Error('reader-thread.ts runs only as a worker thread');
const { limits } = workerData as { limits: ReadLimits };

const pendingOcr = new Map<number, { resolve(r: OcrResult): void; reject(e: Error): void }>();
let nextOcr = 1;
let currentJob = 0;
let templates: Template[] = [];
let layouts: KnownLayout[] = [];

const post = (message: FromThread, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

const ocr: OcrEngine = {
  recognize(png: Buffer, opts?: RecognizeOptions): Promise<OcrResult> {
    const ocrId = nextOcr++;
    return new Promise((resolve, reject) => {
      pendingOcr.set(ocrId, { resolve, reject });
      const copy = new Uint8Array(png); // its own memory, so it can be handed over, not copied again
      post({ type: 'ocr', job: currentJob, ocrId, png: copy, ...(opts ? { opts } : {}) }, [copy.buffer]);
    });
  },
  async close() {},
};

const formats = allFormats(
  ocr,
  () => Promise.resolve(templates),
  limits,
  () => Promise.resolve(layouts),
);

port.on('message', (message: ToThread) => {
  if (message.type === 'ocr-result') {
    const waiting = pendingOcr.get(message.ocrId);
    pendingOcr.delete(message.ocrId);
    if (!waiting) return;
    if ('error' in message) waiting.reject(new Error(message.error));
    else {
      const r = message.result;
      waiting.resolve({ ...r, ...(r.deskewed ? { deskewed: asBuffer(r.deskewed) } : {}) });
    }
    return;
  }
  currentJob = message.job;
  templates = message.templates;
  layouts = message.layouts ?? [];
  const input = { ...message.input, bytes: asBuffer(message.input.bytes) };
  extractDocument(input, formats, (format) => post({ type: 'format', job: message.job, format })).then(
    (result) => post({ type: 'done', job: message.job, result }),
    (err: unknown) =>
      post({ type: 'failed', job: message.job, error: (err as Error)?.message ?? String(err) }),
  );
});

// Every module is loaded: the budget of the first document starts now, not during start-up.
post({ type: 'ready' });
