import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string };
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { engines?: { node?: string } | string[]; os?: string[]; cpu?: string[] }>;
};
const semver = createRequire(import.meta.url)('semver') as {
  satisfies(version: string, range: string): boolean;
  minVersion(range: string): { version: string } | null;
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sources(path);
    return /\.(ts|js|mjs)$/.test(name) ? [path] : [];
  });
}

/** Package names a file imports: static and dynamic imports, require and require.resolve. */
function importsOf(text: string): string[] {
  const names = new Set<string>();
  const re = /(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+|\brequire(?:\.resolve)?\s*\(\s*)['"]([^'"]+)['"]/g;
  for (const m of text.matchAll(re)) {
    const spec = m[1]!;
    if (spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('node:')) continue;
    const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
    if (builtinModules.includes(name)) continue;
    names.add(name);
  }
  return [...names];
}

describe('declared dependencies', () => {
  const files = ['src', 'connectors', 'bin', 'scripts'].flatMap((d) => sources(join(ROOT, d)));

  it('declares every package the code imports: the program in dependencies, tests and scripts at least in devDependencies', () => {
    const missing: string[] = [];
    for (const file of files) {
      const rel = relative(ROOT, file);
      // bin/build.js (and bin/bundle.js, its part) runs at `prepare`, where devDependencies are
      // installed; it is build tooling.
      const runtime =
        !/\.test\.ts$/.test(rel) &&
        !/^src\/testing\//.test(rel) &&
        !/^scripts\//.test(rel) &&
        rel !== 'bin/build.js' &&
        rel !== 'bin/bundle.js';
      for (const name of importsOf(readFileSync(file, 'utf8'))) {
        const declared = runtime
          ? name in pkg.dependencies
          : name in pkg.dependencies || name in pkg.devDependencies;
        if (!declared) missing.push(`${rel}: ${name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('has no dependency that nothing imports (pdf-parse was one: pdfjs-dist is used directly)', () => {
    const used = new Set(files.flatMap((f) => importsOf(readFileSync(f, 'utf8'))));
    // Loaded by name at run time, not imported: language data for tesseract.js, and the canvas
    // pdfjs-dist renders pages on in Node.
    const loadedByName = ['@tesseract.js-data/eng', '@tesseract.js-data/spa', '@napi-rs/canvas', 'tsx'];
    const unused = Object.keys(pkg.dependencies).filter((d) => !used.has(d) && !loadedByName.includes(d));
    expect(unused).toEqual([]);
    expect(pkg.dependencies).not.toHaveProperty('pdf-parse');
  });

  it('installs on every Node version package.json promises, 20.19+ and 22 (no EBADENGINE)', () => {
    const floor = semver.minVersion(pkg.engines.node)!.version;
    const versions = [floor, '20.20.0', '22.12.0', '22.20.0'];
    for (const v of versions) expect(semver.satisfies(v, pkg.engines.node)).toBe(true);
    const refused: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
      // A platform's optional package (sharp-win32-ia32) is only installed, and checked, there.
      if (!path || !range || entry.os || entry.cpu) continue;
      for (const v of versions)
        if (!semver.satisfies(v, range)) refused.push(`${path} (${range}) refuses Node ${v}`);
    }
    expect(refused).toEqual([]);
  });
});
