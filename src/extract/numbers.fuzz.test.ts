import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzz } from '../testing/fuzz.ts';
import { detectNumberFormat, formatEvidence, type NumberFormat, parseNumber, round } from './numbers.ts';

const TARGET = 'numbers';

/** Locales whose printed numbers a document may carry, the format each writes, its usual currencies. */
const LOCALES: Array<[string, NumberFormat, string[]]> = [
  ['es-ES', 'eu', ['EUR', 'USD']],
  ['de-DE', 'eu', ['EUR']],
  ['it-IT', 'eu', ['EUR']],
  ['fr-FR', 'eu', ['EUR']],
  ['pt-BR', 'eu', ['EUR']],
  ['en-US', 'us', ['USD', 'EUR', 'GBP']],
  ['en-GB', 'us', ['GBP', 'EUR', 'USD']],
  ['de-CH', 'us', ['EUR', 'USD']],
];

/** Amounts as documents carry them: up to a trillion, up to three decimals. */
const amount = fc
  .tuple(fc.integer({ min: -1_000_000_000_000, max: 1_000_000_000_000 }), fc.constantFrom(0, 1, 2, 3))
  .map(([n, digits]) => ({ value: n / 10 ** digits, digits }));

const printed: fc.Arbitrary<Printed> = fc.constantFrom(...LOCALES).chain(([tag, format, currencies]) =>
  fc.record({
    amount,
    locale: fc.constant<[string, NumberFormat]>([tag, format]),
    grouping: fc.constantFrom<'always' | 'auto' | false>('always', 'auto', false),
    currency: fc.constantFrom(null, ...currencies),
  }),
);

interface Printed {
  amount: { value: number; digits: number };
  locale: [string, NumberFormat];
  grouping: 'always' | 'auto' | false;
  currency: string | null;
}

function print(p: Printed): string {
  return new Intl.NumberFormat(p.locale[0], {
    minimumFractionDigits: p.amount.digits,
    maximumFractionDigits: p.amount.digits,
    useGrouping: p.grouping,
    ...(p.currency ? { style: 'currency', currency: p.currency } : {}),
  }).format(p.amount.value);
}

describe('number parser, fuzzed', () => {
  it('reads back any amount printed with thousands separators, in the format of its locale', async () => {
    await fuzz(
      TARGET,
      fc.property(printed, (p) => {
        const text = print(p);
        expect(parseNumber(text, p.locale[1]), text).toBe(p.amount.value === 0 ? 0 : p.amount.value);
      }),
      1000,
    );
  });

  it('an unambiguous printed amount never says the other format', async () => {
    await fuzz(
      TARGET,
      fc.property(printed, (p) => {
        // Two decimals: `1.234,56` or `24,00` says eu; `1,234.56` or `24.00` says us.
        const value = Math.trunc(p.amount.value * 100) / 100;
        const text = print({ ...p, amount: { value, digits: 2 } });
        const evidence = formatEvidence(text);
        expect(evidence === null || evidence === p.locale[1], text).toBe(true);
        if (evidence !== null) expect(parseNumber(text, evidence)).toBe(round(value, 2) || 0);
      }),
      1000,
    );
  });

  it('the format of a document is the one of its locale when it prints unambiguous amounts', async () => {
    await fuzz(
      TARGET,
      fc.property(
        fc.constantFrom(...LOCALES),
        fc.array(amount, { minLength: 1, maxLength: 20 }),
        (locale, amounts) => {
          const tokens = amounts.map((a) =>
            new Intl.NumberFormat(locale[0], { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(
              a.value,
            ),
          );
          const other: NumberFormat = locale[1] === 'eu' ? 'us' : 'eu';
          expect(detectNumberFormat(tokens, other)).toBe(locale[1]);
        },
      ),
      500,
    );
  });

  it('any text is a finite number or null, never NaN or Infinity', async () => {
    const numberish = fc.stringMatching(/^[-+−€$£ ]{0,2}[\d.,' \u00a0\u202f]{0,40}(e\d{1,3})?[ €$£-]{0,2}$/);
    const long = fc.nat({ max: 500 }).map((n) => `${'9'.repeat(n)},${'9'.repeat(n % 7)}`);
    await fuzz(
      TARGET,
      fc.property(
        fc.oneof(numberish, long, fc.string({ maxLength: 40 })),
        fc.constantFrom<NumberFormat>('eu', 'us'),
        (text, format) => {
          const n = parseNumber(text, format);
          expect(n === null || Number.isFinite(n), `${text} -> ${n}`).toBe(true);
          const e = formatEvidence(text);
          expect(e === null || e === 'eu' || e === 'us').toBe(true);
        },
      ),
      2000,
    );
  });
});

describe('number parser, regressions found by fuzzing', () => {
  it('reads `US$` after the amount, as Spanish print puts it', () => {
    expect(parseNumber('1.234,56 US$', 'eu')).toBe(1234.56);
    expect(parseNumber('-0 US$', 'eu')).toBe(0);
  });
});
