import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CanonicalOrder } from '../../src/domain/order.ts';
import { makeCatalog } from './catalog.ts';
import { FAMILY_COUNT, FAMILY_SEED, layoutSignature, makeFamilies } from './families.ts';
import { generateSet } from './generate.ts';
import { scoreOrder } from './score.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const plain = (x: unknown) => JSON.stringify(x, (_k, v) => (v instanceof Map ? [...v.entries()] : v));

async function digest(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(dir)).sort()) {
    if (name === 'masterdata') continue;
    out[name] = createHash('sha256')
      .update(await readFile(join(dir, name)))
      .digest('hex');
  }
  return out;
}

describe('evaluation generator', () => {
  it('draws the declared number of families, each with its own layout, the same for the same seed', () => {
    const a = makeFamilies();
    expect(a).toHaveLength(FAMILY_COUNT);
    expect(FAMILY_COUNT).toBeGreaterThanOrEqual(24);
    expect(new Set(a.map(layoutSignature)).size).toBe(FAMILY_COUNT);
    expect(new Set(a.map((f) => f.customer.id)).size).toBe(FAMILY_COUNT);
    expect(plain(makeFamilies())).toBe(plain(a));
    expect(plain(makeFamilies(FAMILY_SEED + 1))).not.toBe(plain(a));
    // The split is fixed by the seed: half tuning, half held out, every language in both.
    const tuning = a.filter((f) => f.split === 'tuning');
    expect(tuning).toHaveLength(FAMILY_COUNT / 2);
    expect(
      makeFamilies()
        .filter((f) => f.split === 'tuning')
        .map((f) => f.id),
    ).toEqual(tuning.map((f) => f.id));
    // What the axes cover across the families.
    for (const axis of ['headerPos', 'numberFormat', 'pricing', 'lang'] as const) {
      const values = new Set(a.map((f) => f[axis]));
      expect(values.size, axis).toBeGreaterThanOrEqual(4);
    }
    expect(
      a.some((f) => f.multiPage) && a.some((f) => f.wrap) && a.some((f) => f.vat) && a.some((f) => f.stamp),
    ).toBe(true);
  });

  it('writes the same documents and master data for the same seed', async () => {
    const opts = {
      perFamily: 1,
      kinds: ['text-pdf', 'email'] as const,
      splits: ['tuning', 'held-out'] as const,
      families: ['F01', 'F02', 'F05'],
    };
    const one = await mkdtemp(join(tmpdir(), 'evalgen-'));
    const two = await mkdtemp(join(tmpdir(), 'evalgen-'));
    dirs.push(one, two);
    const a = await generateSet(one, { ...opts, kinds: [...opts.kinds], splits: [...opts.splits] });
    const b = await generateSet(two, { ...opts, kinds: [...opts.kinds], splits: [...opts.splits] });
    expect(a.cases.map((c) => c.file)).toEqual(b.cases.map((c) => c.file));
    // 3 families x 2 kinds, and one planted problem per family.
    expect(a.cases.filter((c) => !c.problem)).toHaveLength(6);
    expect(a.cases.filter((c) => c.problem)).toHaveLength(3);
    expect(await digest(one)).toEqual(await digest(two));
    expect(await readFile(join(one, 'masterdata', 'customers.csv'), 'utf8')).toBe(
      await readFile(join(two, 'masterdata', 'customers.csv'), 'utf8'),
    );
    // Every article of an expected order is in the catalog the master data holds.
    const skus = new Set(makeCatalog().map((p) => p.sku));
    for (const c of a.cases.filter((c) => !c.problem)) {
      const order = JSON.parse(
        await readFile(join(one, `${c.file}.expected.json`), 'utf8'),
      ) as CanonicalOrder;
      expect(order.lines.length).toBeGreaterThan(0);
      for (const l of order.lines) expect(skus.has(l.sku!)).toBe(true);
    }
  });
});

describe('evaluation scorer', () => {
  const expected: CanonicalOrder = {
    customer: { id: 'E201', name: 'X', taxId: null },
    poNumber: 'PO-1',
    orderDate: '2026-11-02',
    deliveryDate: null,
    currency: 'EUR',
    shipTo: null,
    lines: [
      {
        lineNo: 1,
        sku: 'A',
        customerRef: null,
        gtin: null,
        description: 'a',
        quantity: 100,
        unit: 'EA',
        unitPrice: 0.11685,
        amount: 11.69,
      },
      {
        lineNo: 2,
        sku: 'B',
        customerRef: null,
        gtin: null,
        description: 'b',
        quantity: 12,
        unit: 'EA',
        unitPrice: 4.9,
        amount: 58.8,
      },
    ],
    total: 70.49,
    notes: null,
  };

  it('scores a perfect reading 1.0', () => {
    const s = scoreOrder(expected, structuredClone(expected));
    expect(s.headerCorrect / s.headerTotal).toBe(1);
    expect(s.linesCorrect).toBe(2);
    expect(s.linesFound).toBe(2);
    expect(s.orderCorrect).toBe(true);
  });

  it('scores a wrong reading lower and says what is wrong', () => {
    const got = structuredClone(expected);
    got.poNumber = '4';
    got.lines[1]!.quantity = 1;
    const s = scoreOrder(expected, got);
    expect(s.headerCorrect / s.headerTotal).toBeLessThan(1);
    expect(s.linesCorrect).toBe(1);
    expect(s.orderCorrect).toBe(false);
    expect(s.wrongFields.join('; ')).toContain('poNumber');
    expect(scoreOrder(expected, null).headerCorrect).toBe(0);
  });
});
