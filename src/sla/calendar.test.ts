import { describe, expect, it } from 'vitest';
import { addBusinessHours, parseCalendar } from './calendar.ts';

const madrid = parseCalendar({
  timeZone: 'Europe/Madrid',
  hours: '08:00-18:00',
  days: '1-5',
  holidays: '2026-12-08',
});
const at = (iso: string) => new Date(iso);

describe('business-hours SLA clock', () => {
  it('counts only working hours, in the team time zone', () => {
    // Monday 10:00 Madrid (09:00 UTC) + 4 h = Monday 14:00 Madrid.
    expect(addBusinessHours(at('2026-11-23T09:00:00Z'), 4, madrid).toISOString()).toBe(
      '2026-11-23T13:00:00.000Z',
    );
    // Monday 17:00 + 4 h: one hour today, three tomorrow from 08:00 -> Tuesday 11:00.
    expect(addBusinessHours(at('2026-11-23T16:00:00Z'), 4, madrid).toISOString()).toBe(
      '2026-11-24T10:00:00.000Z',
    );
    // Arriving at night counts from the next opening.
    expect(addBusinessHours(at('2026-11-23T22:30:00Z'), 1, madrid).toISOString()).toBe(
      '2026-11-24T08:00:00.000Z',
    );
  });

  it('skips the weekend and holidays', () => {
    // Friday 17:00 + 4 h -> Monday 11:00.
    expect(addBusinessHours(at('2026-11-27T16:00:00Z'), 4, madrid).toISOString()).toBe(
      '2026-11-30T10:00:00.000Z',
    );
    // Monday 7 December 17:00 + 2 h: Tuesday 8 is a holiday -> Wednesday 09:00.
    expect(addBusinessHours(at('2026-12-07T16:00:00Z'), 2, madrid).toISOString()).toBe(
      '2026-12-09T08:00:00.000Z',
    );
  });

  it('follows summer time', () => {
    // Friday 27 March 2026 17:00 CET (16:00 UTC) + 4 h -> Monday 30 March 11:00 CEST (09:00 UTC).
    expect(addBusinessHours(at('2026-03-27T16:00:00Z'), 4, madrid).toISOString()).toBe(
      '2026-03-30T09:00:00.000Z',
    );
  });

  it('refuses calendars that make no sense', () => {
    expect(() =>
      parseCalendar({ timeZone: 'Europe/Madrid', hours: '18:00-08:00', days: '1-5', holidays: '' }),
    ).toThrow();
    expect(() =>
      parseCalendar({ timeZone: 'Mars/Base', hours: '08:00-18:00', days: '1-5', holidays: '' }),
    ).toThrow();
    expect(() =>
      parseCalendar({ timeZone: 'UTC', hours: '08:00-18:00', days: '0-9', holidays: '' }),
    ).toThrow();
  });
});
