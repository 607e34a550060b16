import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bundleEntries } from '../../bin/bundle.js';

// `npm run build` joins the command line's compiled modules into dist/bundle/ (bin/bundle.js).
describe('the bundled command line', () => {
  let dist: string;
  const file = (path: string, text: string) => {
    mkdirSync(join(dist, path, '..'), { recursive: true });
    writeFileSync(join(dist, path), text);
  };

  beforeEach(() => {
    dist = mkdtempSync(join(tmpdir(), 'oc-bundle-'));
  });
  afterEach(() => {
    rmSync(dist, { recursive: true, force: true });
  });

  it('finds what each module reads beside itself where its compiled copy is, and loads the rest on demand', async () => {
    // Two modules in other folders than the bundle, each reading a file beside itself, one of
    // them imported on demand (a command's module), one using a package through createRequire.
    file('src/db/migrate.js', "export const dir = new URL('./migrations/', import.meta.url).href;\n");
    file('src/db/migrations/001.sql', 'SELECT 1;\n');
    file(
      'src/cli/extract.js',
      [
        "import { readFileSync } from 'node:fs';",
        "import { createRequire } from 'node:module';",
        "import { dir } from '../db/migrate.js';",
        "export const sql = readFileSync(new URL('001.sql', dir), 'utf8');",
        "export const asset = readFileSync(new URL('./assets/help.txt', import.meta.url), 'utf8');",
        "export const pkg = typeof createRequire(import.meta.url).resolve('vitest');",
      ].join('\n'),
    );
    file('src/cli/assets/help.txt', 'help beside extract.js\n');
    file(
      'src/cli/main.js',
      "export const run = async () => { const m = await import('./extract.js'); return [m.sql, m.asset, m.pkg]; };\n",
    );
    // As in the project, packages are found in a node_modules above the compiled modules.
    writeFileSync(join(dist, 'package.json'), '{"type":"module"}\n');
    symlinkSync(join(process.cwd(), 'node_modules'), join(dist, 'node_modules'));

    expect(await bundleEntries(dist, [{ from: 'src/cli/main.js', to: 'bundle/main.js' }])).toBe(true);
    const bundled = readFileSync(join(dist, 'bundle/main.js'), 'utf8');
    expect(bundled).not.toContain("import('./extract.js')"); // the modules are in the bundle

    const main = await import(pathToFileURL(join(dist, 'bundle/main.js')).href);
    expect(await main.run()).toEqual(['SELECT 1;\n', 'help beside extract.js\n', 'string']);
  });
});
