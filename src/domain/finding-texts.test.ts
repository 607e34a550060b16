import { describe, expect, it } from 'vitest';
import { codeText, fieldText, findingText } from './finding-texts.ts';
import { FINDING_CODES, finding } from './findings.ts';

describe('findings in the reader language', () => {
  const price = finding(
    'price_mismatch',
    'warning',
    'lines[2].unitPrice',
    'Line 3 (TOR-M8-40): unit price 1234.5 differs from the list price 0.12 by 1028650% (tolerance 2%)',
    {
      t: 'price_mismatch.differs',
      line: 3,
      sku: 'TOR-M8-40',
      price: 1234.5,
      own: 0,
      reference: 0.12,
      diff: 10286.5,
      tolerance: 0.02,
    },
  );

  it('tells a finding with params in Spanish, numbers written the Spanish way', () => {
    expect(findingText(price, 'es').replace(/\u00a0/g, ' ')).toBe(
      'Línea 3 (TOR-M8-40): el precio 1234,5 difiere un 1.028.650 % del precio de tarifa, 0,12 (tolerancia 2 %)',
    );
    expect(findingText(price, 'en')).toBe(
      'Line 3 (TOR-M8-40): unit price 1,234.5 differs from the list price 0.12 by 1,028,650% (tolerance 2%)',
    );
  });

  it('keeps the English message for the command line and tells old findings by it', () => {
    expect(price.message).toMatch(/^Line 3/);
    const old = { code: 'invalid_edifact' as const, message: 'UNT segment count 5, expected 6' };
    expect(findingText(old, 'en')).toBe('UNT segment count 5, expected 6');
    expect(findingText(old, 'es')).toBe('EDIFACT no válido: UNT segment count 5, expected 6');
    expect(findingText({ ...old, params: null }, 'es')).toBe(
      'EDIFACT no válido: UNT segment count 5, expected 6',
    );
  });

  it('names every code and field path in words', () => {
    for (const code of FINDING_CODES) expect(codeText(code, 'es')).not.toBe(code);
    expect(fieldText('lines[0].description', 'es')).toBe('línea 1, descripción');
    expect(fieldText('customer.id', 'es')).toBe('cliente');
    expect(fieldText('lines[4].unitPrice', 'en')).toBe('line 5, unit price');
  });

  it('writes dates and amounts with Intl', () => {
    const dup = finding('duplicate_order', 'error', 'poNumber', 'x', {
      t: 'duplicate_order.history',
      po: 'PO-1',
      customer: 'C042',
      date: '2026-11-20',
    });
    expect(findingText(dup, 'es')).toContain('20 nov 2026');
    const credit = finding('credit_limit_exceeded', 'warning', null, 'x', {
      t: 'credit_limit_exceeded',
      limit: 5000,
      currency: 'EUR',
      customer: 'C042',
      open: 4800.5,
      openCount: 2,
      value: 1234,
      exposure: 6034.5,
    });
    expect(findingText(credit, 'es')).toContain('5000,00 EUR');
    expect(findingText(credit, 'es')).toContain('6034,50');
  });
});
