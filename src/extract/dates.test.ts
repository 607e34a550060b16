import { describe, expect, it } from 'vitest';
import { dateAtStart, dateOrderOf, monthOf, pageYear, parseDate, yearSlip } from './dates.ts';

describe('parseDate', () => {
  const cases: [string, 'dmy' | 'mdy', string | null][] = [
    ['20/11/2026', 'dmy', '2026-11-20'],
    ['20-11-26', 'dmy', '2026-11-20'],
    ['20.11.2026', 'dmy', '2026-11-20'],
    ['2026-11-20', 'dmy', '2026-11-20'],
    ['2026-11-20', 'mdy', '2026-11-20'],
    ['2026/11/20', 'dmy', '2026-11-20'],
    ['5/3/2026', 'dmy', '2026-03-05'],
    ['5/3/2026', 'mdy', '2026-05-03'],
    ['11/20/2026', 'mdy', '2026-11-20'],
    ['11/20/2026', 'dmy', null],
    ['20 de noviembre de 2026', 'dmy', '2026-11-20'],
    ['20 de Noviembre de 2026', 'dmy', '2026-11-20'],
    ['1 de septiembre del 2026', 'dmy', '2026-09-01'],
    ['1 setiembre 2026', 'dmy', '2026-09-01'],
    ['20 nov 2026', 'dmy', '2026-11-20'],
    ['20 nov. 2026', 'dmy', '2026-11-20'],
    ['20-nov-26', 'dmy', '2026-11-20'],
    ['20-NOV-2026', 'dmy', '2026-11-20'],
    ['20 ene 2027', 'dmy', '2027-01-20'],
    ['3 ago 2026', 'dmy', '2026-08-03'],
    ['7 dic 2026', 'dmy', '2026-12-07'],
    ['November 20, 2026', 'dmy', '2026-11-20'],
    ['November 20, 2026', 'mdy', '2026-11-20'],
    ['Nov 20 2026', 'mdy', '2026-11-20'],
    ['December 4th, 2026', 'mdy', '2026-12-04'],
    ['20th November 2026', 'dmy', '2026-11-20'],
    ['2026 nov 20', 'dmy', '2026-11-20'],
    ['29/02/2028', 'dmy', '2028-02-29'],
    ['29/02/2026', 'dmy', null],
    ['31/04/2026', 'dmy', null],
    ['32/01/2026', 'dmy', null],
    ['00/01/2026', 'dmy', null],
    ['12/13/2026', 'dmy', null],
    ['30 de febrero de 2026', 'dmy', null],
    ['2026-02-30', 'dmy', null],
    ['20/11', 'dmy', null],
    ['PO-2026-0042', 'dmy', null],
    ['1.234,56', 'dmy', null],
    ['20 foo 2026', 'dmy', null],
    ['ma 20 2026', 'dmy', null],
    ['', 'dmy', null],
    ['hello', 'dmy', null],
  ];
  it.each(cases)('%s (%s) -> %s', (text, order, want) => {
    expect(parseDate(text, order)).toBe(want);
  });

  it('reads every calendar day of 2024-2030 written in each shape (property loop)', () => {
    const es = ['ene', 'feb', 'mar', 'abr', 'may', 'jun', 'jul', 'ago', 'sep', 'oct', 'nov', 'dic'];
    const long = [
      'enero',
      'febrero',
      'marzo',
      'abril',
      'mayo',
      'junio',
      'julio',
      'agosto',
      'septiembre',
      'octubre',
      'noviembre',
      'diciembre',
    ];
    const en = [
      'January',
      'February',
      'March',
      'April',
      'May',
      'June',
      'July',
      'August',
      'September',
      'October',
      'November',
      'December',
    ];
    for (let t = Date.UTC(2024, 0, 1); t < Date.UTC(2031, 0, 1); t += 86_400_000) {
      const d = new Date(t);
      const iso = d.toISOString().slice(0, 10);
      const [y, m, day] = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
      const dd = String(day).padStart(2, '0');
      const mm = String(m).padStart(2, '0');
      expect(parseDate(`${dd}/${mm}/${y}`)).toBe(iso);
      expect(parseDate(`${day}-${m}-${String(y).slice(2)}`)).toBe(iso);
      expect(parseDate(`${dd}.${mm}.${y}`)).toBe(iso);
      expect(parseDate(iso)).toBe(iso);
      expect(parseDate(`${mm}/${dd}/${y}`, 'mdy')).toBe(iso);
      expect(parseDate(`${day} de ${long[m - 1]} de ${y}`)).toBe(iso);
      expect(parseDate(`${day} ${es[m - 1]} ${y}`)).toBe(iso);
      expect(parseDate(`${en[m - 1]} ${day}, ${y}`)).toBe(iso);
    }
  });

  it('rejects days past the end of every month (property loop)', () => {
    for (let y = 2024; y <= 2030; y++) {
      for (let m = 1; m <= 12; m++) {
        const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
        expect(parseDate(`${last}/${m}/${y}`)).not.toBeNull();
        expect(parseDate(`${last + 1}/${m}/${y}`)).toBeNull();
      }
    }
  });
});

describe('helpers', () => {
  it('monthOf knows abbreviations and refuses ambiguity', () => {
    expect(monthOf('Sept.')).toBe(9);
    expect(monthOf('ago')).toBe(8);
    expect(monthOf('ma')).toBeNull();
    expect(monthOf('Diciembre')).toBe(12);
  });

  it('dateOrderOf reads template formats', () => {
    expect(dateOrderOf('dd/mm/yyyy')).toBe('dmy');
    expect(dateOrderOf('mm/dd/yyyy')).toBe('mdy');
    expect(dateOrderOf(null)).toBe('dmy');
  });

  it('dateAtStart takes the longest run of words that is a date', () => {
    expect(dateAtStart(['27', 'de', 'noviembre', 'de', '2026', 'Hora:', '10'])).toEqual({
      iso: '2026-11-27',
      count: 5,
    });
    expect(dateAtStart(['20/11/2026', 'Ref'])).toEqual({ iso: '2026-11-20', count: 1 });
    expect(dateAtStart(['de', 'entrega:'])).toBeNull();
  });
});

describe('a year OCR misread', () => {
  it("is the page's year when one look-alike digit away", () => {
    const page = [
      'NOV-05-2026 QUI 09:36 ELECTRO MINHO',
      'NE2026/0414 2026-11-05 2028-11-13',
      'Data 05.11.2026',
    ];
    expect(pageYear(page)).toBe(2026);
    expect(yearSlip('2028-11-13', 2026)).toBe('2026-11-13');
    expect(yearSlip('2626-12-19', 2026)).toBe('2026-12-19');
    expect(yearSlip('2026-12-19', 2026)).toBeNull();
    // Two digits off, or not a look-alike: a date of another year, left as read.
    expect(yearSlip('2019-12-19', 2026)).toBeNull();
    expect(yearSlip('2024-12-19', 2026)).toBeNull();
    expect(pageYear(['Fecha 02/11/2026', 'Entrega 06/11/2027'])).toBeNull();
  });
});
