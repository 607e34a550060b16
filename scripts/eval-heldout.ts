/**
 * Generalisation check on a set of documents this project did not write (`../shared/devset`, or
 * any set with the same truth.json / score.py layout): the layout families used while tuning
 * the reader and the families held out of tuning are scored apart, so the held-out figure says
 * how the reader does on a customer it has never seen. Only the held-out table counts.
 *
 *   node bin/run-ts.js scripts/eval-heldout.ts [--set ../shared/devset] \
 *        [--tuned P1,P2,P3,P4,P5,P6] [--held-out P7,P8,P9,P10]
 *
 * Needs python3 (the set's own scorer runs `order-capture extract --data ... --json` itself).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    set: { type: 'string', default: '../shared/devset' },
    tuned: { type: 'string', default: 'P1,P2,P3,P4,P5,P6' },
    'held-out': { type: 'string', default: 'P7,P8,P9,P10' },
  },
});
const set = resolve(values.set!);
if (!existsSync(join(set, 'score.py')) || !existsSync(join(set, 'subset.py'))) {
  console.error(`${set}: no score.py / subset.py there; give the evaluation set with --set`);
  process.exit(2);
}
const root = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'ordercap-heldout-'));

function run(args: string[]): string {
  const r = spawnSync('python3', args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`python3 ${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}

try {
  for (const [name, families, others] of [
    ['tuned on', values.tuned!, false],
    ['held out of tuning', values['held-out']!, true],
  ] as const) {
    const dir = join(work, name.replace(/\W+/g, '-'));
    run([join(set, 'subset.py'), '--layouts', families, ...(others ? ['--with-others'] : []), '--out', dir]);
    const table = run([join(set, 'score.py'), root, '--eval-dir', dir, '--no-speed-run']);
    console.log(`\n## Families ${name}: ${families}${others ? ' (+ documents of no family)' : ''}\n`);
    console.log(table.trim());
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
