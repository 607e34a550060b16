/**
 * `npm run eval`: generates the evaluation set (three customers, text PDF / fax TIFF / scanned
 * PDF), runs each document through the whole pipeline on a fresh embedded database loaded with
 * the demo master data, and prints per channel: header field accuracy, line precision, recall
 * and F1, touchless rate, false accepts (accepted with a wrong field: must be 0) and seconds
 * per page.
 *
 *   npm run eval -- [--per-customer N] [--kinds text-pdf,fax,scan] [--dir DIR] [--verbose] [--no-templates] [--learn]
 *
 * --learn: first teaches the first document of each layout family (customer) with its expected
 * order, as `extract --teach` does, and scores the others (the taught ones are left out).
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type ExtractLine, extractFiles } from '../src/cli/extract.ts';
import { loadConfig } from '../src/config.ts';
import { openScratchDatabase } from '../src/db/open.ts';
import type { CanonicalOrder } from '../src/domain/order.ts';
import { silentLogger } from '../src/log.ts';
import { importMasterData } from '../src/masterdata/import.ts';
import { createOcrEngine } from '../src/ocr/index.ts';
import { allFormats } from '../src/formats/registry.ts';
import { templatesFrom } from '../src/pipeline/templates-source.ts';
import { DEMO_MASTER_DATA } from '../src/testing/pipeline.ts';
import { learnedLayouts } from '../src/learn/store.ts';
import { teachFiles } from '../src/learn/teach.ts';
import { type EvalCase, type EvalKind, generateSet } from './eval/generate.ts';
import { type CaseScore, scoreOrder } from './eval/score.ts';

const { values } = parseArgs({
  options: {
    'per-customer': { type: 'string', default: '4' },
    kinds: { type: 'string', default: 'text-pdf,fax,scan' },
    dir: { type: 'string', default: '.tmp/eval' },
    verbose: { type: 'boolean', default: false },
    'no-templates': { type: 'boolean', default: false },
    learn: { type: 'boolean', default: false },
  },
});
/** --no-templates: the generic extractor alone, as for a customer seen for the first time. */
const templates = values['no-templates'] ? [] : templatesFrom(loadConfig({}).templatesDir, silentLogger);
const kinds = values.kinds!.split(',') as EvalKind[];
const dir = values.dir!;

await rm(dir, { recursive: true, force: true });
const cases = await generateSet(dir, Number(values['per-customer']), kinds);
const config = loadConfig({}, { dataDir: '/nonexistent' });
const db = await openScratchDatabase();
await importMasterData(db, DEMO_MASTER_DATA);
const ocr = createOcrEngine({ workers: config.ocr.workers });

interface Result {
  c: EvalCase;
  line: ExtractLine | null;
  score: CaseScore;
  seconds: number;
}
const results: Result[] = [];
try {
  const formats = allFormats(ocr, templates, {}, learnedLayouts(db, 0));
  const ctx = { db, config, log: silentLogger, deliverTo: null, formats };
  const taught = new Set<EvalCase>();
  if (values.learn) {
    for (const c of cases) if (![...taught].some((t) => t.customerId === c.customerId)) taught.add(c);
    const pairs = await Promise.all(
      [...taught].map(async (c) => ({
        file: join(dir, c.file),
        order: JSON.parse(await readFile(join(dir, `${c.file}.expected.json`), 'utf8')) as CanonicalOrder,
      })),
    );
    await teachFiles(ctx, pairs, { actor: 'system:eval', source: 'teach' });
    console.log(`learned: taught ${[...taught].map((c) => c.file).join(', ')} (left out of the scores)`);
  }
  for (const c of cases) {
    if (taught.has(c)) continue;
    const path = join(dir, c.file);
    const expected: CanonicalOrder = JSON.parse(await readFile(`${path}.expected.json`, 'utf8'));
    const lines: ExtractLine[] = [];
    const t0 = performance.now();
    await extractFiles(ctx, [path], (l) => lines.push(l));
    const seconds = (performance.now() - t0) / 1000;
    const line = lines[0] ?? null;
    const score = scoreOrder(expected, line?.order ?? null);
    results.push({ c, line, score, seconds });
    if (values.verbose) {
      console.log(
        `${c.file}: ${line?.status} ${score.orderCorrect ? 'correct' : score.wrongFields.join('; ')}`,
      );
      if (line?.status === 'review') {
        for (const f of line.findings.filter((f) => f.severity !== 'info'))
          console.log(`    ${f.code}: ${f.message}`);
        const rows = await db.query<{ field_meta: Record<string, { confidence: number }> }>(
          'SELECT field_meta FROM orders ORDER BY created_at DESC, id DESC LIMIT 1',
        );
        const weak = Object.entries(rows[0]?.field_meta ?? {})
          .filter(([, m]) => m.confidence < 0.9)
          .map(([k, m]) => `${k}=${m.confidence}`);
        if (weak.length > 0) console.log(`    under 0.9: ${weak.join(', ')}`);
      }
    }
  }
} finally {
  await ocr.close();
  await db.close();
}

const pct = (a: number, b: number) => (b === 0 ? '-' : `${((100 * a) / b).toFixed(1)}%`);
console.log(
  `templates: ${templates.length === 0 ? 'none (generic extractor only)' : templates.map((t) => t.customer).join(', ')}`,
);
console.log('kind      docs  header acc  line P   line R   line F1  touchless  false accepts  s/page');
for (const kind of kinds) {
  const rs = results.filter((r) => r.c.kind === kind);
  const sum = (f: (r: Result) => number) => rs.reduce((s, r) => s + f(r), 0);
  const hc = sum((r) => r.score.headerCorrect);
  const ht = sum((r) => r.score.headerTotal);
  const lc = sum((r) => r.score.linesCorrect);
  const lf = sum((r) => r.score.linesFound);
  const le = sum((r) => r.score.linesExpected);
  const p = lf === 0 ? 0 : lc / lf;
  const rec = le === 0 ? 0 : lc / le;
  const f1 = p + rec === 0 ? 0 : (2 * p * rec) / (p + rec);
  const accepted = rs.filter((r) => r.line?.status === 'accepted');
  const falseAccepts = accepted.filter((r) => !r.score.orderCorrect).length;
  console.log(
    [
      kind.padEnd(9),
      String(rs.length).padStart(4),
      pct(hc, ht).padStart(11),
      pct(lc, lf).padStart(8),
      pct(lc, le).padStart(8),
      f1.toFixed(3).padStart(8),
      pct(accepted.length, rs.length).padStart(10),
      String(falseAccepts).padStart(14),
      (sum((r) => r.seconds) / Math.max(1, rs.length)).toFixed(2).padStart(7),
    ].join(' '),
  );
}
const falseAccepts = results.filter((r) => r.line?.status === 'accepted' && !r.score.orderCorrect);
for (const r of falseAccepts) console.log(`FALSE ACCEPT ${r.c.file}: ${r.score.wrongFields.join('; ')}`);
process.exitCode = falseAccepts.length > 0 ? 1 : 0;
