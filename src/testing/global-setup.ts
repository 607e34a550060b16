import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embeddedTemplate, scratchTemplate } from '../db/open.ts';

/**
 * Builds the migrated PGlite templates once, before test files start copying them; collects what
 * the fuzz properties ran (src/testing/fuzz.ts writes a line per property to FUZZ_REPORT) and
 * prints the totals when the run ends. scripts/fuzz.ts names its own report file and sums it.
 */
export default async function setup(): Promise<() => void> {
  await embeddedTemplate();
  await scratchTemplate();
  if (process.env.FUZZ_REPORT) return () => {};
  const dir = mkdtempSync(join(tmpdir(), 'oc-fuzz-report-'));
  const report = join(dir, 'fuzz.ndjson');
  process.env.FUZZ_REPORT = report;
  return () => {
    let lines: Array<{ target: string; runs: number; failed: boolean }> = [];
    try {
      lines = readFileSync(report, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l));
    } catch {
      // No fuzz file ran (a filtered run).
    }
    rmSync(dir, { recursive: true, force: true });
    if (lines.length === 0) return;
    const byTarget = new Map<string, number>();
    for (const l of lines) byTarget.set(l.target, (byTarget.get(l.target) ?? 0) + l.runs);
    const total = lines.reduce((s, l) => s + l.runs, 0);
    const failed = lines.filter((l) => l.failed).length;
    const parts = [...byTarget].map(([t, n]) => `${t} ${n}`).join(', ');
    process.stdout.write(`fuzz: ${lines.length} properties, ${total} cases (${parts}), ${failed} failed\n`);
  };
}
