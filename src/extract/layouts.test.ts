import { describe, expect, it } from 'vitest';
import type { ExtractedOrder, ExtractOutcome } from '../domain/extraction.ts';
import type { Page } from '../domain/page.ts';
import { extractOrders } from './index.ts';
import { cellsOf, groupLines } from './layout.ts';
import { at, boxAt, page } from './testing.ts';

function only(outcome: ExtractOutcome): ExtractedOrder {
  if (outcome.kind !== 'orders') throw new Error(`rejected: ${JSON.stringify(outcome.findings)}`);
  return outcome.orders[0]!;
}

const T = { sku: 0, ean: 11, desc: 28, qty: 49, unit: 57, price: 63, dto: 74, amount: 81 };
const row = (...v: string[]) =>
  at(...(Object.values(T).map((c, i) => [c, v[i] ?? '']) as [number, string][]));

/** Values under their labels, SKU and EAN columns, units, a discount, a VAT block (the total is the net). */
function distribuciones(ean2 = '8412345678912'): string[] {
  return [
    'Distribuciones Norte S.A.U.',
    'NIF: ESB-98765432',
    at([0, 'Nº de pedido'], [22, 'Fecha pedido'], [44, 'Entrega']),
    at([0, '4500-77'], [22, '20.11.2026'], [44, '01/12/2026']),
    '',
    row('SKU', 'EAN', 'Descripción', 'Uds.', 'Ud.', 'P. unit.', 'Dto.', 'Importe'),
    row('TOR-M8', '8412345678905', 'Tornillo M8', '100', 'UN', '0,50', '10', '45,00'),
    row('TUE-M8', ean2, 'Tuerca M8', '50', 'UN', '0,20', '', '10,00'),
    at([50, 'Base imponible:'], [70, '55,00']),
    at([50, 'IVA 21%:'], [70, '11,55']),
    at([50, 'Total:'], [70, '66,55']),
  ];
}

describe('generic extractor on other layouts', () => {
  it('reads values under their labels, SKU/EAN/unit/discount columns and the net total of a VAT block', () => {
    const lines = distribuciones();
    const x = only(extractOrders([page(lines)]));
    expect(x.order.poNumber).toBe('4500-77');
    expect(x.order.orderDate).toBe('2026-11-20');
    expect(x.order.deliveryDate).toBe('2026-12-01');
    expect(x.order.customer).toEqual({ id: null, name: 'Distribuciones Norte S.A.U.', taxId: 'ESB98765432' });
    expect(x.order.currency).toBeNull();
    // CONTRACTS.md section 1: the order's total is the net total the lines add up to.
    expect(x.order.total).toBe(55);
    expect(x.order.lines).toEqual([
      {
        lineNo: 1,
        sku: 'TOR-M8',
        customerRef: null,
        gtin: '8412345678905',
        description: 'Tornillo M8',
        quantity: 100,
        unit: 'UN',
        // The net price after the line's 10 % discount (CONTRACTS.md section 1).
        unitPrice: 0.45,
        amount: 45,
      },
      {
        lineNo: 2,
        sku: 'TUE-M8',
        customerRef: null,
        gtin: '8412345678912',
        description: 'Tuerca M8',
        quantity: 50,
        unit: 'UN',
        unitPrice: 0.2,
        amount: 10,
      },
    ]);
    expect(x.fieldMeta['poNumber']?.source).toEqual(boxAt(lines, 3, '4500-77'));
    expect(x.fieldMeta['deliveryDate']?.source).toEqual(boxAt(lines, 3, '01/12/2026'));
    // Amounts add up to the pre-tax base: they are raised, the total is left as read.
    expect(x.fieldMeta['total']?.confidence).toBe(1);
    expect(x.findings).toEqual([]);
  });

  it('does not trust a GTIN whose check digit is wrong', () => {
    const x = only(extractOrders([page(distribuciones('8412345678913'))]));
    expect(x.order.lines[1]!.gtin).toBe('8412345678913');
    expect(x.fieldMeta['lines[1].gtin']?.confidence).toBe(0.5);
    expect(x.findings.map((f) => [f.code, f.field])).toEqual([['low_confidence', 'lines[1].gtin']]);
    expect(x.confidence).toBe(0.5);
  });

  it('accepts a label read with one OCR slip, at lower confidence', () => {
    const lines = ['Pedldo nº: 991', '', 'Código  Descripción   Cantidad', 'X1      Cosa          4'];
    const x = only(extractOrders([page(lines)]));
    expect(x.order.poNumber).toBe('991');
    expect(x.fieldMeta['poNumber']?.confidence).toBe(0.85);
  });

  it('takes a title "Pedido de compra" for no label, and a bare "Pedido" needs its colon', () => {
    const lines = ['PEDIDO DE COMPRA', 'Pedido 12345', 'Gracias por su confianza'];
    expect(extractOrders([page(lines)]).kind).toBe('rejected');
    const y = only(
      extractOrders([page(['Pedido: 12345', '', 'Ref.  Concepto   Qty', 'A     B          1'])]),
    );
    expect(y.order.poNumber).toBe('12345');
  });

  it('reads a number that OCR split at its thousands space', () => {
    const lines = [
      'PO number: 77',
      '',
      'Code     Description       Quantity   Price    Amount',
      'Z9       Big thing         1 200      2.50     3 000.00',
    ];
    const x = only(extractOrders([page(lines)]));
    expect(x.order.lines[0]).toMatchObject({ quantity: 1200, unitPrice: 2.5, amount: 3000 });
    expect(x.fieldMeta['lines[0].quantity']?.source).toEqual({ ...boxAt(lines, 3, '1 200'), w: 50 });
  });
});

describe('customer evidence', () => {
  it("skips the supplier's tax id even when its block comes first", () => {
    const lines = [
      'Proveedor: Suministros Industriales SA',
      'CIF: A87654321',
      '',
      'Cliente: Ferreteria Lopez S.L.',
      'CIF: ESB12345678   Fax: +34 912 345 678',
      'Pedido nº: 9',
    ];
    const x = only(extractOrders([page(lines)]));
    expect(x.order.customer).toEqual({ id: null, name: 'Ferreteria Lopez S.L.', taxId: 'ESB12345678' });
    expect(x.evidence.fax).toBe('+34912345678');
    expect(x.fieldMeta['customer.taxId']?.source).toEqual(boxAt(lines, 4, 'ESB12345678'));
  });
});

describe('company name', () => {
  it('takes the name out of a fax header line', () => {
    const lines = ['2026-11-20 09:10 FROM +34912345678 FERRETERIA LOPEZ SL P.1/1', 'Pedido nº: 1'];
    const x = only(extractOrders([page(lines)]));
    expect(x.order.customer.name).toBe('FERRETERIA LOPEZ SL');
    expect(x.fieldMeta['customer.name']).toEqual({
      confidence: 0.85,
      source: boxAt(lines, 0, 'FERRETERIA LOPEZ SL'),
    });
  });
});

describe('layout', () => {
  it('groups words into lines by vertical overlap, page by page, left to right', () => {
    const w = (text: string, x: number, y: number) => ({
      text,
      x,
      y,
      w: 10 * text.length,
      h: 20,
      confidence: 1,
    });
    const p = (n: number, words: ReturnType<typeof w>[]): Page => ({
      number: n,
      width: 1000,
      height: 1000,
      words,
      source: 'ocr',
      image: null,
      confidence: 1,
    });
    const lines = groupLines([
      p(2, [w('next', 0, 10)]),
      p(1, [w('world', 200, 104), w('hello', 0, 100), w('below', 0, 127), w('skew', 400, 96)]),
    ]);
    expect(lines.map((l) => [l.page, l.index, l.text])).toEqual([
      [1, 0, 'hello world skew'],
      [1, 1, 'below'],
      [2, 2, 'next'],
    ]);
  });

  it('splits a line into cells at wide gaps', () => {
    const cells = cellsOf(page([at([0, 'Pedido nº: 1'], [30, 'Fecha: 2'])]).words);
    expect(cells.map((c) => c.text)).toEqual(['Pedido nº: 1', 'Fecha: 2']);
  });
});
