/**
 * Property-based tests of every structured reader (X12, UBL, cXML, Order-X, CSV, XLSX), like the
 * EDIFACT reader's: any bytes and any mutation of a valid file give an outcome (never a throw)
 * with known finding codes, finite numbers and real dates; a valid file written from a random
 * order reads back as that order, whatever separators, decimal marks and column order it uses.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ExtractOutcome } from '../domain/extraction.ts';
import { FINDING_CODES } from '../domain/findings.ts';
import { fuzz } from '../testing/fuzz.ts';
import { readCii } from './cii/read.ts';
import { readCxml } from './cxml/read.ts';
import { readCsv, readXlsx } from './sheet/read.ts';
import { type SampleOrder, sheetRows, toCsv, toCxml, toOrderX, toUbl, toX12, toXlsx } from './testing.ts';
import { readUbl } from './ubl/read.ts';
import { decodeXml, parseXml, XmlError } from './xml/parse.ts';
import { readX12 } from './x12/index.ts';
import { CORPUS } from '../testing/services.ts';

const X12_SEEDS = ['node-x12/850.edi', 'node-x12/850_3.edi', 'smooks-examples/camel-edi-x12-as2/payload.edi']
  .map((p) => join(CORPUS, p))
  .filter((p) => existsSync(p))
  .map((p) => readFileSync(p, 'latin1'));

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const validIso = (v: string | null) =>
  v === null || (ISO_DATE.test(v) && new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) === v);
const finiteOrNull = (v: number | null) => v === null || Number.isFinite(v);

function check(outcome: ExtractOutcome): void {
  expect(['orders', 'rejected']).toContain(outcome.kind);
  const findings = [
    ...outcome.findings,
    ...(outcome.kind === 'orders' ? outcome.orders.flatMap((o) => o.findings) : []),
  ];
  for (const f of findings) {
    expect(FINDING_CODES).toContain(f.code);
    expect(f.message.length).toBeGreaterThan(0);
    // The readers turn an exception into this finding: the reader itself must not fail.
    expect(f.message).not.toMatch(/reader failed/);
  }
  if (outcome.kind !== 'orders') return;
  for (const part of outcome.orders) {
    const o = part.order;
    expect(finiteOrNull(o.total)).toBe(true);
    expect(validIso(o.orderDate), `orderDate ${o.orderDate}`).toBe(true);
    expect(validIso(o.deliveryDate), `deliveryDate ${o.deliveryDate}`).toBe(true);
    expect(new Set(o.lines.map((l) => l.lineNo)).size, 'line numbers repeat').toBe(o.lines.length);
    for (const l of o.lines) {
      expect(Number.isInteger(l.lineNo) && l.lineNo > 0 && l.lineNo < 2 ** 31).toBe(true);
      for (const v of [l.quantity, l.unitPrice, l.amount]) expect(finiteOrNull(v), `value ${v}`).toBe(true);
    }
  }
}

const code = fc.stringMatching(/^[A-Z][A-Z0-9-]{0,11}$/);
const words = fc.stringMatching(/^[A-Za-z][A-Za-z0-9 ]{0,24}[A-Za-z0-9]$/);
const genOrder: fc.Arbitrary<SampleOrder> = fc.record({
  po: fc.stringMatching(/^[A-Z0-9][A-Z0-9-]{0,14}$/),
  date: fc
    .date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10)),
  delivery: fc.constant(null),
  buyerId: fc.stringMatching(/^\d{13}$/),
  buyerName: words,
  taxId: fc.constant(null),
  currency: fc.constantFrom('EUR', 'USD', 'GBP'),
  shipTo: fc.record({
    name: words,
    street: words,
    postalCode: fc.stringMatching(/^\d{5}$/),
    city: words,
    country: fc.constantFrom('ES', 'US'),
  }),
  lines: fc.array(
    fc.record({
      sku: code,
      ref: code,
      description: words,
      quantity: fc.integer({ min: 1, max: 100_000 }),
      unit: fc.constantFrom('EA', 'KG', 'BX'),
      price: fc.integer({ min: 1, max: 9_999_999 }).map((c) => c / 1000),
    }),
    { minLength: 1, maxLength: 8 },
  ),
});

function sameLines(outcome: ExtractOutcome, o: SampleOrder): void {
  check(outcome);
  if (outcome.kind !== 'orders') throw new Error(outcome.findings.map((f) => f.message).join('; '));
  const [part] = outcome.orders;
  expect(part!.order.poNumber).toBe(o.po);
  expect(part!.order.orderDate).toBe(o.date);
  expect(part!.order.lines.map((l) => [l.sku, l.customerRef, l.quantity, l.unitPrice])).toEqual(
    o.lines.map((l) => [l.sku, l.ref, l.quantity, l.price]),
  );
}

/** Character-level mutations: insert a piece, delete a stretch, truncate. */
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    op: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.oneof(
      fc.string({ maxLength: 8 }),
      fc.constantFrom(
        '*',
        '~',
        '>',
        '<',
        '&',
        '&amp;',
        '"',
        '\n',
        ';',
        ',',
        '\x00',
        '\ufeff',
        '</a>',
        '<x>',
        'ISA*',
        'SE*1*1~',
        '9'.repeat(400),
        '1e400',
        'NaN',
      ),
    ),
  }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 30 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
);

type Mutation = { op: 'insert' | 'delete' | 'truncate'; at: number; text?: string; length?: number };

function mutate(text: string, ms: Mutation[]): string {
  let s = text;
  for (const m of ms) {
    const at = s.length === 0 ? 0 : m.at % (s.length + 1);
    if (m.op === 'insert') s = s.slice(0, at) + m.text + s.slice(at);
    else if (m.op === 'delete') s = s.slice(0, at) + s.slice(at + (m.length ?? 1));
    else s = s.slice(0, at);
  }
  return s;
}

const x12Options = fc.record({
  element: fc.constantFrom('*', '|', '^', '!'),
  component: fc.constantFrom('>', ':', '\\'),
  segment: fc.constantFrom('~', "'", '\n'),
  newline: fc.constantFrom('', '\n', '\r\n'),
});

describe('X12 reader, fuzzed', () => {
  it('reads any bytes into an outcome, never a crash', async () => {
    await fuzz(
      'x12',
      fc.property(fc.uint8Array({ maxLength: 2048 }), (b) => check(readX12(Buffer.from(b)))),
      200,
    );
  });

  it('reads back any order with any separators', async () => {
    await fuzz(
      'x12',
      fc.property(genOrder, x12Options, (o, opt) => {
        const options = opt.segment === '\n' ? { ...opt, newline: '' } : opt;
        sameLines(readX12(Buffer.from(toX12(o, options))), o);
      }),
      150,
    );
  });

  it('reads back two interchanges with their own separators, the first wrapped by a VAN', async () => {
    await fuzz(
      'x12',
      fc.property(
        genOrder,
        genOrder,
        x12Options,
        x12Options,
        fc.integer({ min: 60, max: 100 }),
        (a, b, optA, optB, width) => {
          // Wrapping is for files whose terminator is no line break.
          const first = toX12(a, {
            ...optA,
            segment: optA.segment === '\n' ? '~' : optA.segment,
            newline: '',
          });
          const wrapped = first.replace(new RegExp(`(.{${width}})`, 'gs'), '$1\r\n');
          const second = toX12(b, optB.segment === '\n' ? { ...optB, newline: '' } : optB);
          const outcome = readX12(Buffer.from(`${wrapped}\r\n${second}`, 'latin1'));
          check(outcome);
          if (outcome.kind !== 'orders') throw new Error(outcome.findings.map((f) => f.message).join('; '));
          expect(outcome.findings.filter((f) => f.severity !== 'info')).toEqual([]);
          expect(outcome.orders.map((p) => p.order.poNumber)).toEqual([a.po, b.po]);
          const lines = (o: SampleOrder) => o.lines.map((l) => [l.sku, l.ref, l.quantity, l.price]);
          expect(
            outcome.orders.map((p) =>
              p.order.lines.map((l) => [l.sku, l.customerRef, l.quantity, l.unitPrice]),
            ),
          ).toEqual([lines(a), lines(b)]);
        },
      ),
      100,
    );
  });

  it('reads any mutation of a valid or real interchange into an outcome', async () => {
    const seed =
      X12_SEEDS.length > 0
        ? fc.oneof(
            genOrder.map((o) => toX12(o)),
            fc.constantFrom(...X12_SEEDS),
          )
        : genOrder.map((o) => toX12(o));
    await fuzz(
      'x12',
      fc.property(seed, fc.array(mutation, { minLength: 1, maxLength: 6 }), (text, ms) =>
        check(readX12(Buffer.from(mutate(text, ms), 'latin1'))),
      ),
      300,
    );
  });
});

describe('XML readers (UBL, cXML, Order-X), fuzzed', () => {
  const writers = [
    ['ubl', (o: SampleOrder) => toUbl(o), readUbl],
    ['cxml', (o: SampleOrder) => toCxml(o, 'AN01'), readCxml],
    ['order-x', (o: SampleOrder) => toOrderX(o), readCii],
  ] as const;

  for (const [name, write, read] of writers) {
    it(`${name}: reads back any order`, async () => {
      await fuzz(
        name,
        fc.property(genOrder, (o) => sameLines(read(Buffer.from(write(o))), o)),
        100,
      );
    });

    it(`${name}: reads any mutation into an outcome`, async () => {
      await fuzz(
        name,
        fc.property(genOrder, fc.array(mutation, { minLength: 1, maxLength: 6 }), (o, ms) =>
          check(read(Buffer.from(mutate(write(o), ms)))),
        ),
        200,
      );
    });
  }

  it('the XML parser refuses bad input only with an XmlError', async () => {
    await fuzz(
      'xml',
      fc.property(fc.uint8Array({ maxLength: 1024 }), (b) => {
        try {
          parseXml(decodeXml(Buffer.from(b)));
        } catch (err) {
          expect(err).toBeInstanceOf(XmlError);
        }
      }),
      300,
    );
  });
});

describe('sheet readers (CSV, XLSX), fuzzed', () => {
  const sheetOptions = fc.record({
    sep: fc.constantFrom(';', ',', '\t', '|'),
    decimalComma: fc.boolean(),
    shuffle: fc.boolean(),
  });

  it('csv: reads back any order with any separator, decimal mark and column order', async () => {
    await fuzz(
      'csv',
      fc.property(genOrder, sheetOptions, (o, opt) => {
        // A comma is the separator or the decimal mark, never both.
        const options = opt.sep === ',' ? { ...opt, decimalComma: false } : opt;
        sameLines(readCsv(Buffer.from(toCsv(o, options))), o);
      }),
      150,
    );
  });

  it('csv: reads any bytes and any mutation into an outcome', async () => {
    await fuzz(
      'csv',
      fc.property(fc.uint8Array({ maxLength: 2048 }), (b) => check(readCsv(Buffer.from(b)))),
      200,
    );
    await fuzz(
      'csv',
      fc.property(genOrder, fc.array(mutation, { minLength: 1, maxLength: 6 }), (o, ms) =>
        check(readCsv(Buffer.from(mutate(toCsv(o), ms)))),
      ),
      200,
    );
  });

  it('xlsx: reads back any order, and any damaged workbook into an outcome', async () => {
    await fuzz(
      'xlsx',
      fc.asyncProperty(genOrder, async (o) =>
        sameLines(await readXlsx(toXlsx(sheetRows(o, { shuffle: true }))), o),
      ),
      30,
      // A workbook is unzipped and parsed per case: long runs take a tenth of the cases.
      0.1,
    );
    await fuzz(
      'xlsx',
      fc.asyncProperty(
        genOrder,
        fc.nat(),
        fc.uint8Array({ minLength: 1, maxLength: 16 }),
        async (o, at, junk) => {
          const bytes = Buffer.from(toXlsx(sheetRows(o)));
          const i = at % bytes.length;
          bytes.set(junk.subarray(0, bytes.length - i), i);
          check(await readXlsx(bytes));
        },
      ),
      60,
      0.1,
    );
  });
});
