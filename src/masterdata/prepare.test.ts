import { describe, expect, it } from 'vitest';
import { FILE_SPECS, type FileSpec } from './files.ts';
import { prepareFile } from './prepare.ts';

const spec = (file: string): FileSpec => FILE_SPECS.find((s) => s.file === file)!;
const prepare = (file: string, text: string) => prepareFile(spec(file), file, Buffer.from(text));

describe('prepareFile', () => {
  it('matches headers in any order and case, ignoring unknown columns', () => {
    const p = prepare(
      'customers.csv',
      ' Name ,Comment,ID,Emails,Fax_Numbers,Credit Limit,currency\n' +
        'Ferreteria Lopez SL,hola,C042,Compras@FerreteriaLopez.es;@ferreterialopez.es,+34 912 345 678,50000,eur\n',
    );
    expect(p.report).toEqual({ file: 'customers.csv', rows: 1, loaded: 1, errors: [] });
    expect(p.target?.columns.map((c) => c.name)).toEqual([
      'id',
      'name',
      'emails',
      'fax_numbers',
      'currency',
      'credit_limit',
    ]);
    expect(p.rows).toEqual([
      {
        id: 'C042',
        name: 'Ferreteria Lopez SL',
        emails: ['compras@ferreterialopez.es', '@ferreterialopez.es'],
        fax_numbers: ['+34912345678'],
        currency: 'EUR',
        credit_limit: '50000',
      },
    ]);
  });

  it('reports each wrong row with the line where it starts', () => {
    const p = prepare(
      'products.csv',
      [
        'sku,description,unit,unit_price,gtin,pack_size',
        'A,"Tornillo',
        'largo",EA,0.12,8412345678905,100',
        'B,Tuerca,EA,"12,5",,',
        'C,Arandela,EA,0.02,8412345678906,0',
        ',Sin codigo,EA,1,,',
        'D,Broca,EA,1.85,,,extra',
        'A,Otra vez,EA,1,,',
      ].join('\n'),
    );
    expect(p.report.rows).toBe(6);
    expect(p.report.loaded).toBe(1);
    expect(p.report.errors).toEqual([
      {
        line: 4,
        message: 'unit_price "12,5" is not a number: use "." as the decimal mark and no thousands separator',
      },
      {
        line: 5,
        message:
          'gtin "8412345678906" has a wrong check digit (did you mean 8412345678905?); pack_size "0" must be greater than 0',
      },
      { line: 6, message: 'sku is empty but required' },
      { line: 7, message: 'has 7 fields but the header has 6 (a comma inside an unquoted value?)' },
      { line: 8, message: 'repeats sku A of line 2; ignored' },
    ]);
    expect(p.rows[0]?.description).toBe('Tornillo\nlargo');
  });

  it('refuses a file whose header lacks a required column', () => {
    const p = prepare('products.csv', 'sku,descripcion,unit,unit_price\nA,x,EA,1\nB,y,EA,2\n');
    expect(p.target).toBeNull();
    expect(p.report).toEqual({
      file: 'products.csv',
      rows: 2,
      loaded: 0,
      errors: [
        {
          line: 1,
          message:
            'the header lacks the required column description (found: sku, descripcion, unit, unit_price); file not loaded',
        },
      ],
    });
  });

  it('checks dates and sums a SKU listed twice in one history PO', () => {
    const p = prepare(
      'order_history.csv',
      'customer_id,po_number,order_date,sku,quantity\nC1,P1,2026-02-30,A,5\nC1,P2,2026-02-03,A,5\nC1,P2,2026-02-03,A,7.5\n',
    );
    expect(p.report.errors).toEqual([
      { line: 2, message: 'order_date "2026-02-30" is not a date: use YYYY-MM-DD' },
    ]);
    expect(p.report.loaded).toBe(2);
    expect(p.rows).toEqual([
      { customer_id: 'C1', po_number: 'P2', order_date: '2026-02-03', sku: 'A', quantity: '12.5' },
    ]);
  });

  it('refuses a file that is not UTF-8', () => {
    const latin1 = Buffer.from('id,name\nC1,Ferreter\xeda L\xf3pez\n', 'latin1');
    const p = prepareFile(spec('customers.csv'), 'customers.csv', latin1);
    expect(p.target).toBeNull();
    expect(p.report.errors[0]?.line).toBe(2);
    expect(p.report.errors[0]?.message).toMatch(/not UTF-8/);
  });

  it('says so when the file is empty', () => {
    expect(prepare('prices.csv', '\n\n').report.errors).toEqual([
      { line: 1, message: 'the file is empty: expected a header row' },
    ]);
  });
});
