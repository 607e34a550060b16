import { appendFileSync } from 'node:fs';
import type { Reporter, TestModule } from 'vitest/node';

/**
 * Where a test run's time goes, one JSON line per test file: wall time in the worker, the part
 * spent importing (collect), the tests themselves, and the slowest imports. Written to the file
 * ORDERCAP_TEST_TIMINGS names (vitest.config.ts adds this reporter only then), for
 * `scripts/test-timings.ts`-style summing with jq or node; never read by a test.
 */
export default class TimingReporter implements Reporter {
  private readonly out = process.env.ORDERCAP_TEST_TIMINGS ?? '';

  private readonly started = new Map<string, number>();

  onTestModuleStart(m: TestModule): void {
    this.started.set(m.moduleId, Date.now());
  }

  onTestModuleEnd(m: TestModule): void {
    if (!this.out) return;
    const d = m.diagnostic();
    const imports = Object.entries(d.importDurations)
      .map(([f, t]) => ({ f, self: Math.round(t.selfTime), total: Math.round(t.totalTime) }))
      .sort((a, b) => b.self - a.self)
      .slice(0, 5);
    const line = {
      file: m.moduleId.replace(`${process.cwd()}/`, ''),
      project: m.project.name,
      node: process.version,
      state: m.state(),
      start: this.started.get(m.moduleId) ?? 0,
      end: Date.now(),
      duration: Math.round(d.duration),
      collect: Math.round(d.collectDuration),
      setup: Math.round(d.setupDuration),
      prepare: Math.round(d.prepareDuration),
      env: Math.round(d.environmentSetupDuration),
      importSelfSum: Math.round(Object.values(d.importDurations).reduce((s, t) => s + t.selfTime, 0)),
      imports,
    };
    appendFileSync(this.out, `${JSON.stringify(line)}\n`);
  }
}
