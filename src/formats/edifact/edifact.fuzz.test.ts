import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ExtractOutcome } from '../../domain/extraction.ts';
import { FINDING_CODES } from '../../domain/findings.ts';
import { type GenMessage, interchange } from '../../testing/edifact-gen.ts';
import { fuzz } from '../../testing/fuzz.ts';
import { looksLikeEdifact, readEdifact } from './index.ts';
import { readSyntax } from './syntax.ts';
import { tokenize } from './tokenize.ts';
import { decimal, isoDate } from './values.ts';
import { CORPUS } from '../../testing/services.ts';

const TARGET = 'edifact';
const CORPUS_SEEDS = ['pydifact/order.edi', 'pydifact/order2.edi', 'pydifact/wikipedia_de.edi'];

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const finiteOrNull = (v: number | null) => v === null || Number.isFinite(v);

function validIso(value: string | null): boolean {
  if (value === null) return true;
  if (!ISO_DATE.test(value)) return false;
  return new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value;
}

/**
 * What every outcome of the reader must be, whatever the input: a result (never a throw), findings
 * with known codes and a message, no masked crash of the reader itself, and orders whose numbers
 * are finite (no NaN, no Infinity) and whose dates are real calendar dates.
 */
function checkOutcome(outcome: ExtractOutcome): void {
  expect(['orders', 'rejected']).toContain(outcome.kind);
  const findings = [
    ...outcome.findings,
    ...(outcome.kind === 'orders' ? outcome.orders.flatMap((o) => o.findings) : []),
  ];
  for (const f of findings) {
    expect(FINDING_CODES).toContain(f.code);
    expect(f.message.length).toBeGreaterThan(0);
    // readEdifact turns an exception into this finding: the reader itself must not fail.
    expect(f.message).not.toMatch(/EDIFACT reader failed/);
  }
  if (outcome.kind !== 'orders') return;
  expect(outcome.orders.length).toBeGreaterThan(0);
  for (const part of outcome.orders) {
    const o = part.order;
    expect(part.confidence).toBeGreaterThanOrEqual(0);
    expect(part.confidence).toBeLessThanOrEqual(1);
    expect(finiteOrNull(o.total), `total ${o.total}`).toBe(true);
    expect(validIso(o.orderDate), `orderDate ${o.orderDate}`).toBe(true);
    expect(validIso(o.deliveryDate), `deliveryDate ${o.deliveryDate}`).toBe(true);
    // Line numbers key the stored lines (order_lines.line_no, a 32-bit integer).
    expect(new Set(o.lines.map((l) => l.lineNo)).size, 'line numbers repeat').toBe(o.lines.length);
    for (const l of o.lines) {
      expect(Number.isInteger(l.lineNo) && l.lineNo > 0 && l.lineNo < 2 ** 31, `lineNo ${l.lineNo}`).toBe(
        true,
      );
      for (const v of [l.quantity, l.unitPrice, l.amount]) expect(finiteOrNull(v), `value ${v}`).toBe(true);
    }
  }
}

function read(bytes: Buffer): ExtractOutcome {
  looksLikeEdifact(bytes);
  const outcome = readEdifact(bytes);
  checkOutcome(outcome);
  return outcome;
}

const cents = fc.integer({ min: 0, max: 99_999_999 }).map((c) => c / 100);
const code = fc.stringMatching(/^[A-Z0-9][A-Z0-9-]{0,11}$/);
const genLine = fc.record(
  {
    sku: code,
    gtin: fc.constant('08412345678905'),
    buyerRef: code,
    description: fc.string({
      maxLength: 30,
      unit: fc.constantFrom(..."abcXYZ019 .,:+?'/-áéíñÑçü".split('')),
    }),
    quantity: fc.integer({ min: 1, max: 1_000_000 }),
    unitPrice: cents,
  },
  { requiredKeys: ['quantity'] },
);
const genMessage: fc.Arbitrary<GenMessage> = fc.record({
  poNumber: fc.stringMatching(/^[A-Z0-9][A-Z0-9/+:'?-]{0,15}$/),
  orderDate: fc
    .date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10).replaceAll('-', '')),
  buyerGln: fc.constant('8412345000010'),
  currency: fc.constantFrom('EUR', 'USD', 'GBP'),
  lines: fc.array(genLine, { minLength: 1, maxLength: 6 }),
});
const validInterchange = fc.array(genMessage, { minLength: 1, maxLength: 3 }).map((ms) => interchange(ms));

const corpus = existsSync(join(CORPUS, 'pydifact'))
  ? CORPUS_SEEDS.map((p) => readFileSync(join(CORPUS, p), 'latin1'))
  : [];
/** A valid interchange to mutate: generated, or a real message from the public corpus. */
const seedText =
  corpus.length > 0 ? fc.oneof(validInterchange, fc.constantFrom(...corpus)) : validInterchange;

/** Pieces that make a mutation interesting: service characters, tags, huge and odd values. */
const piece = fc.oneof(
  fc.constantFrom(
    "'",
    '+',
    ':',
    '?',
    '??',
    '\n',
    '\r\n',
    '\x00',
    '\x1a',
    '\ufeff',
    'é',
    '€',
    'UNA:+.? ',
    'UNA:+,? ',
    'UNA',
    "UNB+UNOC:3+X+Y+261120:1000+1'",
    "UNH+1+ORDERS:D:96A:UN'",
    "UNH+2+INVOIC:D:96A:UN'",
    "UNT+99+1'",
    "UNZ+1+1'",
    "UNG+ORDERS+A+B+261120:1000+9'",
    "UNE+1+9'",
    "LIN+1++4711:EN'",
    "QTY+21:1e5'",
    "QTY+21:-'",
    "QTY+21:.'",
    `QTY+21:${'9'.repeat(400)}'`,
    `PRI+AAA:${'9'.repeat(320)}.5:::${'0'.repeat(5)}'`,
    "PRI+AAA:5:::0'",
    `MOA+86:${'9'.repeat(400)}'`,
    "CNT+1:NaN'",
    `CNT+2:${'9'.repeat(400)}'`,
    "DTM+137:20260230:102'",
    "DTM+2:99999999999999:204'",
    "DTM+137:0:718'",
    "UNS+S'",
    `LIN+${'9'.repeat(30)}'`,
    "LIN+0'",
    "LIN+1'",
    "LIN+2147483648'",
  ),
  fc.string({ maxLength: 12 }),
  fc.stringMatching(/^[A-Z]{3}(\+[A-Za-z0-9:?.,-]{0,8}){0,4}'$/),
);

type Mutation =
  | { op: 'insert'; at: number; text: string }
  | { op: 'delete'; at: number; length: number }
  | { op: 'replace'; at: number; text: string }
  | { op: 'truncate'; at: number }
  | { op: 'duplicate'; at: number }
  | { op: 'swap'; a: number; b: number }
  | { op: 'value'; at: number; text: string };

/** Numbers as a broken or hostile sender might write them: hundreds of digits, signs, bare marks. */
const wildNumber = fc.oneof(
  fc
    .tuple(fc.nat({ max: 400 }), fc.nat({ max: 30 }))
    .chain(([i, f]) =>
      fc.tuple(
        fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: i, maxLength: i }),
        fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: f, maxLength: f }),
        fc.constantFrom('', '-', '+'),
        fc.constantFrom('.', ',', ''),
      ),
    )
    .map(([int, frac, sign, mark]) => `${sign}${int}${mark}${frac}`),
  fc.constantFrom('NaN', 'Infinity', '1e400', '0x10', '', '.', '-0', '0.0000000001', ' 1'),
);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: piece }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 20 }) }),
  fc.record({ op: fc.constant('replace' as const), at: fc.nat(), text: piece }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('duplicate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('swap' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({
    op: fc.constant('value' as const),
    at: fc.nat(),
    // With `:::` the second number lands on a price's basis (PRI C509 5284).
    text: fc.oneof(
      wildNumber,
      fc.tuple(wildNumber, wildNumber).map(([a, b]) => `${a}:::${b}`),
    ),
  }),
);

/** The numeric values of an interchange: quantities, prices (and their basis), amounts, counts. */
const NUMERIC_VALUE = /(QTY\+\d+:|PRI\+AA[AB]:|MOA\+\d+:|CNT\+\d:)([^':+]*)/g;

/** Applies mutations at character level (insert, delete, truncate) and segment level (repeat, swap). */
function mutate(text: string, ms: Mutation[]): string {
  let s = text;
  for (const m of ms) {
    const at = (n: number) => (s.length === 0 ? 0 : n % (s.length + 1));
    const segments = s.split("'");
    const seg = (n: number) => n % segments.length;
    switch (m.op) {
      case 'insert':
        s = s.slice(0, at(m.at)) + m.text + s.slice(at(m.at));
        break;
      case 'delete':
        s = s.slice(0, at(m.at)) + s.slice(at(m.at) + m.length);
        break;
      case 'replace':
        s = s.slice(0, at(m.at)) + m.text + s.slice(at(m.at) + m.text.length);
        break;
      case 'truncate':
        s = s.slice(0, at(m.at));
        break;
      case 'duplicate': {
        const i = seg(m.at);
        segments.splice(i, 0, segments[i]!);
        s = segments.join("'");
        break;
      }
      case 'swap': {
        const [i, j] = [seg(m.a), seg(m.b)];
        [segments[i], segments[j]] = [segments[j]!, segments[i]!];
        s = segments.join("'");
        break;
      }
      case 'value': {
        const values = [...s.matchAll(NUMERIC_VALUE)];
        const v = values[m.at % Math.max(1, values.length)];
        if (!v) break;
        const from = v.index + v[1]!.length;
        s = s.slice(0, from) + m.text + s.slice(from + v[2]!.length);
      }
    }
  }
  return s;
}

const encoding = fc.constantFrom<BufferEncoding>('latin1', 'utf8', 'utf16le');

describe('EDIFACT reader, fuzzed', () => {
  it('reads any bytes into an outcome, never a crash', async () => {
    await fuzz(
      TARGET,
      fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => {
        read(Buffer.from(bytes));
      }),
      200,
    );
  });

  it('reads any text after a UNA or UNB start into an outcome', async () => {
    const start = fc.constantFrom("UNA:+.? '", "UNA:+,? '", 'UNB+', 'UNA', 'UNH+', '\ufeffUNB+', ' \r\nUNA');
    const una = fc.tuple(fc.string({ minLength: 6, maxLength: 6 }), fc.string({ maxLength: 400 }));
    await fuzz(
      TARGET,
      fc.property(
        fc.oneof(
          fc.tuple(start, fc.string({ maxLength: 600 }), encoding),
          una.map(([u, rest]) => [`UNA${u}`, rest, 'latin1' as BufferEncoding] as const),
        ),
        ([head, rest, enc]) => {
          read(Buffer.from(head + rest, enc));
        },
      ),
      200,
    );
  });

  it('reads a valid generated interchange back exactly', async () => {
    await fuzz(
      TARGET,
      fc.property(
        fc.array(genMessage, { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        encoding,
        (messages, comma, enc) => {
          // The same interchange with a decimal comma declared in the UNA and used in every value.
          let text = interchange(messages);
          if (comma) {
            text = text
              .replace("UNA:+.? '", "UNA:+,? '")
              .replace(/(QTY\+21:|PRI\+AAA:)(\d+)\.(\d+)/g, '$1$2,$3');
          }
          // UTF-16 is no EDIFACT charset; UTF-8 under a UNOC label is read as UTF-8 (with a note).
          const outcome = read(Buffer.from(text, enc === 'utf16le' ? 'latin1' : enc));
          expect(outcome.kind).toBe('orders');
          if (outcome.kind !== 'orders') return;
          expect(outcome.orders.map((o) => o.order.poNumber)).toEqual(messages.map((m) => m.poNumber));
          for (const [i, m] of messages.entries()) {
            const part = outcome.orders[i]!;
            expect(part.findings.filter((f) => f.severity !== 'info')).toEqual([]);
            const iso = `${m.orderDate!.slice(0, 4)}-${m.orderDate!.slice(4, 6)}-${m.orderDate!.slice(6)}`;
            expect(part.order.orderDate).toBe(iso);
            expect(part.order.currency).toBe(m.currency);
            expect(part.order.lines.map((l) => [l.quantity, l.unitPrice, l.sku, l.description])).toEqual(
              m.lines.map((l) => [
                l.quantity,
                l.unitPrice ?? null,
                l.sku ?? null,
                l.description?.trim() || null,
              ]),
            );
          }
        },
      ),
      100,
    );
  });

  it('reads almost-valid interchanges (mutated valid ones) into an outcome', async () => {
    await fuzz(
      TARGET,
      fc.property(seedText, fc.array(mutation, { minLength: 1, maxLength: 6 }), encoding, (text, ms, enc) => {
        read(Buffer.from(mutate(text, ms), enc));
      }),
      300,
    );
  });

  it('tokenizes any body with any UNA delimiters without throwing', async () => {
    const una = fc
      .string({ minLength: 6, maxLength: 6, unit: 'binary-ascii' })
      .map((c) => readSyntax(Buffer.from(`UNA${c}UNB`, 'latin1')));
    await fuzz(
      TARGET,
      fc.property(una, fc.string({ maxLength: 300, unit: 'binary' }), (syntax, body) => {
        if (typeof syntax === 'string') return;
        const segments = tokenize(body, syntax.delimiters);
        for (const [i, s] of segments.entries()) {
          expect(s.index).toBe(i + 1);
          expect(s.error === undefined ? s.tag.length : 3).toBeGreaterThan(0);
        }
      }),
      100,
    );
  });

  it('numeric and date values are finite numbers and real dates, or refused', async () => {
    await fuzz(
      TARGET,
      fc.property(fc.oneof(wildNumber, fc.string()), fc.constantFrom('.', ','), (raw, mark) => {
        const n = decimal(raw, mark);
        expect(n === undefined || (typeof n === 'number' && Number.isFinite(n))).toBe(true);
      }),
      500,
    );
    await fuzz(
      TARGET,
      fc.property(
        fc.oneof(fc.stringMatching(/^\d{6,14}$/), fc.string({ maxLength: 20 })),
        fc.constantFrom(null, '101', '102', '201', '203', '204', '718', '719', '999'),
        (raw, format) => {
          const iso = isoDate(raw, format);
          expect(iso === undefined || validIso(iso)).toBe(true);
        },
      ),
      500,
    );
  });

  it('regression: a quantity or price of 400 digits is refused, not read as Infinity', () => {
    const text = interchange([
      { poNumber: 'P1', buyerGln: '8412345000010', lines: [{ sku: 'A', quantity: 1, unitPrice: 2 }] },
    ]).replace('QTY+21:1', `QTY+21:1${'0'.repeat(400)}`);
    const outcome = read(Buffer.from(text, 'latin1'));
    expect(outcome.kind).toBe('orders');
    if (outcome.kind !== 'orders') return;
    expect(outcome.orders[0]!.order.lines[0]!.quantity).toBeNull();
    expect(outcome.orders[0]!.findings.map((f) => f.field)).toContain('lines[0].quantity');
  });

  it('regression: repeated, zero and oversized LIN numbers become unique 32-bit line numbers', () => {
    const lines = [1, 2, 3].map((q) => ({ sku: `A${q}`, quantity: q }));
    const text = interchange([{ poNumber: 'P1', buyerGln: '8412345000010', lines }])
      .replace('LIN+2+', 'LIN+1+')
      .replace('LIN+3+', `LIN+${'9'.repeat(12)}+`);
    const outcome = read(Buffer.from(text, 'latin1'));
    if (outcome.kind !== 'orders') throw new Error('no order');
    expect(outcome.orders[0]!.order.lines.map((l) => [l.lineNo, l.quantity])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
  });
});
