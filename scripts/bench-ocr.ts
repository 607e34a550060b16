/**
 * OCR figures for `npm run bench`: seconds per fax page with one worker (after warm-up), pages per
 * minute with one worker per core, peak memory, and the same pages through the native `tesseract`
 * CLI when it is installed (OMP_THREAD_LIMIT=1), as a ratio. Text PDFs are read without OCR: the
 * last line checks that.
 *
 *   node bin/run-ts.js scripts/bench-ocr.ts [--pages N]
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { readDocument } from '../src/documents/index.ts';
import { createOcrEngine, type OcrEngine } from '../src/ocr/index.ts';
import { layout } from './eval/layout.ts';
import { CUSTOMERS, makeOrder, random } from './eval/orders.ts';
import { faxTiff, textPdf } from './eval/render.ts';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
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

// The same cleaned pages through tesseract.js alone and through the native CLI, when installed,
// with the same model (the packaged best_int data) and settings: OCR against OCR, nothing else.
const native = await run('tesseract', ['--version']).catch(() => null);
if (native) {
  const dir = await mkdtemp(join(tmpdir(), 'oc-bench-ocr-'));
  const pngs: Buffer[] = [];
  for (const f of faxes) {
    const r = await readDocument(f, 'tiff', {
      ocr: { recognize: async () => ({ words: [], confidence: 1 }), close: async () => {} },
    });
    if (r.kind === 'pages' && r.pages[0]?.image) pngs.push(r.pages[0].image);
  }
  const files = await Promise.all(
    pngs.map(async (png, i) => {
      const file = join(dir, `p${i}.png`);
      await writeFile(file, png);
      return file;
    }),
  );
  const engine = createOcrEngine({ workers: 1 });
  await engine.recognize(pngs[0]!);
  const t0 = performance.now();
  for (const png of pngs) await engine.recognize(png);
  const jsSecs = (performance.now() - t0) / 1000 / pngs.length;
  await engine.close();

  const tessdata = join(dir, 'tessdata');
  await mkdir(tessdata);
  const model = join(
    dirname(require.resolve('@tesseract.js-data/spa/package.json')),
    '4.0.0_best_int',
    'spa.traineddata.gz',
  );
  await writeFile(join(tessdata, 'spa.traineddata'), gunzipSync(await readFile(model)));
  const env = { ...process.env, OMP_THREAD_LIMIT: '1' };
  const cli = async (extra: string[]) => {
    const start = performance.now();
    for (const p of files)
      await run('tesseract', [p, '-', '-l', 'spa', '--psm', '3', '--dpi', '300', ...extra], { env });
    return (performance.now() - start) / 1000 / files.length;
  };
  const sameModel = await cli(['--tessdata-dir', tessdata]);
  const systemModel = await cli([]).catch(() => null);
  console.log(
    `OCR only, same cleaned pages: tesseract.js ${jsSecs.toFixed(2)} s/page; native tesseract ${sameModel.toFixed(2)} s/page ` +
      `with the same model (ratio ${(jsSecs / sameModel).toFixed(2)})` +
      (systemModel ? `, ${systemModel.toFixed(2)} s/page with the system's own model` : ''),
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
const tPdf = performance.now();
await readDocument(pdf, 'pdf', { ocr: counting });
console.log(`text PDF: ${((performance.now() - tPdf) / 1000).toFixed(2)} s/page, OCR calls ${ocrCalls}`);
