import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ExtractedOrder, ExtractOutcome } from '../../domain/extraction.ts';
import { looksLikeEdifact, readEdifact } from './index.ts';
import { decimal, divide, hasGs1CheckDigit, isoDate, unitCode } from './values.ts';

const UNB = "UNB+UNOC:3+8412345000010:14+8437000000006:14+261120:0930+REF1'";

/** An interchange around one ORDERS message whose UNT count is computed. */
function interchange(body: string[], head = UNB, type = 'ORDERS:D:96A:UN'): string {
  const segments = [`UNH+1+${type}'`, ...body.map((s) => `${s}'`)];
  return [head, ...segments, `UNT+${segments.length + 1}+1'`, "UNZ+1+REF1'"].join('\n');
}

const read = (text: string, encoding: BufferEncoding = 'latin1') => readEdifact(Buffer.from(text, encoding));

function only(outcome: ExtractOutcome): ExtractedOrder {
  if (outcome.kind !== 'orders' || outcome.orders.length !== 1) throw new Error(JSON.stringify(outcome));
  return outcome.orders[0]!;
}

describe('values', () => {
  it.each([
    ['20261120', '102', '2026-11-20'],
    ['202611201030', '203', '2026-11-20'],
    ['20261120103059', '204', '2026-11-20'],
    ['261120', '101', '2026-11-20'],
    ['991006', '101', '1999-10-06'],
    ['20261202-20261204', '718', '2026-12-02'],
    ['20261120', null, '2026-11-20'],
    ['20261340', '102', undefined],
    ['20260230', '102', undefined],
    ['ASAP', '102', undefined],
    [null, '102', null],
  ])('isoDate(%s, %s) is %s', (value, format, expected) => {
    expect(isoDate(value, format)).toBe(expected);
  });

  it('reads numbers with the UNA decimal mark or a full stop, nothing else', () => {
    expect(decimal('1234,56', ',')).toBe(1234.56);
    expect(decimal('1234.56', ',')).toBe(1234.56);
    expect(decimal('-3', '.')).toBe(-3);
    expect(decimal(',5', ',')).toBe(0.5);
    expect(decimal('1.234,56', ',')).toBeUndefined();
    expect(decimal('12 EUR', '.')).toBeUndefined();
    expect(decimal(null, '.')).toBeNull();
  });

  it('divides prices by their basis without binary noise', () => {
    expect(divide(12, 100)).toBe(0.12);
    expect(divide(0.3, 3)).toBe(0.1);
    expect(divide(3630.1724, 100)).toBe(36.301724);
  });

  it('checks GS1 check digits and maps units', () => {
    expect(hasGs1CheckDigit('8412345678905')).toBe(true);
    expect(hasGs1CheckDigit('18412345678902')).toBe(true);
    expect(hasGs1CheckDigit('8412345678906')).toBe(false);
    expect(hasGs1CheckDigit('ABC')).toBe(false);
    expect([unitCode('PCE'), unitCode('KGM'), unitCode('MTR'), unitCode('LTR'), unitCode('BX')]).toEqual([
      'EA',
      'KG',
      'M',
      'L',
      'BX',
    ]);
  });
});

describe('looksLikeEdifact', () => {
  it.each([
    ["UNA:+.? 'UNB+UNOC:3", true],
    ['\ufeff\r\n  UNB+UNOA:1+X', true],
    ['UNB\x1dUNOB\x1f3', true],
    ['UNBELIEVABLE offers', false],
    ['UNH+1+ORDERS:D:96A:UN', false],
    ['ISA*00*          *00*', false],
    ['', false],
  ])('%j -> %s', (text, expected) => {
    expect(looksLikeEdifact(Buffer.from(text, 'utf8'))).toBe(expected);
  });
});

describe('readEdifact edge cases', () => {
  it('reads IS1/IS3/IS4 separators of a level B interchange without UNA', () => {
    const text = interchange(['BGM+220+PO-1+9', 'LIN+1++8412345678905:EN', 'QTY+21:5'])
      .replaceAll('+', '\x1d')
      .replaceAll(':', '\x1f')
      .replaceAll("'", '\x1c');
    const p = only(read(text.replace('UNOC', 'UNOB')));
    expect(p.order.poNumber).toBe('PO-1');
    expect(p.order.lines[0]?.quantity).toBe(5);
  });

  it('ignores the repetition separator of a syntax 4 UNA', () => {
    const p = only(read(`UNA:+.?*'\n${interchange(['BGM+220+PO-4+9'])}`));
    expect(p.order.poNumber).toBe('PO-4');
    expect(p.findings).toEqual([]);
  });

  it('rejects a UNA that repeats a separator', () => {
    const outcome = read(`UNA::.? '${UNB}`);
    expect(outcome.kind).toBe('rejected');
    expect(outcome.findings[0]?.code).toBe('invalid_edifact');
  });

  it('reads UTF-8 bytes labelled UNOC and says so', () => {
    const outcome = read(interchange(['BGM+220+PO-2+9', 'NAD+BY+++Ferretería López SL']), 'utf8');
    expect(only(outcome).order.customer.name).toBe('Ferretería López SL');
    expect(outcome.findings).toEqual([
      expect.objectContaining({
        code: 'invalid_edifact',
        severity: 'info',
        message: expect.stringContaining('UTF-8'),
      }),
    ]);
  });

  it('lets lowercase text through a UNOA interchange', () => {
    const p = only(read(interchange(['BGM+220+po-7+9'], UNB.replace('UNOC', 'UNOA'))));
    expect(p.order.poNumber).toBe('po-7');
  });

  it('treats a doubled release character before the terminator as a released release character', () => {
    const p = only(read(interchange(['BGM+220+PO-3??+9', 'FTX+AAI+++ends with ??'])));
    expect(p.order.poNumber).toBe('PO-3?');
    expect(p.order.notes).toBe('ends with ?');
  });

  it('warns on a cancellation and notes the message function', () => {
    const p = only(read(interchange(['BGM+220+PO-9+1'])));
    expect(p.order.notes).toBe('Message function 1 (cancellation)');
    expect(p.findings).toEqual([expect.objectContaining({ code: 'not_an_order', severity: 'warning' })]);
  });

  it('maps a message without UNB, with a warning on the document', () => {
    const outcome = read("UNH+7+ORDERS:D:96A:UN'BGM+220+PO-5+9'UNT+3+7'");
    expect(only(outcome).order.poNumber).toBe('PO-5');
    expect(outcome.findings.map((f) => f.message)).toEqual([
      'the file does not start with a UNB interchange header',
    ]);
  });

  it('takes a missing terminator after UNZ as cosmetic, and a wrong UNT reference as an error', () => {
    const text = interchange(['BGM+220+PO-11+9']).replace("UNT+3+1'", "UNT+3+2'").replace(/'$/, '');
    const outcome = read(text);
    expect(outcome.findings).toEqual([
      expect.objectContaining({ severity: 'info', message: 'segment 5 (UNZ) has no segment terminator' }),
    ]);
    expect(only(outcome).findings.map((f) => [f.severity, f.message])).toEqual([
      ['error', 'segment 4 (UNT): reference 2 does not match UNH reference 1 in message 1 (ref 1)'],
    ]);
  });

  it('reads two interchanges in one file, each message with its own sender', () => {
    const second = interchange(['BGM+220+PO-13+9'], UNB.replace('8412345000010', '8412345000027'));
    const outcome = read(`${interchange(['BGM+220+PO-12+9'])}\n${second}`);
    expect(outcome.findings).toEqual([]);
    const orders = outcome.kind === 'orders' ? outcome.orders : [];
    expect(orders.map((o) => [o.order.poNumber, o.evidence.partyIds])).toEqual([
      ['PO-12', ['8412345000010']],
      ['PO-13', ['8412345000027']],
    ]);
  });

  it('rejects an interchange without messages', () => {
    const outcome = read(`${UNB}UNZ+0+REF1'`);
    expect(outcome).toEqual({
      kind: 'rejected',
      findings: [
        expect.objectContaining({ code: 'not_an_order', message: 'The interchange holds no messages.' }),
      ],
    });
  });

  it('rejects a message with a control character and names the segment', () => {
    const p = only(read(interchange(['BGM+220+PO-6+9', 'FTX+AAI+++bell\x07'])));
    expect(p.rejected).toBe(true);
    expect(p.findings[0]?.message).toMatch(/^segment 4 \(FTX\) in message 1 \(ref 1\) cannot be read/);
  });

  it('says which message type it found for a UNH without one', () => {
    const outcome = read(`${UNB}UNH+1'UNT+2+1'UNZ+1+REF1'`);
    expect(only(outcome).findings[0]?.message).toBe(
      'message 1 (ref 1) is of no known type, not an ORDERS purchase order',
    );
  });

  it('leaves an unreadable number or date null, with a warning on its field', () => {
    const p = only(read(interchange(['BGM+220+PO-8+9', 'DTM+137:20261340:102', 'LIN+1', 'QTY+21:1O'])));
    expect(p.order.orderDate).toBeNull();
    expect(p.order.lines[0]?.quantity).toBeNull();
    expect(p.findings.map((f) => [f.code, f.severity, f.field])).toEqual([
      ['invalid_edifact', 'warning', 'orderDate'],
      ['invalid_edifact', 'warning', 'lines[0].quantity'],
    ]);
  });

  it('does not take a DTM of the buyer group or a line for an order date', () => {
    const body = [
      'BGM+220+PO-10+9',
      'NAD+BY+8412345000010::9',
      'RFF+VA:ESB1',
      'DTM+137:20200101:102',
      'LIN+1',
    ];
    const p = only(read(interchange([...body, 'DTM+2:20200202:102'])));
    expect(p.order.orderDate).toBeNull();
    expect(p.order.deliveryDate).toBeNull();
    expect(p.order.customer.taxId).toBe('ESB1');
  });
});

describe('robustness', () => {
  const demo = readFileSync(
    fileURLToPath(new URL('../../../fixtures/edifact/demo-orders.edi', import.meta.url)),
  );

  it('never throws on any truncation of an interchange', () => {
    for (let n = 0; n <= demo.length; n++) {
      const outcome = readEdifact(demo.subarray(0, n));
      expect(['orders', 'rejected']).toContain(outcome.kind);
    }
  });

  it('never throws on random byte damage', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let i = 0; i < 500; i++) {
      const damaged = Buffer.from(demo);
      for (let k = 0; k < 1 + (i % 8); k++)
        damaged[Math.floor(random() * damaged.length)] = Math.floor(random() * 256);
      const outcome = readEdifact(damaged);
      const findings =
        outcome.kind === 'rejected' ? outcome.findings : outcome.orders.flatMap((o) => o.findings);
      expect(['orders', 'rejected']).toContain(outcome.kind);
      expect(findings.every((f) => typeof f.message === 'string' && f.message.length > 0)).toBe(true);
    }
  });
});
