import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layout } from '../../scripts/eval/layout.ts';
import { CUSTOMERS, makeOrder, random } from '../../scripts/eval/orders.ts';
import { faxTiff } from '../../scripts/eval/render.ts';
import { createFaxFolder } from '../../connectors/fax-folder/index.ts';
import { silentLogger } from '../log.ts';
import { createOcrEngine, type OcrEngine } from '../ocr/index.ts';
import { pagesOf } from '../store/pages.ts';
import { createTestPipeline, DEMO_MASTER_DATA, type TestPipeline } from '../testing/pipeline.ts';
import { loadConfig } from '../config.ts';
import { allFormats } from '../formats/registry.ts';
import { templatesFrom } from './templates-source.ts';
import { submit } from './submit.ts';

/**
 * A G4 fax at 'normal' resolution dropped by a gateway, named with the caller's number: stored,
 * OCR'd, the customer found from the fax number, the order read with C042's template, the page
 * image kept for the review screen.
 */
describe('fax end to end', () => {
  let p: TestPipeline;
  let ocr: OcrEngine;
  beforeAll(async () => {
    ocr = createOcrEngine({ workers: 1 });
    const templates = templatesFrom(loadConfig({}).templatesDir, silentLogger);
    p = await createTestPipeline({ 'worker.concurrency': 1 }, DEMO_MASTER_DATA, allFormats(ocr, templates));
  });
  afterAll(async () => {
    await p.close();
    await ocr.close();
  });

  it('reads a dropped fax into an order of the right customer', async () => {
    const style = CUSTOMERS.find((c) => c.id === 'C042')!;
    const g = makeOrder(style, 7, random(7));
    const tiff = await faxTiff(layout(g), {
      header: 'FROM +34912345678 P.1/1',
      skewDeg: 0.3,
      seed: random(1),
    });
    const dir = join(p.dir, 'fax');
    const folder = createFaxFolder({
      dir,
      stableMs: 0,
      pollMs: 10,
      maxBytes: 1 << 24,
      submit: (d) => submit(p.db, d),
      log: silentLogger,
    });
    await folder.scan();
    await writeFile(join(dir, 'fax-+34912345678-0001.tif'), tiff);
    expect(await folder.scan()).toBe(1);
    await p.worker.runUntilIdle();

    const [doc] = await p.db.query<{ id: number; channel: string; sender: string; status: string }>(
      `SELECT id, channel, sender, status FROM documents`,
    );
    expect(doc).toMatchObject({ channel: 'fax', sender: '+34912345678', status: 'processed' });
    const [order] = await p.db.query<{ status: string; customer_id: string; po_number: string }>(
      `SELECT status, customer_id, po_number FROM orders`,
    );
    // The customer comes from the caller's number even when the page reads badly.
    expect(order!.customer_id).toBe('C042');
    // OCR may miss a value on a noisy fax; it must then be null and flagged, never wrong.
    if (order!.po_number !== g.expected.poNumber) {
      expect(order!.po_number).toBeNull();
      expect(order!.status).toBe('review');
    }
    expect(['accepted', 'review']).toContain(order!.status);
    const pages = await pagesOf(p.db, doc!.id);
    expect(pages).toHaveLength(1);
    expect(pages[0]).toMatchObject({ page_no: 1, source: 'ocr' });
    // Normal-resolution fax: stretched back to square pixels, so the page is taller than wide.
    expect(pages[0]!.height).toBeGreaterThan(pages[0]!.width);
    expect(pages[0]!.image_sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});
