import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzz } from '../testing/fuzz.ts';
import { type DateOrder, dateAtStart, dateOrderOf, isoDate, parseDate } from './dates.ts';

const TARGET = 'dates';

/** Month names as the platform's own calendar data writes them: an oracle apart from the parser's table. */
const monthNames = (locale: string) =>
  Array.from({ length: 12 }, (_, m) =>
    new Intl.DateTimeFormat(locale, { month: 'long', timeZone: 'UTC' }).format(
      new Date(Date.UTC(2000, m, 1)),
    ),
  );
const MONTHS_ES = monthNames('es');
const MONTHS_EN = monthNames('en');

/** A real calendar date in the range documents use (1900-2199), as year, month, day and ISO. */
const calendarDate = fc
  .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2199-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => ({
    y: d.getUTCFullYear(),
    m: d.getUTCMonth() + 1,
    d: d.getUTCDate(),
    iso: d.toISOString().slice(0, 10),
  }));

type Cal = { y: number; m: number; d: number; iso: string };
const pad = (n: number) => String(n).padStart(2, '0');

/** Ways a document writes a date, each with the day/month order it needs to be read in. */
const WRITERS: Array<(c: Cal) => [string, DateOrder] | null> = [
  (c) => [`${pad(c.d)}/${pad(c.m)}/${c.y}`, 'dmy'],
  (c) => [`${c.d}.${c.m}.${c.y}`, 'dmy'],
  (c) => [`${c.d}-${c.m}-${c.y}`, 'dmy'],
  (c) => [`${pad(c.m)}/${pad(c.d)}/${c.y}`, 'mdy'],
  (c) => [`${c.y}-${pad(c.m)}-${pad(c.d)}`, 'dmy'],
  (c) => [`${c.y}/${c.m}/${c.d}`, 'mdy'],
  (c) => (c.y >= 2000 && c.y < 2100 ? [`${pad(c.d)}/${pad(c.m)}/${pad(c.y % 100)}`, 'dmy'] : null),
  (c) => [`${c.d} de ${MONTHS_ES[c.m - 1]} de ${c.y}`, 'dmy'],
  (c) => [`${c.d} ${MONTHS_ES[c.m - 1]!.slice(0, 3)} ${c.y}`, 'mdy'],
  (c) => [`${pad(c.d)}-${MONTHS_EN[c.m - 1]!.slice(0, 3)}-${c.y}`, 'dmy'],
  (c) => [`${MONTHS_EN[c.m - 1]} ${c.d}, ${c.y}`, 'dmy'],
  (c) => [`${c.d}th of ${MONTHS_EN[c.m - 1]} ${c.y}`, 'dmy'],
  (c) => [`${c.y} ${MONTHS_EN[c.m - 1]} ${c.d}`, 'dmy'],
];

function validIso(value: string): boolean {
  const date = new Date(`${value}T00:00:00Z`);
  return (
    /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value)
  );
}

describe('date parser, fuzzed', () => {
  it('reads back any calendar date written in the usual shapes', async () => {
    await fuzz(
      TARGET,
      fc.property(calendarDate, fc.nat({ max: WRITERS.length - 1 }), (c, w) => {
        const written = WRITERS[w]!(c);
        if (written === null) return;
        const [text, order] = written;
        expect(parseDate(text, order), text).toBe(c.iso);
        expect(dateAtStart([...text.split(' '), 'Total', '12,00'], order)).toEqual({
          iso: c.iso,
          count: text.split(' ').length,
        });
      }),
      1000,
    );
  });

  it('any text is a real calendar date or null', async () => {
    const dateish = fc
      .tuple(
        fc.integer({ min: -5, max: 40 }),
        fc.constantFrom('/', '-', '.', ' ', ' de '),
        fc.oneof(
          fc.integer({ min: -1, max: 14 }).map(String),
          fc.constantFrom(...MONTHS_ES, ...MONTHS_EN, 'feb', 'sep', 'ma'),
        ),
        fc.constantFrom('/', '-', '.', ' ', ' de ', ', '),
        fc.integer({ min: 0, max: 99999 }),
      )
      .map((parts) => parts.join(''));
    await fuzz(
      TARGET,
      fc.property(
        fc.oneof(dateish, fc.string({ maxLength: 30 })),
        fc.constantFrom<DateOrder>('dmy', 'mdy'),
        (text, order) => {
          const iso = parseDate(text, order);
          expect(iso === null || validIso(iso), `${text} -> ${iso}`).toBe(true);
          const start = dateAtStart(text.split(' '), order);
          if (start !== null) {
            expect(validIso(start.iso)).toBe(true);
            expect(start.count).toBeGreaterThanOrEqual(1);
            expect(start.count).toBeLessThanOrEqual(Math.min(6, text.split(' ').length));
          }
        },
      ),
      2000,
    );
  });

  it('isoDate accepts exactly the calendar dates of 1900-2199', async () => {
    await fuzz(
      TARGET,
      fc.property(
        fc.oneof(fc.integer({ min: 1890, max: 2210 }), fc.constant(null)),
        fc.oneof(fc.integer({ min: -1, max: 14 }), fc.double()),
        fc.oneof(fc.integer({ min: -1, max: 33 }), fc.double()),
        (y, m, d) => {
          const iso = isoDate(y, m, d);
          const real =
            y !== null &&
            y >= 1900 &&
            y <= 2199 &&
            Number.isInteger(m) &&
            Number.isInteger(d) &&
            validIso(`${y}-${pad(m)}-${pad(d)}`) &&
            m >= 1 &&
            m <= 12 &&
            d >= 1;
          expect(iso).toBe(real ? `${y}-${pad(m)}-${pad(d)}` : null);
        },
      ),
      2000,
    );
  });

  it('a template date format gives day or month first, whatever the string', async () => {
    await fuzz(
      TARGET,
      fc.property(fc.option(fc.string({ maxLength: 20 })), (format) => {
        expect(['dmy', 'mdy']).toContain(dateOrderOf(format));
      }),
      500,
    );
  });
});
