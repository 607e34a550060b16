#!/usr/bin/env node
// `npm run build` (and `prepare`, so `npm install` runs it): compiles src/, connectors/ and
// scripts/ to JavaScript in dist/ (tsc, types not checked here: `npm run check` does that), copies
// the files they read beside them (SQL migrations, browser assets) and stamps the build. bin/ runs
// dist/ when it is newer than every source file, else the sources through tsx (bin/launch.js), so a
// stale build is never run. Without TypeScript installed (a production-only install) it says so
// and leaves the sources to tsx: the program works either way, only its start is slower.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { bundleEntries } from './bundle.js';
import { BUNDLED, DIST, ROOT, SOURCE_DIRS, STAMP } from './launch.js';

const require = createRequire(import.meta.url);
let tsc;
try {
  tsc = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
} catch {
  console.warn('order-capture build: TypeScript is not installed; the sources will run through tsx.');
  process.exit(0);
}
if (!SOURCE_DIRS.every((d) => existsSync(join(ROOT, d)))) {
  console.warn('order-capture build: no sources here yet; nothing built.');
  process.exit(0);
}

const started = performance.now();
rmSync(DIST, { recursive: true, force: true });
const r = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
if (r.status !== 0) {
  rmSync(DIST, { recursive: true, force: true });
  console.error('order-capture build: tsc failed; dist/ removed, the sources run through tsx.');
  process.exit(r.status ?? 1);
}

/** Files read at run time next to the modules that read them (import.meta.url). */
function copyAssets(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (!entry.isDirectory()) continue;
    if (entry.name === 'assets' || entry.name === 'migrations') {
      const to = join(DIST, relative(ROOT, path));
      mkdirSync(dirname(to), { recursive: true });
      cpSync(path, to, { recursive: true });
    } else copyAssets(path);
  }
}
for (const d of SOURCE_DIRS) copyAssets(join(ROOT, d));
await bundleEntries(DIST, Object.values(BUNDLED));
writeFileSync(STAMP, `${new Date().toISOString()}\n`);
const secs = ((performance.now() - started) / 1000).toFixed(1);
console.log(`order-capture build: ${relative(process.cwd(), DIST) || '.'} ready in ${secs} s`);
