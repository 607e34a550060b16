/**
 * The learner on the engine under test: teaching, forgetting a switched-off part, replacing a
 * layout a contradicting order disagrees with. The teaching programs are teach.slow.test.ts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExtractLine, extractFiles } from '../cli/extract.ts';
import { loadConfig } from '../config.ts';
import { silentLogger } from '../log.ts';
import { importMasterData } from '../masterdata/import.ts';
import { createOcrEngine, type OcrEngine } from '../ocr/index.ts';
import { allFormats } from '../formats/registry.ts';
import { createTestDatabase, type TestDatabase } from '../testing/db.ts';
import { DEMO_MASTER_DATA } from '../testing/pipeline.ts';
import { activeLayouts, learnedLayouts, listLayouts, switchOff } from './store.ts';
import { teachFiles } from '../cli/teach-files.ts';
import { oddDocument, oddStyle, unlabelledPo, writeDocument } from './testing.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'learn-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('forgetting', () => {
  let t: TestDatabase;
  let ocr: OcrEngine;
  beforeAll(async () => {
    t = await createTestDatabase();
    await importMasterData(t.db, DEMO_MASTER_DATA);
    ocr = createOcrEngine({ workers: 1 });
  });
  afterAll(async () => {
    await ocr.close();
    await t.close();
  });

  it('a switched-off layout reads nothing; a contradicting order replaces what was learned, logged', async () => {
    const config = loadConfig({}, { dataDir: '/nonexistent' });
    const ctx = {
      db: t.db,
      config,
      log: silentLogger,
      deliverTo: null,
      formats: allFormats(ocr, [], {}, learnedLayouts(t.db, 0)),
    };
    const style = oddStyle();
    const first = await oddDocument(style, 50);
    const f1 = await writeDocument(join(dir, 'forget'), 'first', first);
    await teachFiles(ctx, [{ file: f1, order: first.order }], { actor: 'user:ana', source: 'review' });
    const extract = async (n: number) => {
      const lines: ExtractLine[] = [];
      await extractFiles(
        ctx,
        [await writeDocument(join(dir, 'forget'), `n${n}`, await oddDocument(style, n))],
        (l) => lines.push(l),
      );
      return lines[0]!;
    };
    expect((await extract(51)).status).toBe('accepted');

    const [layout] = await listLayouts(t.db);
    expect(layout).toMatchObject({
      customer_id: 'C042',
      version: 1,
      created_by: 'user:ana',
      source: 'review',
    });
    // Switching off one part (the PO number's place): that part is forgotten, the rest stays.
    await t.db.transaction((tx) => switchOff(tx, layout!.id, 'poNumber', 'user:jefa'));
    expect((await activeLayouts(t.db))[0]!.model.header.poNumber).toBeUndefined();
    const without = await extract(52);
    expect(without.status).toBe('review');
    expect(unlabelledPo(without)).toBe(true);

    // The same customer's layout with the PO number moved under another label: replaced, logged.
    const moved = { ...style, labels: { ...style.labels, po: 'Su pedido:' } };
    const other = await oddDocument(moved, 53);
    const f2 = await writeDocument(join(dir, 'forget'), 'moved', other);
    await teachFiles(ctx, [{ file: f2, order: other.order }], { actor: 'user:ana', source: 'review' });
    const rows = await listLayouts(t.db);
    expect(rows.map((r) => [r.version, r.replaced_at === null])).toEqual([
      [2, true],
      [1, false],
    ]);
    // The part the admin switched off is taught anew by the contradicting order, so it is on again.
    expect(rows[0]!.disabled).toEqual([]);
    const [event] = await t.db.query<{ detail: { conflicts: string[] } }>(
      `SELECT detail FROM events WHERE kind = 'layout.replaced'`,
    );
    expect(event!.detail.conflicts.join()).toContain('poNumber');

    // The whole layout off: nothing learned is used.
    await t.db.transaction((tx) => switchOff(tx, rows[0]!.id, null, 'user:jefa'));
    expect(await activeLayouts(t.db)).toEqual([]);
    const [off] = await t.db.query<{ actor: string; field: string | null }>(
      `SELECT actor, field FROM events WHERE kind = 'layout.switched_off' ORDER BY id DESC LIMIT 1`,
    );
    expect(off).toEqual({ actor: 'user:jefa', field: null });
  }, 120_000);
});
