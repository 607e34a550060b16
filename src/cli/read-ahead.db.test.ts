import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { FAX_LINES, faxTiff } from '../documents/testing.ts';
import { silentLogger } from '../log.ts';
import { importMasterData } from '../masterdata/import.ts';
import { createOcrEngine, type OcrEngine } from '../ocr/index.ts';
import { allFormats } from '../formats/registry.ts';
import { createTestDatabase, type TestDatabase } from '../testing/db.ts';
import { DEMO_MASTER_DATA } from '../testing/pipeline.ts';
import { type ExtractLine, extractFiles } from './extract.ts';
import { ReadAhead } from './read-ahead.ts';

describe('extract reads paper documents ahead of their turn', () => {
  let dir: string;
  let files: string[];
  const real = createOcrEngine({ workers: 2 });
  /** When each whole page's OCR started and ended (ms), in the order they started (crops aside). */
  const calls: { start: number; end: number }[] = [];
  const ocr: OcrEngine = {
    async recognize(png, opts) {
      const call = { start: performance.now(), end: Number.POSITIVE_INFINITY };
      if (!opts?.crop) calls.push(call);
      try {
        return await real.recognize(png, opts);
      } finally {
        call.end = performance.now();
      }
    },
    close: () => real.close(),
  };
  const config = loadConfig({}, { dataDir: '/nonexistent' });
  const formats = allFormats(ocr, [], config.documents);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'oc-read-ahead-'));
    files = [];
    for (const po of ['PO-2026-0042', 'PO-2026-0043']) {
      const file = join(dir, `fax-${po}.tif`);
      writeFileSync(file, await faxTiff([FAX_LINES.map((l) => l.replace('PO-2026-0042', po))], 'fine'));
      files.push(file);
    }
  });
  afterAll(async () => {
    await ocr.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function extract(readAhead: boolean): Promise<ExtractLine[]> {
    const t: TestDatabase = await createTestDatabase();
    try {
      await importMasterData(t.db, DEMO_MASTER_DATA);
      const lines: ExtractLine[] = [];
      const ctx = { db: t.db, config, log: silentLogger, deliverTo: null, formats };
      await extractFiles(
        readAhead ? { ...ctx, readAhead: { reader: new ReadAhead(formats), width: 2 } } : ctx,
        files,
        (l) => lines.push(l),
      );
      return lines;
    } finally {
      await t.close();
    }
  }

  // OCR on a shared 2-core machine: minutes, not the default minute.
  let ahead: ExtractLine[] = [];
  it('OCRs the second fax while the first is still being read', async () => {
    ahead = await extract(true);
    expect(calls).toHaveLength(2);
    // Read one at a time, the second page would reach OCR only after the first one's came back.
    expect(calls[1]!.start).toBeLessThan(calls[0]!.end);
    // In the order given (OCR may read the letter O of "PO" as a zero).
    expect(ahead.map((l) => l.order?.poNumber?.slice(-7))).toEqual(['26-0042', '26-0043']);
  }, 300_000);

  it('prints exactly what reading one document at a time prints', async () => {
    calls.length = 0;
    const oneByOne = await extract(false);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.start).toBeGreaterThanOrEqual(calls[0]!.end);
    expect(ahead).toEqual(oneByOne);
  }, 300_000);
});
