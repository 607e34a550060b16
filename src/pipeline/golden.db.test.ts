import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExtractLine, extractFiles } from '../cli/extract.ts';
import { loadConfig } from '../config.ts';
import { silentLogger } from '../log.ts';
import { importMasterData } from '../masterdata/import.ts';
import { createTestDatabase, type TestDatabase } from '../testing/db.ts';
import { DEMO_MASTER_DATA, FIXTURES } from '../testing/pipeline.ts';

/**
 * Golden files: each input under fixtures/web/ has the canonical order the whole pipeline must
 * produce from it, against the demo master data, beside it as `<name>.expected.json`.
 */
describe('golden canonical orders', async () => {
  const dir = join(FIXTURES, 'web');
  const inputs = (await readdir(dir)).filter((f) => f.endsWith('.json') && !f.endsWith('.expected.json'));
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
    await importMasterData(t.db, DEMO_MASTER_DATA);
  });
  afterAll(() => t.close());

  for (const input of inputs) {
    it(input, async () => {
      const expected = JSON.parse(
        await readFile(join(dir, input.replace(/\.json$/, '.expected.json')), 'utf8'),
      );
      const lines: ExtractLine[] = [];
      const config = loadConfig({}, { dataDir: '/nonexistent' });
      await extractFiles({ db: t.db, config, log: silentLogger, deliverTo: null }, [join(dir, input)], (l) =>
        lines.push(l),
      );
      expect(lines).toHaveLength(1);
      expect(lines[0]!.status).toBe('accepted');
      expect(lines[0]!.order).toEqual(expected);
    });
  }
});
