/** The supplier's catalog the evaluation's master data holds: SKU, GTIN, unit, list price, pack. */
import { LONG_TAIL, type Lang, NOUNS } from './words.ts';

export interface Product {
  sku: string;
  gtin: string;
  noun: number;
  spec: string;
  unit: string;
  listPrice: number;
  pack: number;
}

const SPECS: Array<{ code: string; specs: Array<[string, string]>; price: number; pack: number }> = [
  {
    code: 'TOR',
    specs: [
      ['M8-40', 'M8x40 DIN 933 8.8'],
      ['M10-60', 'M10x60 DIN 933 8.8'],
      ['M6-20A2', 'M6x20 DIN 933 A2'],
    ],
    price: 0.14,
    pack: 100,
  },
  {
    code: 'TUE',
    specs: [
      ['M8', 'M8 DIN 934'],
      ['M10', 'M10 DIN 934'],
      ['M12', 'M12 DIN 934'],
    ],
    price: 0.045,
    pack: 100,
  },
  {
    code: 'ARA',
    specs: [
      ['M8', 'M8 DIN 125'],
      ['M10', 'M10 DIN 125'],
      ['M6A2', 'M6 DIN 125 A2'],
    ],
    price: 0.018,
    pack: 100,
  },
  {
    code: 'TAC',
    specs: [
      ['N6', '6x30 mm'],
      ['N8', '8x40 mm'],
      ['N10', '10x50 mm'],
    ],
    price: 0.04,
    pack: 100,
  },
  {
    code: 'BRO',
    specs: [
      ['HSS-45', '4,5 mm'],
      ['HSS-8', '8 mm'],
      ['HSS-10', '10 mm'],
    ],
    price: 2.05,
    pack: 10,
  },
  {
    code: 'DIS',
    specs: [
      ['115-10', '115x1,0 mm'],
      ['125-16', '125x1,6 mm'],
      ['230-25', '230x2,5 mm'],
    ],
    price: 0.85,
    pack: 25,
  },
  {
    code: 'ABR',
    specs: [
      ['12-22', '12-22 mm W2'],
      ['20-32', '20-32 mm W2'],
      ['32-50', '32-50 mm W4'],
    ],
    price: 0.42,
    pack: 50,
  },
  {
    code: 'BRI',
    specs: [
      ['48-200', '4,8x200 mm'],
      ['36-150', '3,6x150 mm'],
      ['76-370', '7,6x370 mm'],
    ],
    price: 0.026,
    pack: 100,
  },
  {
    code: 'SPR',
    specs: [
      ['LUB-400', '400 ml'],
      ['LUB-200', '200 ml'],
      ['LUB-500', '500 ml'],
    ],
    price: 4.9,
    pack: 12,
  },
  {
    code: 'SIL',
    specs: [
      ['N-280', '280 ml'],
      ['N-300', '300 ml'],
      ['N-310', '310 ml'],
    ],
    price: 3.65,
    pack: 12,
  },
  {
    code: 'GUA',
    specs: [
      ['NIT-8', 'T8 / M'],
      ['NIT-9', 'T9 / L'],
      ['NIT-10', 'T10 / XL'],
    ],
    price: 0.28,
    pack: 12,
  },
  {
    code: 'CIN',
    specs: [
      ['AM-5025', '50 mm x 25 m'],
      ['AM-5050', '50 mm x 50 m'],
      ['AM-7550', '75 mm x 50 m'],
    ],
    price: 3.4,
    pack: 6,
  },
  {
    code: 'VAR',
    specs: [
      ['M8-1000', 'M8x1000 DIN 976'],
      ['M10-1000', 'M10x1000 DIN 976'],
      ['M12-1000', 'M12x1000 DIN 976'],
    ],
    price: 1.35,
    pack: 10,
  },
  {
    code: 'REM',
    specs: [
      ['40-10', '4,0x10 mm Al'],
      ['48-12', '4,8x12 mm Al'],
      ['32-08', '3,2x8 mm Al'],
    ],
    price: 0.032,
    pack: 100,
  },
];

/** GS1 check digit of the first 12 (or 13) digits. */
export function gtinCheck(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const d = Number(body[body.length - 1 - i]);
    sum += i % 2 === 0 ? d * 3 : d;
  }
  return String((10 - (sum % 10)) % 10);
}

export function makeCatalog(): Product[] {
  const out: Product[] = [];
  SPECS.forEach((s, noun) => {
    s.specs.forEach(([code, spec], k) => {
      const body = `8437001${String(10000 + noun * 100 + k * 7).slice(-5)}`;
      out.push({
        sku: `${s.code}-${code}`,
        gtin: body + gtinCheck(body),
        noun,
        spec,
        unit: 'EA',
        listPrice: Math.round(s.price * (1 + k * 0.35) * 1000) / 1000,
        pack: s.pack,
      });
    });
  });
  return out;
}

export function describe(p: Product, lang: Lang, long: boolean): string {
  const base = `${NOUNS[p.noun]![lang]} ${p.spec}`;
  return long ? `${base}, ${LONG_TAIL[lang]}` : base;
}
