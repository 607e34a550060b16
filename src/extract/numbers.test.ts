import { describe, expect, it } from 'vitest';
import { detectNumberFormat, formatEvidence, parseNumber } from './numbers.ts';

describe('parseNumber', () => {
  const cases: [string, 'eu' | 'us', number | null][] = [
    ['1.234,56', 'eu', 1234.56],
    ['1.234,56', 'us', 1234.56],
    ['1,234.56', 'us', 1234.56],
    ['1,234.56', 'eu', 1234.56],
    ['1 234,56', 'eu', 1234.56],
    ['1\u00a0234,56', 'eu', 1234.56],
    ['1\u2009234,56', 'eu', 1234.56],
    ['1\u202f234.567,5', 'eu', null],
    ['12 345 678,9', 'eu', 12345678.9],
    ['1234,5', 'eu', 1234.5],
    ['1234,5', 'us', 1234.5],
    ['1.234', 'eu', 1234],
    ['1.234', 'us', 1.234],
    ['1,234', 'eu', 1.234],
    ['1,234', 'us', 1234],
    ['0.500', 'eu', 0.5],
    ['1.234.567', 'eu', 1234567],
    ['1,234,567', 'eu', 1234567],
    ['1.234.567,89', 'eu', 1234567.89],
    ['-12,50', 'eu', -12.5],
    ['12,50-', 'eu', -12.5],
    ['−12,50', 'eu', -12.5],
    ['12,50 €', 'eu', 12.5],
    ['12,50€', 'eu', 12.5],
    ['€12.50', 'us', 12.5],
    ['-€12.50', 'us', -12.5],
    ['EUR 12,50', 'eu', 12.5],
    ['12,50 EUR', 'eu', 12.5],
    ['$1,500.00', 'us', 1500],
    ['£3.5', 'us', 3.5],
    ['USD 7', 'us', 7],
    ['200', 'eu', 200],
    ['0', 'eu', 0],
    ['-0', 'eu', 0],
    [',5', 'eu', 0.5],
    ['', 'eu', null],
    ['€', 'eu', null],
    ['abc', 'eu', null],
    ['12a', 'eu', null],
    ['1.23.4', 'eu', null],
    ['1,23,4', 'us', null],
    ['12.34.56', 'eu', null],
    ['20/11/2026', 'eu', null],
    ['1.234,56,7', 'eu', null],
    ['12 50', 'eu', null],
    ['PO-2026', 'eu', null],
    ['B12345678', 'eu', null],
    ['1..2', 'eu', null],
  ];
  it.each(cases)('%s (%s) -> %s', (text, format, want) => {
    expect(parseNumber(text, format)).toBe(want);
  });

  it('reads every amount it prints back, in both formats (property loop)', () => {
    let seed = 42;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let i = 0; i < 2000; i++) {
      const value = Math.round(rand() * 10 ** Math.floor(rand() * 9)) / 100;
      const sign = rand() < 0.2 ? -1 : 1;
      const v = value === 0 ? 0 : sign * value;
      const eu = new Intl.NumberFormat('de-DE', { minimumFractionDigits: 2 }).format(v);
      const us = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2 }).format(v);
      const fr = new Intl.NumberFormat('fr-FR', { minimumFractionDigits: 2 }).format(v);
      expect(parseNumber(eu, 'eu')).toBe(v);
      expect(parseNumber(eu, 'us')).toBe(v);
      expect(parseNumber(us, 'us')).toBe(v);
      expect(parseNumber(`${us} €`, 'us')).toBe(v);
      expect(parseNumber(fr, 'eu')).toBe(v);
      expect(formatEvidence(eu)).toBe('eu');
      expect(formatEvidence(us)).toBe('us');
    }
  });

  it('reads integers with grouping in the document format (property loop)', () => {
    for (let n = 0; n < 3_000_000; n += 7919) {
      expect(parseNumber(n.toLocaleString('de-DE'), 'eu')).toBe(n);
      expect(parseNumber(n.toLocaleString('en-US'), 'us')).toBe(n);
      expect(parseNumber(String(n), 'eu')).toBe(n);
    }
  });

  it('never throws and returns null or a finite number for junk (property loop)', () => {
    const alphabet = '0123456789.,- €$aE';
    let seed = 7;
    for (let i = 0; i < 3000; i++) {
      let s = '';
      for (let k = 0; k < 1 + (i % 9); k++) {
        seed = (seed * 16807) % 2147483647;
        s += alphabet[seed % alphabet.length];
      }
      const n = parseNumber(s);
      expect(n === null || Number.isFinite(n)).toBe(true);
    }
  });
});

describe('detectNumberFormat', () => {
  it('decides from unambiguous tokens', () => {
    expect(detectNumberFormat(['1.234', '24,00', '200'])).toBe('eu');
    expect(detectNumberFormat(['1.234', '24.00', '$1,500.00'])).toBe('us');
    expect(detectNumberFormat(['1.234.567'])).toBe('eu');
    expect(detectNumberFormat(['1,234,567'])).toBe('us');
    expect(detectNumberFormat(['12,50 €', 'EUR'])).toBe('eu');
  });

  it('falls back when nothing decides', () => {
    expect(detectNumberFormat(['1.234', '200', '20/11/2026'])).toBe('eu');
    expect(detectNumberFormat(['1.234'], 'us')).toBe('us');
    expect(detectNumberFormat([])).toBe('eu');
  });

  it('lets the ambiguous token follow the document', () => {
    const tokens = ['1.234', '0,05', '50,00'];
    expect(parseNumber('1.234', detectNumberFormat(tokens))).toBe(1234);
    const us = ['1.234', '0.05', '50.00'];
    expect(parseNumber('1.234', detectNumberFormat(us))).toBe(1.234);
  });
});
