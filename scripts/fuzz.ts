/**
 * Runs the property-based (fuzz) tests long: every `*.fuzz.test.ts` (and `*.fuzz.db.test.ts`, on both engines) with FUZZ_RUNS cases per
 * property (default 20,000; HTTP properties run a twentieth of that), then prints per target the
 * properties, the cases run and the failures. A failure's seed and counterexample are in the
 * vitest output above the summary; replay one with FUZZ_SEED=<seed>.
 *
 *   node bin/run-ts.js scripts/fuzz.ts [runs] [file filter...]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const ROOTS = ['src', 'connectors'];

interface Line {
  target: string;
  runs: number;
  failed: boolean;
  seed: number | null;
}

function fuzzFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules') return [];
    if (statSync(path).isDirectory()) return fuzzFiles(path);
    return /\.fuzz\.(?:[a-z]+\.)*test\.ts$/.test(name) ? [relative(ROOT, path)] : [];
  });
}

function main(): number {
  const [first, ...filters] = process.argv.slice(2);
  if (first !== undefined && !/^\d+$/.test(first)) {
    console.error('usage: node bin/run-ts.js scripts/fuzz.ts [runs] [file filter...]');
    return 2;
  }
  const runs = first ?? '20000';
  const files = ROOTS.flatMap((r) => fuzzFiles(join(ROOT, r))).filter(
    (f) => filters.length === 0 || filters.some((x) => f.includes(x)),
  );
  if (files.length === 0) {
    console.error('no fuzz test files match');
    return 2;
  }
  const dir = mkdtempSync(join(tmpdir(), 'oc-fuzz-'));
  const report = join(dir, 'report.jsonl');
  console.log(
    `fuzzing ${files.length} files with FUZZ_RUNS=${runs}${process.env.FUZZ_SEED ? ` FUZZ_SEED=${process.env.FUZZ_SEED}` : ''}`,
  );
  const started = Date.now();
  // Long runs take minutes per property: the per-test timeout is raised to an hour.
  const result = spawnSync(
    'npx',
    ['vitest', 'run', '--reporter=verbose', '--testTimeout=3600000', ...files],
    {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, FUZZ_RUNS: runs, FUZZ_REPORT: report },
    },
  );
  const lines: Line[] = (() => {
    try {
      return readFileSync(report, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Line);
    } catch {
      return [];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  })();
  const targets = new Map<string, { properties: number; cases: number; failures: Line[] }>();
  for (const l of lines) {
    const t = targets.get(l.target) ?? { properties: 0, cases: 0, failures: [] };
    t.properties++;
    t.cases += l.runs;
    if (l.failed) t.failures.push(l);
    targets.set(l.target, t);
  }
  console.log(`\nfuzz summary (${Math.round((Date.now() - started) / 1000)} s)`);
  console.log('target      properties       cases  failures');
  for (const [name, t] of [...targets].sort(([a], [b]) => a.localeCompare(b))) {
    const seeds = t.failures.map((f) => ` seed ${f.seed}`).join(',');
    console.log(
      `${name.padEnd(10)} ${String(t.properties).padStart(11)} ${String(t.cases).padStart(11)} ${String(t.failures.length).padStart(9)}${seeds}`,
    );
  }
  const failed = lines.filter((l) => l.failed).length;
  if (result.status !== 0 && failed === 0)
    console.log('vitest failed outside the properties: see its output above');
  return result.status === 0 ? 0 : 1;
}

process.exitCode = main();
