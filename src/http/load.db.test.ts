import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { issueToken } from '../customers/tokens.ts';
import { createTestDatabase, type TestDatabase, testEngine } from '../testing/db.ts';
import { interchange } from '../testing/edifact-gen.ts';
import { type LoadReport, runLoad } from '../testing/load.ts';
import { createTestApp, seedMasterData } from './test-app.ts';

/**
 * The HTTP intake under a short load with the worker in the process, as `serve` runs it: no error,
 * no non-2xx answer, every answered order stored once and finished. Speed is not asserted here;
 * scripts/bench-load.ts prints it.
 */
describe(`HTTP intake under load (${testEngine})`, () => {
  let t: TestDatabase;
  let dir: string;
  let report: LoadReport;

  beforeAll(async () => {
    t = await createTestDatabase();
    dir = await mkdtemp(join(tmpdir(), 'oc-load-'));
    // Answer at once (202) rather than wait for the pipeline: more requests in the few seconds.
    const config = loadConfig({}, { dataDir: dir, 'http.syncWaitMs': 0, 'worker.pollMs': 50 });
    report = await runLoad(t.db, config, {
      seconds: 3,
      connections: 4,
      worker: true,
      drainTimeoutMs: 60_000,
    });
  }, 120_000);
  afterAll(async () => {
    // The figures, for the CI log (speed is not asserted).
    for (const e of report?.endpoints ?? []) {
      console.log(
        `load (${testEngine}) ${e.endpoint}: ${e.requests} requests, ${e.reqPerSec.toFixed(0)} req/s, ` +
          `p99 ${e.latency.p99} ms, errors ${e.errors}, lost ${e.lost}, duplicated ${e.duplicated}`,
      );
    }
    await t?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('answers every request 2xx without a connection error', () => {
    expect(report.endpoints.map((e) => e.endpoint)).toEqual(['POST /api/orders', 'POST /api/edifact']);
    for (const e of report.endpoints) {
      expect(e.requests, e.endpoint).toBeGreaterThan(0);
      expect({ endpoint: e.endpoint, errors: e.errors, timeouts: e.timeouts, non2xx: e.non2xx }).toEqual({
        endpoint: e.endpoint,
        errors: 0,
        timeouts: 0,
        non2xx: 0,
      });
      expect(e.answered2xx, e.endpoint).toBe(e.requests);
    }
    expect(report.logged).toEqual([]);
  });

  it('stores every answered order exactly once, and the worker finishes each', () => {
    for (const e of report.endpoints) {
      expect({ endpoint: e.endpoint, lost: e.lost, duplicated: e.duplicated }).toEqual({
        endpoint: e.endpoint,
        lost: 0,
        duplicated: 0,
      });
      expect(e.stored, e.endpoint).toBe(e.answered2xx + e.unansweredStored);
      // Valid orders of a known customer with lifted credit: none is rejected outright.
      expect(e.outcomes.rejected ?? 0, e.endpoint).toBe(0);
      const finished = Object.values(e.outcomes).reduce((s, n) => s + n, 0);
      expect(finished, e.endpoint).toBe(e.stored);
    }
    expect(report.drainS).not.toBeNull();
    expect(report.problems).toEqual([]);
  });
});

describe(`one Idempotency-Key on several connections at once (${testEngine})`, () => {
  // A client retrying while its first request still runs: the submissions race to store the same
  // source reference. Every answer must name the one document, none may be a 500.
  it.each([
    [
      '/api/orders',
      'application/json',
      (po: string) => JSON.stringify({ poNumber: po, lines: [{ sku: 'TUE-M8', quantity: 100 }] }),
    ],
    [
      '/api/edifact',
      'application/edifact',
      (po: string) =>
        interchange([{ poNumber: po, buyerGln: '8412345000003', lines: [{ sku: 'TUE-M8', quantity: 100 }] }]),
    ],
  ])('%s', async (url, contentType, body) => {
    const t = await createTestApp();
    try {
      await seedMasterData(t.db);
      const token = await issueToken(t.db, 'C042');
      for (let round = 0; round < 5; round++) {
        const key = `RETRY-${round}`;
        const answers = await Promise.all(
          Array.from({ length: 8 }, () =>
            t.app.inject({
              method: 'POST',
              url,
              headers: {
                authorization: `Bearer ${token}`,
                'content-type': contentType,
                'idempotency-key': key,
              },
              payload: body(key),
            }),
          ),
        );
        expect(answers.map((a) => a.statusCode).filter((s) => s >= 300)).toEqual([]);
        const ids = new Set(answers.map((a) => a.json().documentId));
        expect(ids.size).toBe(1);
        const [row] = await t.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM documents WHERE source_ref LIKE $1`,
          [`%:${key}`],
        );
        expect(row!.n).toBe(1);
      }
    } finally {
      await t.close();
    }
  });
});
