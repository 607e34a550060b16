import { describe, expect, it } from 'vitest';
import { descriptionSimilarity, isolatedCode } from './corroborate.ts';
import type { CatalogFacts } from './types.ts';

const catalog = (skus: string[], refs: Record<string, string>): CatalogFacts =>
  ({
    products: new Map(skus.map((s) => [s, { sku: s }])),
    gtins: new Map(),
    crossRefs: new Map(Object.entries(refs)),
  }) as unknown as CatalogFacts;

describe('corroboration helpers', () => {
  it('a code is isolated when no other valid code is one OCR slip from it', () => {
    const c = catalog(['TOR-M8-40', 'TOR-M8-50'], { '4711': 'TOR-M8-40', '4717': 'TUE-M8' });
    expect(isolatedCode('TOR-M8-40', c)).toBe(true);
    // 1 and 7 are read for each other: a misread 4711 could be 4717, a valid reference.
    expect(isolatedCode('4711', c)).toBe(false);
    expect(isolatedCode('tor-m8-40', c)).toBe(true);
  });

  it('descriptions compare by character pairs, accents and case aside', () => {
    expect(descriptionSimilarity('Tornillo M8x40 zincado', 'TORNILLO M8X40 ZINCADO')).toBe(1);
    expect(descriptionSimilarity('Tuerca M8 zincada', 'Tuerca MB zincada')).toBeGreaterThan(0.8);
    expect(descriptionSimilarity('Arandela M8', 'Tornillo M8x40 zincado')).toBeLessThan(0.4);
    expect(descriptionSimilarity('', 'x')).toBe(0);
  });
});
