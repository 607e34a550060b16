import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExtractedOrder, ExtractOutcome } from '../../domain/extraction.ts';
import { csvFormat, xlsxFormat } from '../structured.ts';
import { cleanOrder, sheetRows, storedZip, toCsv, toXlsx } from '../testing.ts';
import { looksLikeCsv } from './csv.ts';
import { readCsv, readXlsx } from './read.ts';
import { CORPUS } from '../../testing/services.ts';

const PIPELINES = join(CORPUS, 'smooks-examples', 'pipelines');

function orders(o: ExtractOutcome): ExtractedOrder[] {
  if (o.kind !== 'orders') throw new Error(`rejected: ${o.findings.map((f) => f.message).join('; ')}`);
  return o.orders;
}

const order = cleanOrder('PED-7781');
const expected = {
  poNumber: 'PED-7781',
  orderDate: '2026-11-20',
  deliveryDate: '2026-11-27',
  total: 31.2,
  customer: { id: null, name: 'Ferreteria Lopez SL', taxId: 'ESB12345678' },
  lines: [
    {
      lineNo: 1,
      sku: 'TOR-M8-40',
      customerRef: '4711',
      gtin: '8412345678905',
      description: 'Tornillo M8x40 zincado',
      quantity: 200,
      unit: 'EA',
      unitPrice: 0.12,
      amount: 24,
    },
    {
      lineNo: 2,
      sku: 'ARA-M8',
      customerRef: '4713',
      gtin: null,
      description: 'Arandela M8',
      quantity: 400,
      unit: 'EA',
      unitPrice: 0.018,
      amount: 7.2,
    },
  ],
};

describe.skipIf(!existsSync(PIPELINES))('the public Smooks CSV order and its expected ORDERS', () => {
  it('reads every row as the line Smooks wrote into its ORDERS (GTIN, quantity, unit, price)', () => {
    const parts = orders(readCsv(readFileSync(join(PIPELINES, 'input-message.csv'))));
    const want = readFileSync(join(PIPELINES, 'expected.txt'), 'latin1');
    const lins = [
      ...want.matchAll(/LIN\+\d+\+\+(\d+):SRS'\s*QTY\+21:([\d.]+):(\w+)'\s*PRI\+AAA:([\d.]+)'/g),
    ].map((m) => [m[1], Number(m[2]), m[3] === 'PCE' ? 'EA' : m[3] === 'KGM' ? 'KG' : m[3], Number(m[4])]);
    expect(lins).toHaveLength(3);
    const got = parts.flatMap((p) => p.order.lines.map((l) => [l.gtin, l.quantity, l.unit, l.unitPrice]));
    expect(got).toEqual(lins);
    // Each row names its own PO and customer: three orders, the first as Smooks's BGM says.
    expect(parts.map((p) => p.order.poNumber)).toEqual(['128576', '128577', '128578']);
    expect(want).toContain(`BGM+220+${parts[0]!.order.poNumber}+9'`);
    expect(want).toContain(`DTM+137:${parts[0]!.order.orderDate!.replace(/-/g, '')}:102'`);
    expect(parts[0]!.order.customer).toEqual({ id: '123456', name: 'KION GROUP AG', taxId: null });
    expect(parts[1]!.order.shipTo).toMatchObject({
      street: 'Maria-Theresien-Strasse',
      city: 'Innsbruck',
      postalCode: 'AT6020',
    });
  });
});

describe('CSV order sheets', () => {
  it.each([
    ['; with decimal commas', { sep: ';', decimalComma: true }],
    [', with points, columns shuffled', { sep: ',', shuffle: true }],
    ['tabs', { sep: '\t' }],
    ['| with decimal commas, shuffled', { sep: '|', decimalComma: true, shuffle: true }],
  ])('reads header fields above the table and the lines: %s', (_, opt) => {
    const bytes = Buffer.from(toCsv(order, opt));
    expect(csvFormat.score({ bytes, filename: 'pedido.csv', contentType: null })).toBeGreaterThan(0.5);
    const [part] = orders(readCsv(bytes));
    expect(part!.order).toMatchObject(expected);
    expect(part!.findings).toEqual([]);
    expect(part!.fieldMeta.poNumber?.source).toEqual({
      kind: 'cell',
      sheet: null,
      ref: 'B4',
      text: 'PED-7781',
    });
  });

  it.each([
    ['Windows-1252', (s: string) => Buffer.from(new Uint8Array([...s].map((c) => c.charCodeAt(0) & 0xff)))],
    ['UTF-16 with BOM', (s: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')])],
    ['UTF-8 with BOM', (s: string) => Buffer.from(`\ufeff${s}`, 'utf8')],
  ])('reads %s', (_, encode) => {
    const [part] = orders(readCsv(encode(toCsv(order, { decimalComma: true }))));
    expect(part!.order.lines[1]!.description).toBe('Arandela M8');
    expect(part!.order.poNumber).toBe('PED-7781');
  });

  it('a sheet without a quantity column is not an order; a bad number is said', () => {
    expect(readCsv(Buffer.from('name;city;phone\nAna;Madrid;1\nLuis;Lugo;2\n'))).toMatchObject({
      kind: 'rejected',
      findings: [{ code: 'not_an_order' }],
    });
    const [part] = orders(readCsv(Buffer.from('sku;qty;price\nTOR-M8-40;doscientos;0,12\n')));
    expect(part!.findings).toContainEqual(
      expect.objectContaining({ code: 'invalid_message', field: 'lines[0].quantity' }),
    );
    expect(looksLikeCsv(Buffer.from('<?xml version="1.0"?><a/>'))).toBe(false);
  });
});

describe('XLSX order sheets', () => {
  it('reads the sheet like the CSV, numbers as numbers, cells as sources', async () => {
    const bytes = toXlsx(sheetRows(order, { shuffle: true }));
    expect(xlsxFormat.score({ bytes, filename: null, contentType: null })).toBeGreaterThan(0.5);
    const [part] = orders(await readXlsx(bytes));
    expect(part!.order).toMatchObject(expected);
    expect(part!.fieldMeta['lines[0].quantity']?.source).toMatchObject({
      kind: 'cell',
      sheet: 'Pedido',
      ref: 'B9',
    });
  });

  it('refuses a damaged workbook and a zip bomb by its declared size', async () => {
    const broken = toXlsx(sheetRows(order)).subarray(0, 300);
    expect((await readXlsx(broken)).findings[0]).toMatchObject({ code: 'unreadable_document' });
    const big = storedZip([{ name: 'xl/workbook.xml', data: Buffer.alloc(10) }]);
    big.writeUInt32LE(4_000_000_000, big.length - 22 - 46 - 'xl/workbook.xml'.length + 24);
    expect((await readXlsx(big)).findings[0]!.message).toMatch(/unpacks to/);
  });
});
