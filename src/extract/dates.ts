/** Dates as printed on purchase orders, in Spanish, English, French, German, Italian and Portuguese, to ISO `YYYY-MM-DD`. */

/** Which comes first in an all-numeric date: day (Spain, most of Europe) or month (US). */
export type DateOrder = 'dmy' | 'mdy';

const MONTHS: Record<string, number> = {
  enero: 1,
  febrero: 2,
  marzo: 3,
  abril: 4,
  mayo: 5,
  junio: 6,
  julio: 7,
  agosto: 8,
  septiembre: 9,
  setiembre: 9,
  octubre: 10,
  noviembre: 11,
  diciembre: 12,
  january: 1,
  february: 2,
  march: 3,
  april: 4,
  may: 5,
  june: 6,
  july: 7,
  august: 8,
  september: 9,
  october: 10,
  november: 11,
  december: 12,
  janvier: 1,
  fevrier: 2,
  mars: 3,
  avril: 4,
  mai: 5,
  juin: 6,
  juillet: 7,
  aout: 8,
  septembre: 9,
  octobre: 10,
  novembre: 11,
  decembre: 12,
  januar: 1,
  februar: 2,
  marz: 3,
  maerz: 3,
  juni: 6,
  juli: 7,
  oktober: 10,
  dezember: 12,
  gennaio: 1,
  febbraio: 2,
  aprile: 4,
  maggio: 5,
  giugno: 6,
  luglio: 7,
  settembre: 9,
  ottobre: 10,
  dicembre: 12,
  janeiro: 1,
  fevereiro: 2,
  marco: 3,
  maio: 5,
  junho: 6,
  julho: 7,
  setembro: 9,
  outubro: 10,
  novembro: 11,
  dezembro: 12,
};

/** Weekday names and the little words around a written date ("le", "den", "il"), dropped before reading it. */
const FILLER = new Set(
  [
    'lunes martes miercoles jueves viernes sabado domingo',
    'monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri sat sun',
    'lundi mardi mercredi jeudi vendredi samedi dimanche',
    'montag dienstag mittwoch donnerstag freitag samstag sonntag',
    'lunedi martedi mercoledi giovedi venerdi sabato domenica',
    'segunda terca quarta quinta sexta feira sabado',
    'de del of the le du den am il el do da a em',
  ]
    .join(' ')
    .split(' '),
);

/** Month number for a full or abbreviated (3+ letters) month name in any of the six languages. */
export function monthOf(word: string): number | null {
  const w = fold(word).replace(/\.$/, '');
  if (w.length < 3) return null;
  const hits = new Set<number>();
  for (const [name, n] of Object.entries(MONTHS)) if (name.startsWith(w)) hits.add(n);
  return hits.size === 1 ? [...hits][0]! : null;
}

function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function year4(y: string): number | null {
  if (/^\d{4}$/.test(y)) return Number(y);
  if (/^\d{2}$/.test(y)) return 2000 + Number(y);
  return null;
}

/** ISO date for a calendar-valid year/month/day; null otherwise (31/02, month 13). */
export function isoDate(year: number | null, month: number, day: number): string | null {
  if (year === null || year < 1900 || year > 2199) return null;
  if (!Number.isInteger(month) || month < 1 || month > 12) return null;
  if (!Number.isInteger(day) || day < 1 || day > daysIn(year, month)) return null;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The order implied by a template's format string (`dd/mm/yyyy`, `mm/dd/yy`, ...). */
export function dateOrderOf(format: string | null | undefined): DateOrder {
  if (!format) return 'dmy';
  const f = format.toLowerCase();
  const d = f.indexOf('d');
  const m = f.indexOf('m');
  return m !== -1 && d !== -1 && m < d ? 'mdy' : 'dmy';
}

const ISO = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/;
const NUMERIC = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})$/;

/**
 * Parses one date written in any of the usual shapes: `20/11/2026`, `20-11-26`, `20.11.2026`,
 * `2026-11-20`, `20 de noviembre de 2026`, `20 nov 2026`, `20-nov-26`, `November 20, 2026`.
 * All-numeric day/month dates are read in `order` (day first unless the document is US). Two-digit
 * years are 20xx. Returns null for text that is not a date or a date not on the calendar.
 */
export function parseDate(text: string, order: DateOrder = 'dmy'): string | null {
  const t = text.trim().replace(/[,;.:]?[)\]]*[,;.:]?$/, '');
  const iso = ISO.exec(t);
  if (iso) return isoDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  const num = NUMERIC.exec(t);
  if (num) {
    const a = Number(num[1]);
    const b = Number(num[2]);
    const y = year4(num[3]!);
    return order === 'mdy' ? isoDate(y, a, b) : isoDate(y, b, a);
  }
  return parseWordDate(t);
}

function parseWordDate(text: string): string | null {
  const parts = fold(text)
    .replace(/(\d)(st|nd|rd|th|er|º|ª|o)\b/g, '$1')
    .split(/[\s,/.-]+/)
    .filter((p) => p !== '' && !FILLER.has(p));
  if (parts.length !== 3) return null;
  const mi = parts.findIndex((p) => /^[a-z]+$/.test(p));
  if (mi === -1) return null;
  const month = monthOf(parts[mi]!);
  if (month === null) return null;
  const nums = parts.filter((_, i) => i !== mi);
  if (!nums.every((n) => /^\d+$/.test(n))) return null;
  // Year last ("20 nov 2026", "Nov 20, 2026"), or first only when it has four digits ("2026 nov 20").
  if (mi === 2 || (mi === 1 && /^\d{4}$/.test(nums[0]!) && !/^\d{4}$/.test(nums[1]!))) {
    if (mi === 2) return null;
    return isoDate(year4(nums[0]!), month, Number(nums[1]));
  }
  if (!/^\d{1,2}$/.test(nums[0]!)) return null;
  return isoDate(year4(nums[1]!), month, Number(nums[0]));
}

/**
 * The longest leading run of `words` (up to six) that reads as a date, with how many words it took;
 * null when none does. Lets a caller map the date back to the boxes of the words it came from.
 */
export function dateAtStart(
  words: string[],
  order: DateOrder = 'dmy',
): { iso: string; count: number } | null {
  for (let n = Math.min(8, words.length); n >= 1; n--) {
    const iso = parseDate(words.slice(0, n).join(' '), order);
    if (iso) return { iso, count: n };
  }
  return null;
}

/** Year digits OCR reads for one another ("2028", "2626", "2020" for 2026). */
const YEAR_LOOKALIKES: Record<string, string> = {
  '0': '86',
  '2': '7',
  '3': '8',
  '5': '6',
  '6': '5802',
  '8': '3602',
  '7': '21',
};

/**
 * The year a page's dates are written in: the one most of its date-like figures name (at least
 * two, and more than any other), or null.
 */
export function pageYear(texts: string[]): number | null {
  const counts = new Map<number, number>();
  for (const t of texts) {
    for (const m of t.matchAll(
      /(?:\d{1,2}[./-]\d{1,2}[./-]|\b)((?:19|20)\d{2})(?:[./-]\d{1,2}[./-]\d{1,2}|\b)/g,
    )) {
      const y = Number(m[1]);
      counts.set(y, (counts.get(y) ?? 0) + 1);
    }
  }
  const ranked = [...counts].sort((a, b) => b[1] - a[1]);
  const [best, second] = ranked;
  return best && best[1] >= 2 && (!second || second[1] < best[1]) ? best[0] : null;
}

/**
 * An ISO date whose year is one look-alike digit from the page's year ("2028-11-13" on a page of
 * 2026 dates): the date in the page's year, or null when the year is the page's or not one slip away.
 */
export function yearSlip(iso: string, year: number): string | null {
  const read = iso.slice(0, 4);
  const want = String(year);
  if (read === want || read.length !== 4) return null;
  let diff = 0;
  for (let i = 0; i < 4; i++) {
    if (read[i] === want[i]) continue;
    if (!(YEAR_LOOKALIKES[want[i]!] ?? '').includes(read[i]!)) return null;
    diff++;
  }
  return diff === 1 ? `${want}${iso.slice(4)}` : null;
}
