/**
 * The committed package-lock.json is what `npm ci` installs on Linux and macOS, and what
 * `npm install` on a fresh clone must leave as it is: it names package.json's dependencies at the
 * same ranges, and every platform package an optional dependency names (sharp's libvips, biome,
 * esbuild, rollup builds for darwin, linux, win32), not only those of the machine that wrote it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface LockEntry {
  version?: string;
  os?: string[];
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

const read = (name: string) => JSON.parse(readFileSync(new URL(`../${name}`, import.meta.url), 'utf8'));

/** What in `lock` would make npm rewrite it or fail on another platform; empty when none. */
function lockProblems(
  pkg: { dependencies?: Record<string, string>; devDependencies?: Record<string, string> },
  lock: { lockfileVersion: number; packages: Record<string, LockEntry> },
): string[] {
  const problems: string[] = [];
  if (lock.lockfileVersion < 3) problems.push(`lockfileVersion ${lock.lockfileVersion}`);
  const root = lock.packages[''] ?? {};
  for (const kind of ['dependencies', 'devDependencies'] as const) {
    const want = JSON.stringify(Object.entries(pkg[kind] ?? {}).sort());
    const have = JSON.stringify(Object.entries(root[kind] ?? {}).sort());
    if (want !== have) problems.push(`${kind} differ from package.json`);
  }
  for (const [path, entry] of Object.entries(lock.packages)) {
    for (const name of Object.keys(entry.optionalDependencies ?? {})) {
      const nested = `${path}/node_modules/${name}`;
      if (!lock.packages[nested] && !lock.packages[`node_modules/${name}`]) {
        problems.push(`${path || 'root'}: optional ${name} is not in the lock`);
      }
    }
  }
  const platforms = new Set(Object.values(lock.packages).flatMap((e) => e.os ?? []));
  for (const os of ['linux', 'darwin']) if (!platforms.has(os)) problems.push(`no ${os} packages`);
  return problems;
}

describe('package-lock.json', () => {
  it('matches package.json and holds every platform package, so npm ci works on Linux and macOS', () => {
    expect(lockProblems(read('package.json'), read('package-lock.json'))).toEqual([]);
  });

  it('finds a lock written on one platform only', () => {
    const lock = read('package-lock.json');
    const linuxOnly = {
      ...lock,
      packages: Object.fromEntries(
        Object.entries(lock.packages as Record<string, LockEntry>).filter(
          ([, e]) => !e.os?.includes('darwin'),
        ),
      ),
    };
    expect(lockProblems(read('package.json'), linuxOnly)).toContain('no darwin packages');
  });
});
