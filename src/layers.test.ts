/**
 * Import directions (issue 17): what reads, checks and stores orders never reaches up into the
 * transports (connectors/) or the HTTP layer, and formats never into the pipeline. Read from the
 * import statements of the program's files (tests and test helpers may wire anything together).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.ts$/.test(name) && !/\.test\.ts$/.test(name) && name !== 'testing.ts' ? [path] : [];
  });
}

/** The repository paths a file imports (relative specifiers only), static and dynamic. */
function importedPaths(file: string, text: string): string[] {
  const re = /(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)['"](\.[^'"]+)['"]/g;
  return [...text.matchAll(re)].map((m) => relative(ROOT, resolve(dirname(file), m[1]!)));
}

/** Folders that compose the application, or are the HTTP layer: they may import anything. */
const TOP = [
  'src/service.ts',
  'src/app.ts',
  'src/cli/',
  'src/http/',
  'src/review/',
  'src/portal/',
  'src/monitor/',
  'src/testing/',
];
const UP = ['connectors/', 'src/http/', 'src/review/', 'src/portal/', 'src/service.ts', 'src/cli/'];
/** Below the pipeline: they never import the pipeline, workers, delivery or confirmations. */
const BELOW = [
  'src/formats/',
  'src/documents/',
  'src/domain/',
  'src/extract/',
  'src/ocr/',
  'src/validate/',
  'src/store/',
  'src/db/',
];
const PIPELINE = ['src/pipeline/', 'src/worker/', 'src/erp/', 'src/confirm/', 'src/queue/'];

/** Known exceptions, each with its reason (none today: a new one says why it cannot move). */
const KNOWN = new Set<string>();

const under = (path: string, prefixes: string[]) => prefixes.some((p) => path === p || path.startsWith(p));

function violations(files: string[], from: string[], to: string[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    const rel = relative(ROOT, file);
    if (!under(rel, from)) continue;
    for (const target of importedPaths(file, readFileSync(file, 'utf8'))) {
      if (under(target, to) && !KNOWN.has(`${rel} -> ${target}`)) found.push(`${rel} -> ${target}`);
    }
  }
  return found;
}

describe('import directions', () => {
  const files = sources(join(ROOT, 'src'));
  const all = files.map((f) => relative(ROOT, f));

  it('nothing below the application reaches into connectors or the HTTP layer', () => {
    const below = all.filter((f) => !under(f, TOP));
    expect(violations(files, below, UP)).toEqual([]);
  });

  it('the HTTP server knows no plugin: src/app.ts lists them', () => {
    const http = all.filter((f) => f.startsWith('src/http/') && f !== 'src/http/test-app.ts');
    expect(
      violations(files, http, ['connectors/', 'src/review/', 'src/portal/', 'src/monitor/', 'src/app.ts']),
    ).toEqual([]);
  });

  it('formats, documents, extraction, validation and storage never import the pipeline', () => {
    expect(violations(files, BELOW, PIPELINE)).toEqual([]);
  });

  it('connectors are transports: they read no format and import no HTTP route or page', () => {
    const connectors = sources(join(ROOT, 'connectors'));
    const from = connectors.map((f) => relative(ROOT, f)).filter((f) => !f.startsWith('connectors/http/'));
    expect(violations(connectors, from, ['src/formats/', 'src/http/', 'src/review/', 'src/portal/'])).toEqual(
      [],
    );
  });

  it('finds an import that breaks the rule (the check itself works)', () => {
    const file = join(ROOT, 'src/formats/example.ts');
    const paths = importedPaths(file, "import { submit } from '../pipeline/submit.ts';\n");
    expect(paths).toEqual(['src/pipeline/submit.ts']);
    expect(under(paths[0]!, PIPELINE)).toBe(true);
  });
});
