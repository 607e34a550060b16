/**
 * Prints what the reader sees on a document, line by line, with each word's OCR confidence: the
 * first thing to look at when writing a template or chasing a misread field.
 *
 *   node bin/run-ts.js scripts/ocr-words.ts FILE [--boxes]
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { readDocument, sniffDocumentKind } from '../src/documents/index.ts';
import { groupLines } from '../src/extract/index.ts';
import { createOcrEngine } from '../src/ocr/index.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { boxes: { type: 'boolean', default: false } },
});
const file = positionals[0];
if (!file) {
  console.error('usage: ocr-words.ts FILE [--boxes]');
  process.exit(2);
}
const bytes = await readFile(file);
const kind = sniffDocumentKind(bytes);
if (!kind) {
  console.error(`${file}: not a PDF, TIFF, PNG or JPEG`);
  process.exit(1);
}
const ocr = createOcrEngine({ workers: 1 });
try {
  const read = await readDocument(bytes, kind, { ocr });
  if (read.kind === 'unreadable') {
    console.error(`${file}: ${read.reason}`);
    process.exitCode = 1;
  } else {
    for (const p of read.pages) {
      console.log(
        `# page ${p.number}: ${p.width}x${p.height}, ${p.source}, confidence ${p.confidence.toFixed(2)}`,
      );
    }
    for (const line of groupLines(read.pages)) {
      const words = line.words.map((w) => {
        const box = values.boxes ? `@${w.x},${w.y},${w.w}x${w.h}` : '';
        return `${w.text}(${Math.round(w.confidence * 100)}${box})`;
      });
      console.log(`${line.page}:${line.index} ${words.join(' ')}`);
    }
  }
} finally {
  await ocr.close();
}
