import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { FINDING_CODES } from '../domain/findings.ts';
import { silentLogger } from '../log.ts';
import { importMasterData } from '../masterdata/import.ts';
import { createTestDatabase, type TestDatabase } from '../testing/db.ts';
import { DEMO_MASTER_DATA, FIXTURES } from '../testing/pipeline.ts';
import { type ExtractLine, extractFiles } from './extract.ts';

const FINDINGS = join(FIXTURES, 'findings');

interface Expected {
  status: string;
  codes: string[];
  /** Which of the file's lines carries the codes (default: the first). */
  line?: number;
}

describe('extract: every finding code from an input file', async () => {
  const expected: Record<string, Expected> = JSON.parse(
    await readFile(join(FINDINGS, 'expected.json'), 'utf8'),
  );
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
    await importMasterData(t.db, DEMO_MASTER_DATA);
  });
  afterAll(() => t.close());

  it('covers all the contract codes', () => {
    const covered = new Set(Object.values(expected).flatMap((e) => e.codes));
    // Arises only when a customer's access token sends the file (src/validate/customer-mismatch.db.test.ts).
    const tokenOnly = new Set(['customer_mismatch']);
    expect([...FINDING_CODES].filter((c) => !covered.has(c) && !tokenOnly.has(c))).toEqual([]);
  });

  for (const [file, want] of Object.entries(expected)) {
    it(`${file} -> ${want.status} with ${want.codes.join(', ')}`, async () => {
      const lines: ExtractLine[] = [];
      const config = loadConfig({}, { dataDir: '/nonexistent' });
      await extractFiles(
        { db: t.db, config, log: silentLogger, deliverTo: null },
        [join(FINDINGS, file)],
        (l) => lines.push(l),
      );
      const line = lines[want.line ?? 0]!;
      expect(line.status).toBe(want.status);
      expect(line.findings.map((f) => f.code)).toEqual(expect.arrayContaining(want.codes));
      for (const f of line.findings) expect(f.message.length).toBeGreaterThan(10);
    });
  }
});

const HUGE = join(FIXTURES, '..', '..', 'shared', 'corpus', 'pydifact', 'huge_file2.edi');

describe.skipIf(!existsSync(HUGE))('extract on a 2.2 MB interchange of 110,000 segments', () => {
  it('stores it whole and rejects it with the reason, in one attempt', async () => {
    const t = await createTestDatabase();
    try {
      const lines: ExtractLine[] = [];
      const config = loadConfig({}, { dataDir: '/nonexistent' });
      await extractFiles({ db: t.db, config, log: silentLogger, deliverTo: null }, [HUGE], (l) =>
        lines.push(l),
      );
      expect(lines.map((l) => l.status)).toEqual(['rejected']);
      expect(lines[0]!.findings.map((f) => f.code)).toContain('invalid_edifact');
      const [job] = await t.db.query<{ n: number }>(`SELECT count(*)::int8 AS n FROM jobs`);
      expect(job!.n).toBe(0);
    } finally {
      await t.close();
    }
  });
});
