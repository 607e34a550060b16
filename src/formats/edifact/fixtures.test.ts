import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ExtractedOrder, ExtractOutcome } from '../../domain/extraction.ts';
import { looksLikeEdifact, readEdifact } from './index.ts';

const DIR = fileURLToPath(new URL('../../../fixtures/edifact/', import.meta.url));
const bytes = (name: string) => readFileSync(DIR + name);

function parts(outcome: ExtractOutcome): ExtractedOrder[] {
  if (outcome.kind !== 'orders') throw new Error(`rejected: ${JSON.stringify(outcome.findings)}`);
  return outcome.orders;
}

const read = (name: string) => readEdifact(bytes(name));
const codes = (p: ExtractedOrder) => p.findings.map((f) => `${f.code}/${f.severity}`);

describe('fixtures/edifact: every order file against its expected canonical JSON', () => {
  const withExpected = readdirSync(DIR).filter((f) => f.endsWith('.expected.json'));

  it('has expected JSON for the order fixtures', () => {
    expect(withExpected.length).toBeGreaterThanOrEqual(11);
  });

  for (const expectedFile of withExpected) {
    const input = expectedFile.replace(/\.expected\.json$/, '.edi');
    it(input, () => {
      const expected = JSON.parse(readFileSync(DIR + expectedFile, 'utf8'));
      expect(looksLikeEdifact(bytes(input))).toBe(true);
      expect(parts(read(input)).map((p) => p.order)).toEqual(expected);
    });
  }
});

describe('envelope checks', () => {
  it('maps all three messages and flags message 2, whose UNT count is wrong, for a person', () => {
    const outcome = read('d96a-three-messages.edi');
    const [m1, m2, m3] = parts(outcome);
    expect(outcome.findings).toEqual([]);
    // Message 2 still holds a mapped order: the error sends it to review instead of dropping it.
    expect([m1?.rejected, m2?.rejected, m3?.rejected]).toEqual([undefined, undefined, undefined]);
    expect(m2?.order.lines.length).toBeGreaterThan(0);
    expect(m2?.findings).toEqual([
      {
        code: 'invalid_edifact',
        severity: 'error',
        field: null,
        message: 'segment 32 (UNT): segment count 6 does not match 8 segments in message 2 (ref 0002)',
      },
    ]);
    expect(m1?.findings).toEqual([]);
    expect([m1?.reference, m2?.reference, m3?.reference]).toEqual(['0001', '0002', '0003']);
  });

  it('warns about a wrong UNZ count on the document, and still maps the message', () => {
    const outcome = read('wrong-unz-count.edi');
    expect(outcome.findings).toEqual([
      {
        code: 'invalid_edifact',
        severity: 'warning',
        field: null,
        message: 'segment 10 (UNZ): interchange control count 2 does not match 1 message',
      },
    ]);
    expect(parts(outcome)[0]?.rejected).toBeUndefined();
  });

  it('checks UNG/UNE groups and rejects the DESADV message as not an order', () => {
    const outcome = read('groups-mixed.edi');
    const [order, desadv] = parts(outcome);
    expect(outcome.findings).toEqual([]);
    expect(order?.rejected).toBeUndefined();
    expect(desadv?.rejected).toBe(true);
    expect(desadv?.findings).toEqual([
      {
        code: 'not_an_order',
        severity: 'error',
        field: null,
        message: 'message 2 (ref D1) is DESADV (despatch advice), not an ORDERS purchase order',
      },
    ]);
    expect(desadv?.evidence.partyIds).toEqual(['8412345000041']);
  });

  it('flags the message of a file cut off inside a segment, without using the cut segment', () => {
    const outcome = read('truncated.edi');
    const [part] = parts(outcome);
    expect(part?.rejected).toBeUndefined();
    expect(part?.findings.some((f) => f.code === 'invalid_edifact' && f.severity === 'error')).toBe(true);
    expect(part?.findings.map((f) => f.message)).toEqual([
      'segment 8 (PRI) in message 1 (ref 1) is cut off: the file ends inside it',
      'message 1 (ref 1) has no UNT trailer: it breaks off after segment 8 (PRI); the file ends',
    ]);
    expect(part?.order.lines[0]?.unitPrice).toBeNull();
    expect(outcome.findings.map((f) => f.message)).toEqual([
      'the interchange (ref ICR0007) has no UNZ trailer',
    ]);
  });
});

describe('broken input is rejected with a reason, never thrown', () => {
  it.each([
    ['empty.edi', 'unreadable_document', 'The file is empty.'],
    ['garbage.bin', 'unreadable_document', 'does not start with UNA or UNB'],
    ['garbage-after-unb.edi', 'invalid_edifact', 'No message could be read: segment 2 is not EDIFACT'],
  ])('%s', (file, code, message) => {
    const outcome = read(file);
    expect(outcome.kind).toBe('rejected');
    expect(outcome.findings[0]?.code).toBe(code);
    expect(outcome.findings[0]?.severity).toBe('error');
    expect(outcome.findings[0]?.message).toContain(message);
  });

  it('does not take binary garbage for EDIFACT', () => {
    expect(looksLikeEdifact(bytes('garbage.bin'))).toBe(false);
    expect(looksLikeEdifact(bytes('empty.edi'))).toBe(false);
  });
});

describe('syntax', () => {
  it('resolves release characters in names, free text and the PO number', () => {
    const [part] = parts(read('release-chars.edi'));
    expect(part?.order.poNumber).toBe('PO+2026:0301');
    expect(part?.order.customer.name).toBe("Hierros + Aceros 'El Yunque' S.L.: Central");
    expect(part?.order.notes).toBe('Llamar antes: 976 123 456 + preguntar por Ana Precio ?0.12 confirmado');
    expect(part?.order.lines[0]?.description).toBe("Escuadra 40x40 'reforzada'");
  });

  it('reads a UNA with other separators, a backslash release character and a decimal comma', () => {
    const [part] = parts(read('una-custom.edi'));
    expect(part?.order.customer.name).toBe('Bricolaje Hermanos Ruiz | Cia SL');
    expect(part?.order.lines.map((l) => [l.quantity, l.unitPrice, l.amount])).toEqual([
      [100, 1.25, 125],
      [12.5, 2.4, 30],
    ]);
    expect(part?.order.total).toBe(155);
    expect(part?.findings).toEqual([]);
  });

  it('decodes UNOC as ISO-8859-1', () => {
    const raw = bytes('unoc-latin1.edi');
    expect(raw.includes(Buffer.from('Ferreter\xeda L\xf3pez', 'latin1'))).toBe(true);
    const outcome = readEdifact(raw);
    expect(outcome.findings).toEqual([]);
    const [part] = parts(outcome);
    expect(part?.order.customer.name).toBe('Ferretería López SL');
    expect(part?.order.shipTo?.city).toBe('Alcalá de Henares');
  });

  it('decodes UNOY as UTF-8', () => {
    const [part] = parts(read('unoy-utf8.edi'));
    expect(part?.order.customer.name).toBe('Ferretería Muñoz — Almacén Ñ');
    expect(part?.order.notes).toBe('Importe máximo 500 €');
  });
});

describe('mapping', () => {
  it('keeps the segment each value came from', () => {
    const [part] = parts(read('d96a-three-messages.edi'));
    expect(part?.fieldMeta['lines[0].quantity']).toEqual({
      confidence: 1,
      source: { kind: 'segment', index: 13, tag: 'QTY', text: "QTY+21:500:PCE'" },
    });
    expect(part?.fieldMeta.poNumber?.source).toMatchObject({ index: 3, tag: 'BGM' });
    expect(part?.fieldMeta['customer.taxId']?.source).toMatchObject({
      tag: 'RFF',
      text: "RFF+VA:ESA50123456'",
    });
    const keys = [
      'poNumber',
      'orderDate',
      'deliveryDate',
      'currency',
      'customer.name',
      'customer.taxId',
      'total',
    ];
    for (const key of keys) expect(part?.fieldMeta[key]?.confidence).toBe(1);
    const lines = part?.sourceText?.split('\n') ?? [];
    expect(lines).toHaveLength(23);
    expect(lines[0]).toBe("UNH+0001+ORDERS:D:96A:UN'");
    expect(lines[22]).toBe("UNT+23+0001'");
  });

  it('reads a D01B message: GTIN-14, PIA, price per 100, buyer contact, ST delivery party', () => {
    const [part] = parts(read('d01b-order.edi'));
    expect(part?.evidence).toEqual({
      partyIds: ['8412345000010'],
      taxId: 'ESA50123456',
      name: 'Suministros Industriales Garcia SA',
      email: 'compras@garcia-suministros.es',
      fax: '34976000111',
    });
    expect(part?.order.lines[0]).toMatchObject({
      lineNo: 10,
      gtin: '18412345678902',
      sku: 'TOR-M8-40',
      unitPrice: 0.12,
    });
    expect(part?.order.total).toBe(122.45);
  });

  it('reads an EANCOM message: replace function, date range, gross price, CNT mismatch', () => {
    const [part] = parts(read('eancom-ean010.edi'));
    expect(part?.order.notes).toBe(
      'Message function 5 (replace)\nDeliver to party 8412345000034 (NAD+DP, no address given)',
    );
    expect(part?.order.deliveryDate).toBe('2026-12-02');
    expect(part?.order.customer.taxId).toBeNull();
    expect(codes(part!)).toEqual(['invalid_edifact/warning']);
    expect(part?.findings[0]?.message).toBe(
      'segment 24 (CNT): control count of 3 line items does not match 2 LIN segments',
    );
  });

  it('reads the demo interchange the demo master data is built for', () => {
    const outcome = read('demo-orders.edi');
    expect(outcome.findings).toEqual([]);
    const orders = parts(outcome);
    expect(orders.map((o) => o.order.poNumber)).toEqual(['PO-2026-0042', 'PO-2026-0043']);
    for (const o of orders) {
      expect(o.findings).toEqual([]);
      expect(o.confidence).toBe(1);
      expect(o.evidence.partyIds).toEqual(['8412345000003']);
      expect(o.evidence.taxId).toBe('ESB12345678');
      expect(o.order.customer.name).toBe('Ferreteria Lopez SL');
      for (const l of o.order.lines) expect((l.quantity ?? 0) % 100).toBe(0);
    }
    expect(orders[0]?.order.lines.map((l) => [l.gtin ?? l.sku, l.description, l.unitPrice])).toEqual([
      ['8412345678905', 'Tornillo M8x40 zincado', 0.12],
      ['8412345678912', 'Tuerca M8 zincada', 0.05],
      ['ARA-M8', 'Arandela M8', 0.02],
    ]);
  });
});
