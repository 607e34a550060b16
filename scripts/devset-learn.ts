/**
 * The development set with learning: teaches the first clean document of each layout family
 * (truth.json, in name order) through `extract --teach`, extracts all the other documents, and
 * scores them with the set's own scorer (score.py --from-ndjson) on a truth.json without the
 * taught documents; then the same documents without teaching, for comparison.
 *
 *   node bin/run-ts.js scripts/devset-learn.ts [--devset ../shared/devset] [--out .tmp/devset-learn]
 *                                              [--layouts P1,P2] [--no-baseline] [-v]
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs, promisify } from 'node:util';

const run = promisify(execFile);
const { values } = parseArgs({
  options: {
    devset: { type: 'string', default: '../shared/devset' },
    out: { type: 'string', default: '.tmp/devset-learn' },
    layouts: { type: 'string' },
    'no-baseline': { type: 'boolean', default: false },
    verbose: { type: 'boolean', short: 'v', default: false },
  },
});

interface TruthDoc {
  kind: string;
  layout: string | null;
  orders: Array<{ expectStatus: string; order: unknown }>;
}
const devset = resolve(values.devset!);
const out = resolve(values.out!);
const truth: { documents: Record<string, TruthDoc> } = JSON.parse(
  await readFile(join(devset, 'truth.json'), 'utf8'),
);
const only = values.layouts ? new Set(values.layouts.split(',')) : null;
const names = Object.keys(truth.documents)
  .filter((n) => !only || only.has(truth.documents[n]!.layout ?? ''))
  .sort();

// The first clean document of each family: one order, accepted as it is.
const taught = new Map<string, string>();
for (const name of names) {
  const d = truth.documents[name]!;
  const clean = d.orders.length === 1 && d.orders[0]!.expectStatus === 'accepted' && d.orders[0]!.order;
  if (d.layout && clean && !taught.has(d.layout)) taught.set(d.layout, name);
}
const teachNames = new Set(taught.values());
const rest = names.filter((n) => !teachNames.has(n));

await rm(out, { recursive: true, force: true });
const evalDir = join(out, 'evalset');
await mkdir(join(evalDir, 'docs'), { recursive: true });
await symlink(join(devset, 'data'), join(evalDir, 'data'));
for (const n of rest) await symlink(join(devset, 'docs', n), join(evalDir, 'docs', n));
const documents = Object.fromEntries(rest.map((n) => [n, truth.documents[n]]));
await writeFile(join(evalDir, 'truth.json'), JSON.stringify({ ...truth, documents }));
const pairs = join(out, 'pairs.ndjson');
await writeFile(
  pairs,
  [...teachNames]
    .map((n) =>
      JSON.stringify({ source: join(devset, 'docs', n), order: truth.documents[n]!.orders[0]!.order }),
    )
    .join('\n'),
);
console.log(`taught (left out of the scores): ${[...taught].map(([l, n]) => `${l} ${n}`).join(', ')}`);

const bin = resolve('bin/order-capture.js');
const files = rest.map((n) => join(devset, 'docs', n));
const extract = async (label: string, extra: string[]) => {
  const t0 = performance.now();
  const { stdout } = await run(
    'node',
    [bin, 'extract', '--data', join(devset, 'data'), ...extra, '--json', ...files],
    { maxBuffer: 64 << 20 },
  );
  const path = join(out, `${label}.ndjson`);
  await writeFile(path, stdout);
  const seconds = ((performance.now() - t0) / 1000).toFixed(0);
  const score = await run(
    'python3',
    [
      join(devset, 'score.py'),
      '--from-ndjson',
      path,
      '--eval-dir',
      evalDir,
      ...(values.verbose ? ['-v'] : []),
    ],
    { maxBuffer: 16 << 20 },
  );
  console.log(`\n== ${label} (${files.length} documents, ${seconds} s) ==\n${score.stdout}`);
};
await extract('learned', ['--teach', pairs]);
if (!values['no-baseline']) await extract('generic', []);
