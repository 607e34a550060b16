import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type Tesseract from 'tesseract.js';
import type { Word } from '../domain/page.ts';
import { ocrSeconds, secondsSince } from '../metrics.ts';

/**
 * Optical character recognition of one page image. The only module that touches tesseract.js
 * (STYLE.md: libraries at the edges), so readers can be tested with a fake engine.
 */
export interface OcrEngine {
  /**
   * Reads a PNG. MUST return word boxes in the PNG's pixels (origin top-left) and word
   * confidences 0..1; `confidence` is the page mean, 0..1 (0 when no word was found).
   * MUST NOT fetch anything over the network. An engine that straightens a skewed page MUST
   * return the straightened image (same size) as `deskewed`, since the boxes refer to it.
   */
  recognize(png: Buffer, opts?: RecognizeOptions): Promise<OcrResult>;
  /** Terminates the workers; the engine MUST NOT be used afterwards. */
  close(): Promise<void>;
  /**
   * Optional: a page is sure to come, so start a worker for these languages (default: the
   * engine's) now, in the background, while the caller does other work. Never throws; a failed
   * start shows in the first `recognize`.
   */
  warm?(languages?: string): void;
}

export interface RecognizeOptions {
  /** Tesseract languages for this image, e.g. 'spa+eng'; default: the engine's. */
  languages?: string;
  /**
   * A small crop around one field (a second look): read as it is, without measuring skew (the
   * page it came from is already straight).
   */
  crop?: boolean;
}

/** Words read from one page image. */
export interface OcrResult {
  words: Word[];
  /** Mean word confidence, 0..1. */
  confidence: number;
  /** The straightened page as PNG, present only when the engine rotated the page to read it. */
  deskewed?: Buffer;
}

export interface OcrEngineOptions {
  /** Workers per language set; default one per CPU core. */
  workers?: number;
  /** Tesseract language codes joined by '+', e.g. 'spa' or 'spa+eng'. Default 'spa'. */
  languages?: string;
}

/** Languages we ship data for (the @tesseract.js-data packages in package.json). */
const SHIPPED = new Set(['spa', 'eng']);
const require = createRequire(import.meta.url);

/** The folder of a shipped language's LSTM-only model (smaller and faster than the legacy one). */
function languageFolder(lang: string): string {
  if (!SHIPPED.has(lang)) throw new Error(`No OCR language data is installed for '${lang}'.`);
  const pkg = path.dirname(require.resolve(`@tesseract.js-data/${lang}/package.json`));
  return path.join(pkg, '4.0.0_best_int');
}

/**
 * tesseract.js reads every language of a worker from one `langPath`, while each npm package holds
 * one language: a multi-language set gets a temporary folder of links to the packaged files.
 */
function languagePath(langs: string[]): { dir: string; cleanup: () => void } {
  if (langs.length === 1) return { dir: languageFolder(langs[0]!), cleanup: () => {} };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'order-capture-ocr-'));
  for (const lang of langs) {
    const file = `${lang}.traineddata.gz`;
    symlinkSync(path.join(languageFolder(lang), file), path.join(dir, file));
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function normaliseLanguages(languages: string): string[] {
  const langs = [...new Set(languages.split('+').map((l) => l.trim()))].filter(Boolean);
  if (langs.length === 0) throw new Error('No OCR language was given.');
  for (const l of langs) languageFolder(l);
  return langs;
}

/**
 * The workers of one language set. They are started as pages wait for them, one at a time up to
 * `max`: the first page pays for one worker, a second only when a page waits while every worker
 * reads (each costs ~1 s of CPU to start and ~200 MiB, mostly its WebAssembly heap), so a run of
 * one or two pages never starts a worker it does not use.
 */
interface Pool {
  scheduler: Tesseract.Scheduler;
  /** Pages queued or being read. */
  busy: number;
  /** Workers started or starting. */
  started: number;
  max: number;
  /** Starts one more worker; resolves when it takes jobs. */
  grow: () => Promise<void>;
  /** Workers that could not start after the first (the pool reads on with those it has). */
  failures: unknown[];
  /** Workers being started, for `close()` to wait for before it terminates them all. */
  starting: Set<Promise<void>>;
  cleanup: () => void;
}

async function createPool(langs: string[], max: number, onStarted: () => void): Promise<Pool> {
  // Loaded on the first page to read: a run without paper (EDIFACT, web orders) never pays for it.
  const tess = (await import('tesseract.js')).default;
  const { dir, cleanup } = languagePath(langs);
  const scheduler = tess.createScheduler();
  const start = async () => {
    const w = await tess.createWorker(langs.join('+'), tess.OEM.LSTM_ONLY, {
      langPath: dir,
      gzip: true,
      // The default cache writes the unpacked model into the working folder and prefers it later.
      cacheMethod: 'none',
    });
    try {
      // Mode 3 (automatic layout) reads multi-column order forms far better than the default 6.
      // PNGs carry no trustworthy resolution; without a hint Tesseract guesses 70 dpi.
      await w.setParameters({ tessedit_pageseg_mode: tess.PSM.AUTO, user_defined_dpi: '300' });
    } catch (err) {
      await w.terminate().catch(() => {});
      throw err;
    }
    scheduler.addWorker(w);
    onStarted();
  };
  const pool: Pool = {
    scheduler,
    busy: 0,
    started: 1,
    max,
    failures: [],
    starting: new Set(),
    cleanup,
    grow: () => {
      pool.started++;
      const growing = start().catch((err) => {
        // Not counted: a later page may try again (a few times at most).
        pool.started--;
        pool.failures.push(err);
      });
      pool.starting.add(growing);
      return growing.finally(() => pool.starting.delete(growing));
    },
  };
  try {
    await start();
  } catch (err) {
    await scheduler.terminate().catch(() => {});
    cleanup();
    throw err;
  }
  return pool;
}

function toWords(page: Tesseract.Page): Word[] {
  const words: Word[] = [];
  for (const block of page.blocks ?? []) {
    for (const para of block.paragraphs) {
      for (const line of para.lines) {
        for (const w of line.words) {
          const text = w.text.trim();
          if (!text) continue;
          const { x0, y0, x1, y1 } = w.bbox;
          words.push({ text, x: x0, y: y0, w: x1 - x0, h: y1 - y0, confidence: w.confidence / 100 });
        }
      }
    }
  }
  return words;
}

/**
 * An engine backed by a tesseract.js scheduler per language set, up to one worker per core.
 * Workers are started as pages wait for them (see Pool) and reused until `close()`.
 */
export function createOcrEngine(opts: OcrEngineOptions = {}): OcrEngine & {
  /** Workers started so far, all language sets together (they start as pages wait for them). */
  workersStarted(): number;
} {
  const workers = Math.max(1, opts.workers ?? os.cpus().length);
  const defaultLanguages = opts.languages ?? 'spa';
  const pools = new Map<string, Promise<Pool>>();
  let closed = false;
  let workersStarted = 0;

  const pool = (languages: string): Promise<Pool> => {
    const langs = normaliseLanguages(languages);
    const key = langs.join('+');
    let p = pools.get(key);
    if (!p) {
      p = createPool(langs, workers, () => workersStarted++);
      // A failed start is not cached, so a later call can try again.
      p.catch(() => pools.delete(key));
      pools.set(key, p);
    }
    return p;
  };

  return {
    workersStarted: () => workersStarted,
    warm(languages) {
      if (closed) return;
      try {
        pool(languages ?? defaultLanguages).catch(() => {});
      } catch {
        // An unknown language: its recognize says so.
      }
    },
    async recognize(png, ropts) {
      if (closed) throw new Error('The OCR engine is closed.');
      const p = await pool(ropts?.languages ?? defaultLanguages);
      const started = performance.now();
      p.busy++;
      // More pages than workers: one more worker, while the others read (this page goes to
      // whichever worker is free first).
      if (p.busy > p.started && p.started < p.max && p.failures.length < p.max) void p.grow();
      let data: Tesseract.Page;
      try {
        // rotateAuto measures skew and reads the straightened page; the binary image it returns
        // is that page (cheap to ask for), which the review screen needs to match the boxes.
        ({ data } = await p.scheduler.addJob(
          'recognize',
          png,
          { rotateAuto: !ropts?.crop },
          { blocks: true, text: false, imageBinary: true },
        ));
      } finally {
        p.busy--;
      }
      ocrSeconds.observe({ kind: ropts?.crop ? 'crop' : 'page' }, secondsSince(started));
      const words = toWords(data);
      const confidence = words.length ? words.reduce((s, w) => s + w.confidence, 0) / words.length : 0;
      const rotated = Boolean(data.rotateRadians) && data.imageBinary;
      if (!rotated) return { words, confidence };
      const deskewed = Buffer.from(data.imageBinary!.replace(/^data:image\/png;base64,/, ''), 'base64');
      return { words, confidence, deskewed };
    },
    async close() {
      closed = true;
      const all = [...pools.values()];
      pools.clear();
      for (const p of all) {
        const settled = await p.catch(() => null);
        if (!settled) continue;
        await Promise.all(settled.starting);
        await settled.scheduler.terminate();
        settled.cleanup();
      }
    },
  };
}
