import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { distIsFresh } from '../../bin/launch.js';

// bin/ runs the compiled copy in dist/ only while it is at least as new as every source file.
describe('choosing compiled JavaScript or the sources', () => {
  let root: string;
  const at = (path: string, secondsAgo: number) => {
    const t = new Date(Date.now() - secondsAgo * 1000);
    utimesSync(join(root, path), t, t);
  };
  const file = (path: string, secondsAgo: number) => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), 'export {};\n');
    at(path, secondsAgo);
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'oc-launch-'));
    file('src/cli/main.ts', 100);
    file('src/db/migrations/001_init.sql', 100);
    file('connectors/edifact/index.ts', 100);
    file('scripts/bench.ts', 100);
    file('dist/.built', 50);
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
    delete process.env.ORDER_CAPTURE_SOURCES;
  });

  it('uses a build newer than every source', () => {
    expect(distIsFresh(root)).toBe(true);
  });

  it('falls back to the sources once one of them is edited after the build', () => {
    at('connectors/edifact/index.ts', 10);
    expect(distIsFresh(root)).toBe(false);
  });

  it('counts a new migration or asset as an edit too', () => {
    file('src/db/migrations/002_more.sql', 10);
    expect(distIsFresh(root)).toBe(false);
  });

  it('runs the compiled program after a script was edited, but that script from its source', () => {
    at('scripts/bench.ts', 10);
    expect(distIsFresh(root, ['src', 'connectors'])).toBe(true);
    expect(distIsFresh(root)).toBe(false);
  });

  it('ignores edited tests, which are not compiled', () => {
    file('src/cli/main.test.ts', 10);
    expect(distIsFresh(root)).toBe(true);
  });

  it('uses the sources when there is no build, or when asked to', () => {
    process.env.ORDER_CAPTURE_SOURCES = '1';
    expect(distIsFresh(root)).toBe(false);
    delete process.env.ORDER_CAPTURE_SOURCES;
    rmSync(join(root, 'dist', '.built'));
    expect(distIsFresh(root)).toBe(false);
  });
});
