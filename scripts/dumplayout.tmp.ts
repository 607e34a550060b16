import { readFile } from 'node:fs/promises';
import { readDocument, sniffDocumentKind } from '../src/documents/index.ts';
import { groupLines } from '../src/extract/index.ts';
import { createOcrEngine } from '../src/ocr/index.ts';
const ocr = createOcrEngine({ workers: 1 });
for (const file of process.argv.slice(2)) {
  const bytes = await readFile(file);
  const kind = sniffDocumentKind(bytes)!;
  const read = await readDocument(bytes, kind, { ocr });
  if (read.kind === 'unreadable') { console.log(file, read.reason); continue; }
  const out: string[] = [];
  for (const line of groupLines(read.pages)) {
    const scale = read.pages[0]!.width / 160;
    let s = '';
    for (const w of line.words) { const col = Math.round(w.x / scale); if (s.length < col) s = s.padEnd(col); else s += ' '; s += w.text; }
    out.push(`${line.page}|${s}`);
  }
  const { writeFileSync } = await import('node:fs');
  writeFileSync('/tmp/dump/' + file.split('/').pop() + '.txt', out.join('\n'));
}
await ocr.close();
