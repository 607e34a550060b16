// Where the program's modules come from: the compiled JavaScript in dist/ (`npm run build`, run by
// `npm install` through `prepare`) when it is newer than every source file, else the TypeScript
// sources through tsx. The compiled copy starts in a fraction of the time (no TypeScript compiled at
// every start, in the main thread and again in each reader thread); the check costs a few ms and
// means an edit is never shadowed by an old build. ORDER_CAPTURE_SOURCES=1 always runs the sources.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const DIST = join(ROOT, 'dist');
export const STAMP = join(DIST, '.built');
/** The folders compiled to dist/ (tsconfig.build.json). */
export const SOURCE_DIRS = ['src', 'connectors', 'scripts'];

/**
 * Entry points also built as bundles (bin/build.js): source path -> its compiled module (`from`)
 * and its bundle (`to`), both under dist/.
 */
export const BUNDLED = {
  'src/cli/main.ts': { from: 'src/cli/main.js', to: 'bundle/main.js' },
};

/** The newest modification time of a compiled source (tests aside) under dir, in ms. */
function newest(dir) {
  let max = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0; // a folder not shipped (scripts/ in the container image)
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) max = Math.max(max, newest(path));
    else if (!entry.name.endsWith('.test.ts')) max = Math.max(max, statSync(path).mtimeMs);
  }
  return max;
}

/**
 * Whether root/dist/ holds a build at least as new as every source file in `dirs` (the program
 * needs src/ and connectors/; a script, scripts/ too).
 */
export function distIsFresh(root = ROOT, dirs = SOURCE_DIRS) {
  if (process.env.ORDER_CAPTURE_SOURCES === '1') return false;
  let built;
  try {
    built = statSync(join(root, 'dist', '.built')).mtimeMs;
  } catch {
    return false;
  }
  try {
    return dirs.every((d) => newest(join(root, d)) <= built);
  } catch {
    return false; // a file vanished while looking: take the sources, they are what exists
  }
}

/**
 * Imports a module of the project given by its source path (relative to the project root or
 * absolute): its compiled copy when dist/ is fresh, else the source through tsx.
 */
export async function importProjectModule(sourcePath) {
  const abs = resolve(ROOT, sourcePath);
  const rel = relative(ROOT, abs);
  const top = rel.split(/[\\/]/)[0];
  const inProject = !rel.startsWith('..') && SOURCE_DIRS.includes(top);
  const needs = top === 'scripts' ? SOURCE_DIRS : ['src', 'connectors'];
  if (inProject && rel.endsWith('.ts') && distIsFresh(ROOT, needs)) {
    const key = rel.split('\\').join('/');
    const bundled = Object.hasOwn(BUNDLED, key) ? join(DIST, BUNDLED[key].to) : null;
    const file = bundled && existsSync(bundled) ? bundled : join(DIST, rel.replace(/\.ts$/, '.js'));
    return import(pathToFileURL(file).href);
  }
  const { register } = await import('tsx/esm/api');
  register();
  return import(pathToFileURL(abs).href);
}
