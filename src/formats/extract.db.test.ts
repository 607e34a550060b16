/**
 * Every structured format end to end through `order-capture extract --data` (issue 14): files
 * written here, never seen before, read with the demo master data. Clean orders must be accepted
 * untouched and read field for field; the traps (unknown article, credit limit, not an order,
 * broken envelope) must be found, and nothing may be accepted that should not be.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExtractLine, extractFiles } from '../cli/extract.ts';
import { loadConfig } from '../config.ts';
import { silentLogger } from '../log.ts';
import { importMasterData } from '../masterdata/import.ts';
import { createTestDatabase, type TestDatabase } from '../testing/db.ts';
import { countingOcr } from '../testing/hostile.ts';
import { DEMO_MASTER_DATA } from '../testing/pipeline.ts';
import { FORMATS } from '../testing/format-files.ts';
import { allFormats } from './registry.ts';
import { cleanOrder, type SampleOrder, toCxml, toOrderX, toUbl, toX12 } from './testing.ts';

/** C128 has a credit limit of 100 EUR and is found by its tax id. */
function overCredit(o: SampleOrder): SampleOrder {
  return {
    ...o,
    buyerId: '0000000000000',
    buyerName: 'Bricolaje Express SL',
    taxId: 'ESB28765432',
    email: 'compras@bricoexpress.es',
    lines: [{ ...o.lines[0]!, quantity: 2000 }],
  };
}

describe('every structured format through extract --data', () => {
  let t: TestDatabase;
  let dir: string;
  let seq = 0;
  // Structured formats never need OCR: the engine counts calls, and must see none.
  const ocr = countingOcr();
  const formats = allFormats(ocr);
  beforeAll(async () => {
    t = await createTestDatabase();
    await importMasterData(t.db, DEMO_MASTER_DATA);
    dir = await mkdtemp(join(tmpdir(), 'formats-'));
  });
  afterAll(async () => {
    expect(ocr.calls).toBe(0);
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function extract(format: string, o: SampleOrder): Promise<ExtractLine[]> {
    const { file, write } = FORMATS[format]!;
    const path = join(dir, `${++seq}-${file}`);
    await writeFile(path, await write(o));
    const lines: ExtractLine[] = [];
    const config = loadConfig({}, { dataDir: '/nonexistent' });
    await extractFiles({ db: t.db, config, log: silentLogger, deliverTo: null, formats }, [path], (l) =>
      lines.push(l),
    );
    return lines;
  }

  for (const format of Object.keys(FORMATS)) {
    it(`${format}: a clean order is accepted untouched, read field for field`, async () => {
      const o = cleanOrder(`PO-${format}-${Date.now()}`);
      const [line, ...more] = await extract(format, o);
      expect(more).toEqual([]);
      expect(line!.findings.filter((f) => f.severity !== 'info')).toEqual([]);
      expect(line!.status).toBe('accepted');
      expect(line!.order).toMatchObject({
        customer: { id: 'C042' },
        poNumber: o.po,
        orderDate: o.date,
        deliveryDate: o.delivery,
        lines: [
          { sku: 'TOR-M8-40', quantity: 200, unitPrice: 0.12 },
          { sku: 'ARA-M8', quantity: 400, unitPrice: 0.018 },
        ],
      });
    });

    it(`${format}: an unknown article and a credit limit are found`, async () => {
      const o = cleanOrder(`PO-${format}-U${Date.now()}`);
      o.lines[1] = {
        sku: 'NO-SUCH-1',
        ref: 'ZZ-99',
        description: 'Unknown thing',
        quantity: 5,
        unit: 'EA',
        price: 1,
      };
      const [unknown] = await extract(format, o);
      expect(unknown!.status, JSON.stringify(unknown!.findings)).toBe('review');
      expect(unknown!.findings.map((f) => f.code)).toContain('unknown_sku');
      const [credit] = await extract(format, overCredit(cleanOrder(`PO-${format}-C${Date.now()}`)));
      expect(credit!.status).toBe('review');
      expect(credit!.findings.map((f) => f.code)).toContain('credit_limit_exceeded');
    });
  }

  it.each([
    ['x12', (o: SampleOrder) => toX12(o, { type: '855' })],
    ['ubl', (o: SampleOrder) => toUbl(o, 'OrderResponse')],
    [
      'cxml',
      (o: SampleOrder) =>
        toCxml(o, 'AN01000012345').replace(
          /<Request[\s\S]*<\/Request>/,
          '<Request><ConfirmationRequest/></Request>',
        ),
    ],
    ['order-x', (o: SampleOrder) => toOrderX(o, '231')],
    ['csv', () => 'Nombre;Ciudad;Teléfono\nAna;Madrid;910000000\nLuis;Lugo;982000000\n'],
  ])('%s: what is not an order is rejected as not_an_order', async (format, write) => {
    const path = join(dir, `${++seq}-not-an-order.${format}`);
    await writeFile(path, write(cleanOrder(`PO-N-${seq}`)));
    const lines: ExtractLine[] = [];
    const config = loadConfig({}, { dataDir: '/nonexistent' });
    await extractFiles({ db: t.db, config, log: silentLogger, deliverTo: null, formats }, [path], (l) =>
      lines.push(l),
    );
    expect(lines.map((l) => l.status)).toEqual(['rejected']);
    expect(lines[0]!.findings.map((f) => f.code)).toContain('not_an_order');
  });

  it.each([
    ['x12', (o: SampleOrder) => toX12(o, { seCountOffset: 3 }), 'review'],
    ['x12', (o: SampleOrder) => toX12(o).replace('GE*1*905', 'GE*2*905'), 'review'],
    ['ubl', (o: SampleOrder) => toUbl({ ...o, lines: [] }), 'rejected'],
    ['cxml', (o: SampleOrder) => toCxml(o, 'AN01000012345').replace(/orderID="[^"]*"/, ''), 'review'],
  ])('%s: a broken message is invalid_message and never accepted', async (format, write, status) => {
    const path = join(dir, `${++seq}-broken.${format}`);
    await writeFile(path, write(cleanOrder(`PO-B-${seq}`)));
    const lines: ExtractLine[] = [];
    const config = loadConfig({}, { dataDir: '/nonexistent' });
    await extractFiles({ db: t.db, config, log: silentLogger, deliverTo: null, formats }, [path], (l) =>
      lines.push(l),
    );
    expect(lines.map((l) => l.status)).toEqual([status]);
    expect(lines[0]!.findings.map((f) => f.code)).toContain('invalid_message');
  });
});
