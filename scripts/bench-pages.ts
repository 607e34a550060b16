/**
 * Where the time of a fax or scan page goes (issue 18): reading without OCR (decode or render,
 * clean-up, despeckle, PNG), then OCR as the engine asks for it (automatic rotation and the
 * straightened image back) against cheaper requests, one tesseract.js worker, pages one at a time.
 *
 *   node bin/run-ts.js scripts/bench-pages.ts [--devset ../shared/devset] [--pages 6]
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import Tesseract from 'tesseract.js';
import { readDocument, sniffDocumentKind } from '../src/documents/index.ts';

const require = createRequire(import.meta.url);
const { values } = parseArgs({
  options: {
    devset: { type: 'string', default: '../shared/devset' },
    pages: { type: 'string', default: '6' },
  },
});
const docsDir = join(values.devset, 'docs');
if (!existsSync(docsDir)) {
  console.log(`bench-pages: no devset at ${values.devset}; skipped`);
  process.exit(0);
}
const half = Math.max(1, Math.floor(Number(values.pages) / 2));
const names = (await readdir(docsDir)).sort();
const files = [
  ...names.filter((n) => /-fax-/.test(n)).slice(0, half),
  ...names.filter((n) => /-scan-/.test(n)).slice(0, half),
];

const noOcr = { recognize: async () => ({ words: [], confidence: 1 }), close: async () => {} };
const pngs: Buffer[] = [];
const readSecs: Record<string, number[]> = { fax: [], scan: [] };
for (const name of files) {
  const bytes = await readFile(join(docsDir, name));
  const kind = sniffDocumentKind(bytes)!;
  const t0 = performance.now();
  const r = await readDocument(bytes, kind, { ocr: noOcr });
  readSecs[/-fax-/.test(name) ? 'fax' : 'scan']!.push((performance.now() - t0) / 1000);
  if (r.kind === 'pages') for (const p of r.pages) if (p.image) pngs.push(p.image);
}
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
console.log(
  `read without OCR (decode/render, clean-up, despeckle, PNG): fax ${mean(readSecs.fax!).toFixed(2)} s/document, ` +
    `scan PDF ${mean(readSecs.scan!).toFixed(2)} s/document`,
);

const langPath = join(dirname(require.resolve('@tesseract.js-data/spa/package.json')), '4.0.0_best_int');
const worker = await Tesseract.createWorker('spa', Tesseract.OEM.LSTM_ONLY, {
  langPath,
  gzip: true,
  cacheMethod: 'none',
});
await worker.setParameters({ tessedit_pageseg_mode: Tesseract.PSM.AUTO, user_defined_dpi: '300' });
await worker.recognize(pngs[0]!, {}, { blocks: true, text: false }); // warm-up

const variants: [string, Partial<Tesseract.RecognizeOptions>, Partial<Tesseract.OutputFormats>][] = [
  [
    'as the engine asks (rotateAuto, imageBinary back)',
    { rotateAuto: true },
    { blocks: true, text: false, imageBinary: true },
  ],
  ['rotateAuto, no image back', { rotateAuto: true }, { blocks: true, text: false }],
  ['no rotation, no image back', {}, { blocks: true, text: false }],
];
for (const [what, opts, out] of variants) {
  const t0 = performance.now();
  for (const png of pngs) await worker.recognize(png, opts, out);
  console.log(
    `OCR ${what}: ${((performance.now() - t0) / 1000 / pngs.length).toFixed(2)} s/page (${pngs.length} pages)`,
  );
}
await worker.terminate();
