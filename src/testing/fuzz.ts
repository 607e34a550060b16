/**
 * Property-based (fuzz) tests share one knob: how many cases each property runs. CI runs the
 * small default of each property; `FUZZ_RUNS=20000` (or `scripts/fuzz.ts`) runs them long.
 * `FUZZ_SEED` replays a failure with the seed fast-check printed; without it the seed is random.
 */
import { appendFileSync } from 'node:fs';
import fc from 'fast-check';

function positiveInt(raw: string | undefined): number | null {
  if (raw === undefined || !/^\d+$/.test(raw.trim())) return null;
  const n = Number(raw);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

/**
 * Cases per property: `defaultCi` unless FUZZ_RUNS is set. `longShare` scales a long run down for
 * properties whose cases are costly (HTTP requests against a database): 0.05 runs 1,000 of 20,000.
 */
export function fuzzRuns(defaultCi: number, longShare = 1): number {
  const long = positiveInt(process.env.FUZZ_RUNS);
  return long === null ? defaultCi : Math.max(1, Math.round(long * longShare));
}

/** fast-check parameters for one property: its case count, and the seed to replay when given. */
export function fuzzParams(defaultCi: number, longShare = 1): fc.Parameters<unknown> {
  const seed = process.env.FUZZ_SEED;
  return {
    numRuns: fuzzRuns(defaultCi, longShare),
    ...(seed !== undefined && /^-?\d+$/.test(seed) ? { seed: Number(seed) } : {}),
  };
}

/** Cases per fast-check run in a long run: the worker gets the event loop back between runs. */
const CHUNK = 1000;

/**
 * Runs a property like `fc.assert` (a failure throws with fast-check's report: seed, path and the
 * shrunk counterexample) and, when FUZZ_REPORT names a file, appends one JSON line per property
 * with the cases it ran, for `scripts/fuzz.ts` to sum up per target. Long runs go in chunks of
 * 1,000 cases, each from its own random seed: a synchronous property running for minutes would
 * starve the test worker's messages to vitest. With FUZZ_SEED the run is one chunk from that seed.
 */
export async function fuzz<Ts extends [unknown, ...unknown[]]>(
  target: string,
  property: fc.IProperty<Ts> | fc.IAsyncProperty<Ts>,
  defaultCi: number,
  longShare = 1,
  /** Cases run first, every time (fast-check `examples`): a path that must always be reached. */
  examples: Ts[] = [],
): Promise<void> {
  const params = fuzzParams(defaultCi, longShare) as fc.Parameters<Ts>;
  const total = params.numRuns ?? defaultCi;
  let ran = 0;
  let failure: fc.RunDetails<Ts> | null = null;
  while (ran < total && failure === null) {
    const numRuns = params.seed === undefined ? Math.min(CHUNK, total - ran) : total;
    const chunk = { ...params, numRuns, examples: ran === 0 ? examples : [] };
    const details = property.isAsync()
      ? await fc.check(property as fc.IAsyncProperty<Ts>, chunk)
      : fc.check(property as fc.IProperty<Ts>, chunk);
    ran += details.numRuns;
    if (details.failed) failure = details;
    else await new Promise((resolve) => setImmediate(resolve));
  }
  const report = process.env.FUZZ_REPORT;
  if (report) {
    const line = { target, runs: ran, failed: failure !== null, seed: failure?.seed ?? null };
    appendFileSync(report, `${JSON.stringify(line)}\n`);
  }
  if (failure) throw new Error(fc.defaultReportMessage(failure));
}
