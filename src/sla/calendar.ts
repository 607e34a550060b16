/**
 * SLA clocks run in business hours: a customer's `sla_hours` count only on working days, inside
 * working hours, in the team's time zone, and not on holidays. An order received on Friday at
 * 17:00 with a 4-hour SLA on an 08:00-18:00 Monday-Friday calendar is due on Monday at 11:00.
 */

export interface BusinessCalendar {
  /** IANA zone the working hours are in, e.g. Europe/Madrid. */
  timeZone: string;
  /** ISO weekdays worked, Monday = 1 ... Sunday = 7. */
  days: number[];
  /** Working hours, minutes after local midnight. */
  start: number;
  end: number;
  /** Local dates (YYYY-MM-DD) not worked. */
  holidays: Set<string>;
}

/** `08:00-18:00`, `1-5`, `2026-12-25,2027-01-01` as they come from configuration. */
export function parseCalendar(c: {
  timeZone: string;
  hours: string;
  days: string;
  holidays: string;
}): BusinessCalendar {
  const hm = /^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$/.exec(c.hours.trim());
  if (!hm) throw new Error(`working hours "${c.hours}" are not HH:MM-HH:MM`);
  const start = Number(hm[1]) * 60 + Number(hm[2]);
  const end = Number(hm[3]) * 60 + Number(hm[4]);
  if (!(start < end && end <= 24 * 60)) throw new Error(`working hours "${c.hours}" end before they start`);
  const days = new Set<number>();
  for (const part of c.days
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [a, b] = part.split('-').map(Number);
    if (!a || a < 1 || a > 7 || (b !== undefined && (b < a || b > 7)))
      throw new Error(`working days "${c.days}" are not 1-7`);
    for (let d = a; d <= (b ?? a); d++) days.add(d);
  }
  if (days.size === 0) throw new Error('no working days');
  new Intl.DateTimeFormat('en-US', { timeZone: c.timeZone }); // throws RangeError for an unknown zone
  const holidays = new Set(c.holidays.split(/[\s,]+/).filter(Boolean));
  for (const h of holidays)
    if (!/^\d{4}-\d{2}-\d{2}$/.test(h)) throw new Error(`holiday "${h}" is not YYYY-MM-DD`);
  return { timeZone: c.timeZone, days: [...days].sort(), start, end, holidays };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Minutes the zone is ahead of UTC at that instant. */
function offsetMinutes(timeZone: string, at: number): number {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(new Date(at)).map((p) => [p.type, p.value]));
  const local = Date.UTC(
    +parts.year!,
    +parts.month! - 1,
    +parts.day!,
    +parts.hour!,
    +parts.minute!,
    +parts.second!,
  );
  return Math.round((local - Math.floor(at / 1000) * 1000) / 60000);
}

const MIN = 60_000;
const DAY = 24 * 60 * MIN;

/** A local wall-clock time (as UTC milliseconds of the same digits) back to the real instant. */
function fromLocal(timeZone: string, local: number): number {
  let utc = local - offsetMinutes(timeZone, local) * MIN;
  utc = local - offsetMinutes(timeZone, utc) * MIN; // once more across a DST change
  return utc;
}

/** The instant a day (`YYYY-MM-DD`) starts in the time zone. */
export function startOfDay(day: string, timeZone: string): Date {
  return new Date(fromLocal(timeZone, Date.parse(`${day}T00:00:00Z`)));
}

/** The day (`YYYY-MM-DD`) it is in the time zone at that instant. */
export function dayIn(at: Date, timeZone: string): string {
  return new Date(at.getTime() + offsetMinutes(timeZone, at.getTime()) * MIN).toISOString().slice(0, 10);
}

/** `from` plus `hours` of business time on the calendar. */
export function addBusinessHours(from: Date, hours: number, cal: BusinessCalendar): Date {
  let remaining = Math.round(hours * 60); // minutes
  let local = from.getTime() + offsetMinutes(cal.timeZone, from.getTime()) * MIN;
  for (let guard = 0; guard < 3700; guard++) {
    const dayStart = Math.floor(local / DAY) * DAY;
    const date = new Date(dayStart);
    const iso = date.toISOString().slice(0, 10);
    const weekday = date.getUTCDay() === 0 ? 7 : date.getUTCDay();
    if (cal.days.includes(weekday) && !cal.holidays.has(iso)) {
      const open = dayStart + cal.start * MIN;
      const close = dayStart + cal.end * MIN;
      if (local < open) local = open;
      if (local < close) {
        const available = (close - local) / MIN;
        if (remaining <= available) return new Date(fromLocal(cal.timeZone, local + remaining * MIN));
        remaining -= available;
      }
    }
    local = dayStart + DAY;
  }
  throw new Error('no working time within ten years: check the calendar');
}
