/**
 * OCR figures for `npm run bench`: seconds per fax page with one worker (after warm-up), pages per
 * minute with one worker per core, peak memory, and the same pages through the native `tesseract`
 * CLI when it is installed (OMP_THREAD_LIMIT=1), as a ratio. Text PDFs are read without OCR: the
 * last line checks that.
 *
 *   node bin/run-ts.js scripts/bench-ocr.ts [--pages N]
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { readDocument } from '../src/documents/index.ts';
import { createOcrEngine, type OcrEngine } from '../src/ocr/index.ts';
import { layout } from './eval/layout.ts';
import { CUSTOMERS, makeOrder, random } from './eval/orders.ts';
import { faxTiff, textPdf } from './eval/render.ts';

const run = promisify(execFile);
const { values } = parseArgs({ options: { pages: { type: 'string', default: '6' } } });
const PAGES = Number(values.pages);
const rnd = random(42);
const faxes: Buffer[] = [];
for (let i = 0; i < PAGES; i++) {
  const g = makeOrder(CUSTOMERS[i % CUSTOMERS.length]!, i, rnd);
  faxes.push(await faxTiff(layout(g), { header: `FROM ${g.style.fax} P.1/1`, skewDeg: 0.4, seed: rnd }));
}

async function timePages(ocr: OcrEngine, concurrent: boolean): Promise<number> {
  const t0 = performance.now();
  if (concurrent) await Promise.all(faxes.map((f) => readDocument(f, 'tiff', { ocr })));
  else for (const f of faxes) await readDocument(f, 'tiff', { ocr });
  return (performance.now() - t0) / 1000;
}

const cores = availableParallelism();
const one = createOcrEngine({ workers: 1 });
await readDocument(faxes[0]!, 'tiff', { ocr: one }); // warm-up: worker start and language data
const single = await timePages(one, false);
await one.close();
const all = createOcrEngine({ workers: cores });
await Promise.all(faxes.slice(0, cores).map((f) => readDocument(f, 'tiff', { ocr: all })));
const parallel = await timePages(all, true);
await all.close();
const peakMb = process.resourceUsage().maxRSS / 1024;

console.log(
  `OCR, ${PAGES} fax pages (1728 px wide, G4, 204x98 dpi): ${(single / PAGES).toFixed(2)} s/page with 1 worker; ` +
    `${((PAGES / parallel) * 60).toFixed(1)} pages/min with ${cores} workers; peak RSS ${peakMb.toFixed(0)} MB`,
);

// The same cleaned pages through the native CLI, when installed.
const native = await run('tesseract', ['--version']).catch(() => null);
if (native) {
  const dir = await mkdtemp(join(tmpdir(), 'oc-bench-ocr-'));
  const pngs: string[] = [];
  for (const [i, f] of faxes.entries()) {
    const r = await readDocument(f, 'tiff', {
      ocr: { recognize: async () => ({ words: [], confidence: 1 }), close: async () => {} },
    });
    if (r.kind === 'pages' && r.pages[0]?.image) {
      pngs.push(join(dir, `p${i}.png`));
      await writeFile(pngs.at(-1)!, r.pages[0].image);
    }
  }
  const t0 = performance.now();
  for (const p of pngs)
    await run('tesseract', [p, '-', '-l', 'spa', '--psm', '3'], {
      env: { ...process.env, OMP_THREAD_LIMIT: '1' },
    });
  const nativeSecs = (performance.now() - t0) / 1000 / pngs.length;
  console.log(
    `native tesseract: ${nativeSecs.toFixed(2)} s/page; tesseract.js / native = ${(single / PAGES / nativeSecs).toFixed(2)}`,
  );
  await rm(dir, { recursive: true, force: true });
} else {
  console.log('native tesseract: not installed (apt-get install tesseract-ocr tesseract-ocr-spa to compare)');
}

// A text PDF must never reach OCR.
let ocrCalls = 0;
const counting: OcrEngine = {
  recognize: async () => {
    ocrCalls++;
    return { words: [], confidence: 1 };
  },
  close: async () => {},
};
const pdf = await textPdf(layout(makeOrder(CUSTOMERS[0]!, 99, rnd)));
const t0 = performance.now();
await readDocument(pdf, 'pdf', { ocr: counting });
console.log(`text PDF: ${((performance.now() - t0) / 1000).toFixed(2)} s/page, OCR calls ${ocrCalls}`);
