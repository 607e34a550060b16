/**
 * Prints what the reader sees on a document, line by line, with each word's OCR confidence: the
 * first thing to look at when writing a template or chasing a misread field.
 *
 *   node bin/run-ts.js scripts/ocr-words.ts FILE [--boxes] [--table] [--save PAGES.json | --load PAGES.json]
 *
 * --table: also the line table the generic reader finds, row by row, each cell with its column.
 * --save / --load: keep the pages read (words and boxes, no images) in a file, and read them from
 * it again instead of running OCR: for trying reader changes on one page quickly.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { readDocument, sniffDocumentKind } from '../src/documents/index.ts';
import type { Page } from '../src/domain/page.ts';
import { groupLines } from '../src/extract/index.ts';
import { findTable } from '../src/extract/table.ts';
import { createOcrEngine } from '../src/ocr/index.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    boxes: { type: 'boolean', default: false },
    table: { type: 'boolean', default: false },
    save: { type: 'string' },
    load: { type: 'string' },
  },
});
const file = positionals[0];
if (!file) {
  console.error('usage: ocr-words.ts FILE [--boxes]');
  process.exit(2);
}
function print(pages: Page[]): void {
  for (const p of pages) {
    console.log(
      `# page ${p.number}: ${p.width}x${p.height}, ${p.source}, confidence ${p.confidence.toFixed(2)}`,
    );
  }
  const lines = groupLines(pages);
  for (const line of lines) {
    const words = line.words.map((w) => {
      const box = values.boxes ? `@${w.x},${w.y},${w.w}x${w.h}` : '';
      return `${w.text}(${Math.round(w.confidence * 100)}${box})`;
    });
    console.log(`${line.page}:${line.index} ${words.join(' ')}`);
  }
  if (!values.table) return;
  const table = findTable(lines);
  console.log(
    table ? `# table: ${table.rows.length} rows, ends at line ${table.endLine ?? '-'}` : '# no table',
  );
  for (const row of table?.rows ?? []) {
    const cells = [...row.cells].map(([role, ws]) => `${role}=${ws.map((w) => w.text).join(' ')}`);
    console.log(`${row.page}:${row.lines.join('+')} ${cells.join(' | ')}`);
  }
}

if (values.load) {
  print(JSON.parse(await readFile(values.load, 'utf8')) as Page[]);
} else {
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
      if (values.save) {
        const pages = read.pages.map(({ image: _, ...p }) => p);
        await writeFile(values.save, JSON.stringify(pages));
      }
      print(read.pages);
    }
  } finally {
    await ocr.close();
  }
}
