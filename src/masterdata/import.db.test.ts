import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing/db.ts';
import { formatImportReport, importMasterData } from './import.ts';

const FIXTURES = new URL('../../fixtures/masterdata/', import.meta.url).pathname;

describe('importMasterData', () => {
  let t: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    t = await createTestDatabase();
    dir = await mkdtemp(join(tmpdir(), 'ordercap-md-'));
  });
  afterAll(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  const write = (files: Record<string, string>) =>
    Promise.all(Object.entries(files).map(([name, text]) => writeFile(join(dir, name), text)));

  it('loads the demo master data without errors', async () => {
    const report = await importMasterData(t.db, FIXTURES);
    expect(formatImportReport(report)).toBe(
      [
        'customers.csv: 9 rows, 9 loaded, 0 errors',
        'products.csv: 32 rows, 32 loaded, 0 errors',
        'cross_refs.csv: 9 rows, 9 loaded, 0 errors',
        'prices.csv: 9 rows, 9 loaded, 0 errors',
        'order_history.csv: 16 rows, 16 loaded, 0 errors',
      ].join('\n'),
    );
    const [c042] = await t.db.query(
      `SELECT id, name, tax_id, emails, fax_numbers, edi_ids, currency, credit_limit, sla_hours
         FROM customers WHERE id = 'C042'`,
    );
    expect(c042).toEqual({
      id: 'C042',
      name: 'Ferreteria Lopez SL',
      tax_id: 'ESB12345678',
      emails: ['compras@ferreterialopez.es', '@ferreterialopez.es'],
      fax_numbers: ['+34912345678'],
      // Its GLN and its Ariba network id (cXML orders name it by the latter).
      edi_ids: ['8412345000003', 'AN01000012345'],
      currency: 'EUR',
      credit_limit: 50000,
      sla_hours: 4,
    });
    const faxes = await t.db.query<{ id: string; fax_numbers: string[] }>(
      `SELECT id, fax_numbers FROM customers WHERE id IN ('C115', 'C150') ORDER BY id`,
    );
    expect(faxes).toEqual([
      { id: 'C115', fax_numbers: ['+34963112233'] },
      { id: 'C150', fax_numbers: ['+34933445566'] },
    ]);
    const [tor] = await t.db.query(
      `SELECT description, unit, unit_price, gtin, pack_size FROM products WHERE sku = 'TOR-M8-40'`,
    );
    expect(tor).toEqual({
      description: 'Tornillo M8x40 zincado',
      unit: 'EA',
      unit_price: 0.12,
      gtin: '08412345678905',
      pack_size: 100,
    });
  });

  it('updates in place on re-import, keeping columns the file lacks', async () => {
    await write({
      'customers.csv': 'id,credit_limit,name\nC042,75000,Ferreteria Lopez S.L.\nC999,10,Nuevo SL\n',
    });
    const report = await importMasterData(t.db, dir);
    expect(report.files).toEqual([{ file: 'customers.csv', rows: 2, loaded: 2, errors: [] }]);
    const rows = await t.db.query(
      `SELECT id, name, credit_limit, emails, currency FROM customers WHERE id IN ('C042', 'C999') ORDER BY id`,
    );
    expect(rows).toEqual([
      {
        id: 'C042',
        name: 'Ferreteria Lopez S.L.',
        credit_limit: 75000,
        emails: ['compras@ferreterialopez.es', '@ferreterialopez.es'],
        currency: 'EUR',
      },
      { id: 'C999', name: 'Nuevo SL', credit_limit: 10, emails: [], currency: null },
    ]);
    const [{ n }] = (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM customers')) as [
      { n: number },
    ];
    expect(n).toBe(10);
  });

  it('reads the extension columns: confirmations, language, priority', async () => {
    await write({
      'customers.csv':
        'id,name,confirmations,language,priority\nC801,Uno SL,none,ES,sí\nC802,Two Ltd,email,en,\nC803,Tres SA,fax,xx,quizá\n',
    });
    const report = await importMasterData(t.db, dir);
    expect(report.files[0]!.errors.map((e) => e.message)).toEqual([
      'confirmations "fax" must be one of email, edi, none; language "xx" must be one of es, en; priority "quizá" must be yes or no',
    ]);
    const rows = await t.db.query(
      `SELECT id, confirmations, language, priority FROM customers WHERE id IN ('C801', 'C802') ORDER BY id`,
    );
    expect(rows).toEqual([
      { id: 'C801', confirmations: 'none', language: 'es', priority: true },
      { id: 'C802', confirmations: 'email', language: 'en', priority: false },
    ]);
  });

  it('reports bad rows as file:line and loads the rest', async () => {
    await rm(join(dir, 'customers.csv'));
    await write({
      'Prices.CSV': [
        'customer_id,sku,unit_price,comment',
        'C042,TOR-M8-40,0.11,"precio pactado',
        'hasta 2027, ver contrato"',
        'C042,TUE-M8,0.04,',
        'C042,ARA-M8,abc,',
        'C777,NOT-IN-CATALOG,1.5,',
      ].join('\r\n'),
    });
    const report = await importMasterData(t.db, dir);
    expect(formatImportReport(report)).toBe(
      ['Prices.CSV: 4 rows, 3 loaded, 1 error', '  Prices.CSV:5: unit_price "abc" is not a number'].join(
        '\n',
      ),
    );
    const prices = await t.db.query(
      `SELECT customer_id, sku, unit_price FROM prices WHERE customer_id IN ('C042', 'C777') ORDER BY customer_id, sku`,
    );
    expect(prices).toContainEqual({ customer_id: 'C042', sku: 'TOR-M8-40', unit_price: 0.11 });
    expect(prices).toContainEqual({ customer_id: 'C042', sku: 'TUE-M8', unit_price: 0.04 });
    expect(prices).toContainEqual({ customer_id: 'C777', sku: 'NOT-IN-CATALOG', unit_price: 1.5 });
  });

  it('refuses a whole file whose header lacks a required column', async () => {
    await rm(join(dir, 'Prices.CSV'));
    await write({ 'cross_refs.csv': 'customer_id,sku\nC042,TOR-M8-40\n' });
    expect(formatImportReport(await importMasterData(t.db, dir))).toBe(
      [
        'cross_refs.csv: 1 row, 0 loaded, 1 error',
        '  cross_refs.csv:1: the header lacks the required column customer_ref (found: customer_id, sku); file not loaded',
      ].join('\n'),
    );
  });

  it('loads 10,000 products, then updates them all', async () => {
    await rm(join(dir, 'cross_refs.csv'));
    const lines = ['sku,description,unit,unit_price,gtin,pack_size'];
    for (let i = 0; i < 10_000; i++)
      lines.push(`BULK-${i},"Articulo ${i}, surtido",EA,${(i % 97) + 0.25},,10`);
    await write({ 'products.csv': lines.join('\n') });
    const report = await importMasterData(t.db, dir);
    expect(report.files[0]).toMatchObject({ rows: 10_000, loaded: 10_000, errors: [] });
    // A second run takes the update path of every row.
    await importMasterData(t.db, dir);
    const [row] = await t.db.query(`SELECT count(*)::int AS n FROM products WHERE sku LIKE 'BULK-%'`);
    expect(row).toEqual({ n: 10_000 });
  });

  it('says when the folder holds no master data and fails on a missing folder', async () => {
    await rm(join(dir, 'products.csv'));
    expect(formatImportReport(await importMasterData(t.db, dir))).toMatch(/^no master-data files found/);
    await expect(importMasterData(t.db, join(dir, 'nope'))).rejects.toThrow(
      /cannot read the master-data folder/,
    );
  });
});
