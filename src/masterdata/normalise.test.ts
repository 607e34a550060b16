import { describe, expect, it } from 'vitest';
import {
  emailDomain,
  normaliseEmail,
  normaliseFax,
  normaliseGtin,
  normaliseTaxId,
  parseGtin,
  splitList,
  taxIdVariants,
} from './normalise.ts';

describe('GTIN', () => {
  it('stores every length as 14 digits', () => {
    expect(normaliseGtin('8412345678905')).toBe('08412345678905');
    expect(normaliseGtin('08412345678905')).toBe('08412345678905');
    expect(normaliseGtin('0 8412345 67890 5')).toBe('08412345678905');
    expect(normaliseGtin('84123459')).toBe('00000084123459');
    expect(normaliseGtin('500012345675')).toBe('00500012345675');
  });

  it('names the right check digit', () => {
    expect(parseGtin('8412345678906')).toEqual({
      ok: false,
      reason: 'check_digit',
      expected: '8412345678905',
    });
    expect(parseGtin('84123-4567')).toEqual({ ok: false, reason: 'format' });
    expect(normaliseGtin('TOR-M8-40')).toBeNull();
  });
});

describe('contact identifiers', () => {
  it('turns fax numbers into E.164-ish digits', () => {
    expect(normaliseFax('+34 912 345 678')).toBe('+34912345678');
    expect(normaliseFax('0034 (91) 234-5678')).toBe('+34912345678');
    expect(normaliseFax('91 234 56 78')).toBe('912345678');
    expect(normaliseFax('fax')).toBeNull();
  });

  it('lower-cases e-mail addresses and keeps @domain entries', () => {
    expect(normaliseEmail(' Compras@FerreteriaLopez.es ')).toBe('compras@ferreterialopez.es');
    expect(normaliseEmail('@ferreterialopez.es')).toBe('@ferreterialopez.es');
    expect(normaliseEmail('ferreterialopez.es')).toBeNull();
    expect(emailDomain('compras@ferreterialopez.es')).toBe('@ferreterialopez.es');
  });

  it('matches tax ids with or without the ES prefix', () => {
    expect(normaliseTaxId('es-b 12.345.678')).toBe('ESB12345678');
    for (const printed of ['B-12345678', 'ESB12345678', 'es b12345678']) {
      expect(taxIdVariants(printed)).toEqual(expect.arrayContaining(['B12345678', 'ESB12345678']));
    }
    // A Portuguese NIF printed without its prefix still finds PT507318625 on file.
    expect(taxIdVariants('507318625')).toEqual(expect.arrayContaining(['507318625', 'PT507318625']));
    expect(taxIdVariants('PT 507 318 625')).toEqual(expect.arrayContaining(['507318625', 'PT507318625']));
    // Something that is no tax id is left as it is.
    expect(taxIdVariants('ABC')).toEqual(['ABC']);
  });

  it('splits ;-lists', () => {
    expect(splitList(' a@x.es ; @x.es;;a@x.es ')).toEqual(['a@x.es', '@x.es']);
  });
});
