/**
 * Layouts the generic reader was not written against: labels in other languages, values under
 * their labels, letters and prose, tables without a readable header. Each test is a layout a
 * customer's ERP could print; none is a template.
 */
import { describe, expect, it } from 'vitest';
import type { ExtractedOrder } from '../domain/extraction.ts';
import { extractOrders } from './index.ts';
import { at, page } from './testing.ts';

function only(lines: string[]): ExtractedOrder {
  const o = extractOrders([page(lines)]);
  if (o.kind !== 'orders') throw new Error(`expected an order, got ${o.kind}`);
  return o.orders[0]!;
}

const lineOf = (x: ExtractedOrder) =>
  x.order.lines.map((l) => [l.customerRef ?? l.sku ?? l.gtin, l.quantity, l.unitPrice, l.amount]);

describe('reading layouts without a template', () => {
  it('reads a German order: labels beside values, per-100 prices, a VAT block whose net is the total', () => {
    const x = only([
      'Haustechnik Muster GmbH',
      at([40, 'Bestellnummer'], [60, 'BST-26-1']),
      at([40, 'Bestelldatum'], [60, '03.11.2026']),
      at([40, 'Liefertermin'], [60, '13. November 2026']),
      '',
      at(
        [0, 'Pos'],
        [5, 'Artikel'],
        [16, 'Bezeichnung'],
        [44, 'Menge'],
        [52, 'Preis'],
        [60, 'PE'],
        [65, 'Betrag'],
      ),
      at(
        [0, '1'],
        [5, '1000234'],
        [16, 'Kabel 3x1,5'],
        [46, '200'],
        [51, '142,00'],
        [59, '100'],
        [65, '284,00'],
      ),
      at([0, '2'], [5, '1000517'], [16, 'Schalter'], [47, '10'], [53, '8,40'], [61, '1'], [66, '84,00']),
      '',
      at([40, 'Nettobetrag'], [65, '368,00']),
      at([40, 'MwSt. 19 %'], [66, '69,92']),
      at([40, 'Gesamtbetrag'], [65, '437,92']),
    ]);
    expect(x.order.poNumber).toBe('BST-26-1');
    expect(x.order.orderDate).toBe('2026-11-03');
    expect(x.order.deliveryDate).toBe('2026-11-13');
    expect(x.order.total).toBe(368);
    expect(lineOf(x)).toEqual([
      ['1000234', 200, 1.42, 284],
      ['1000517', 10, 8.4, 84],
    ]);
    expect(x.confidenceCap).toBe(1);
  });

  it('reads a box grid with labels above values, a date written over two lines, and a discount column', () => {
    const x = only([
      at([0, 'Nº DE PEDIDO DE'], [20, 'FECHA DEL PEDIDO']),
      at([0, 'COMPRA'], [20, 'viernes, 6 de']),
      at([0, 'RB26/0318'], [20, 'noviembre de 2026']),
      '',
      at(
        [0, 'Artículo'],
        [12, 'Descripción'],
        [40, 'Cantidad'],
        [50, 'Precio'],
        [58, 'Dto. %'],
        [66, 'Importe'],
      ),
      at(
        [0, 'VAL-50034'],
        [12, 'Válvula 3/4 palanca'],
        [46, '18'],
        [52, '6,90'],
        [60, '20,0'],
        [68, '99,36'],
      ),
      at([40, 'Total pedido (IVA no incl.)'], [68, '99,36']),
    ]);
    expect(x.order.poNumber).toBe('RB26/0318');
    expect(x.order.orderDate).toBe('2026-11-06');
    // The canonical unit price is the net one, after the line's discount.
    expect(lineOf(x)).toEqual([['VAL-50034', 18, 5.52, 99.36]]);
    expect(x.order.total).toBe(99.36);
  });

  it('reads a French letter: "Objet : Commande n°", the date after the town, quantity first', () => {
    const x = only([
      'Plomberie Exemple SAS',
      at([40, 'Montpellier, le 4 novembre 2026']),
      'Objet : Commande n° CMD/26/0982',
      '',
      at([0, 'Qté'], [6, 'Désignation'], [36, 'Référence'], [50, 'P.U. HT'], [60, 'Montant HT']),
      at([1, '12'], [6, 'Mitigeur lavabo'], [36, 'MIT-31020'], [51, '48,50'], [62, '582,00']),
      at([0, 'Total HT'], [62, '582,00']),
    ]);
    expect(x.order.poNumber).toBe('CMD/26/0982');
    expect(x.order.orderDate).toBe('2026-11-04');
    expect(lineOf(x)).toEqual([['MIT-31020', 12, 48.5, 582]]);
  });

  it('reads an order typed in an e-mail: number after "pedido", delivery after "entrega", one article a line', () => {
    const x = only([
      'Buenos días:',
      'Os paso pedido V-004130 para el almacén central.',
      'Fecha de pedido 09/11/2026, entrega como muy tarde el 13/11/2026.',
      '',
      '- 8 rollos CAB-10015/AV  Cable H07V-K 1,5 mm² a 21,90 €',
      '- 2 cajas CON-80303  Conector de palanca a 14,20 €',
      '',
      'Total: 203,60 € + IVA',
    ]);
    expect(x.order.poNumber).toBe('V-004130');
    expect(x.order.orderDate).toBe('2026-11-09');
    expect(x.order.deliveryDate).toBe('2026-11-13');
    expect(x.order.total).toBe(203.6);
    expect(x.order.lines.map((l) => [l.customerRef, l.quantity, l.unit, l.unitPrice])).toEqual([
      ['CAB-10015/AV', 8, 'rollos', 21.9],
      ['CON-80303', 2, 'cajas', 14.2],
    ]);
  });

  it('finds the lines by their arithmetic when the table header is unreadable', () => {
    const x = only([
      'PEDIDO Nº: P-77',
      'Fecha: 02/11/2026',
      at([0, 'Xrt1cul0'], [12, 'D3scr'], [40, 'C@nt']),
      at([0, 'MUL-40161'], [12, 'Racor press 16 x 1/2'], [40, 'ud'], [44, '20'], [50, '3,95'], [58, '79,00']),
      at([0, 'COB-15100'], [12, 'Tubo de cobre'], [40, 'm'], [44, '40'], [50, '9,40'], [57, '376,00']),
      at([30, 'Total'], [57, '455,00']),
    ]);
    expect(lineOf(x)).toEqual([
      ['MUL-40161', 20, 3.95, 79],
      ['COB-15100', 40, 9.4, 376],
    ]);
    expect(x.order.total).toBe(455);
  });

  it('skips carried-forward rows between pages and keeps the net total', () => {
    const x = only([
      'BON DE COMMANDE N° BC-1',
      'Date : 02/11/2026',
      at([0, 'Réf. fournisseur'], [18, 'Désignation'], [44, 'Qté'], [50, 'P.U. HT'], [60, 'Montant HT']),
      at([0, 'PRO-11616'], [18, 'Disjoncteur 16 A'], [45, '12'], [51, '7,90'], [62, '94,80']),
      at([18, 'À reporter'], [62, '94,80']),
      at([18, 'Report'], [62, '94,80']),
      at([0, 'PRO-12240'], [18, 'Disjoncteur 40 A'], [46, '8'], [50, '22,32'], [61, '178,56']),
      at([40, 'Total HT'], [61, '273,36']),
      at([40, 'TVA 20 %'], [62, '54,67']),
      at([40, 'Total TTC'], [61, '328,03']),
    ]);
    expect(lineOf(x)).toEqual([
      ['PRO-11616', 12, 7.9, 94.8],
      ['PRO-12240', 8, 22.32, 178.56],
    ]);
    expect(x.order.total).toBe(273.36);
  });

  it('reads an unlabelled PO beside a letter-spaced title, EAN codes and quantities with their unit', () => {
    const x = only([
      at([10, 'Bobadela, 3 de novembro de 2026']),
      at([10, 'E N C O M E N D A'], [40, 'N.º ENC-11873']),
      at([0, 'EAN'], [16, 'Descrição'], [44, 'Quant.'], [54, 'Preço unit.']),
      at([0, '3663214006038'], [16, 'Cola PVC 250 ml'], [46, '9 un.'], [56, '6,20 €']),
      at([0, '8437120005981'], [16, 'Tê PVC 40 mm'], [45, '70 un.'], [56, '0,88 €']),
      at([20, 'Valor total da encomenda (sem IVA): 117,40 €']),
    ]);
    expect(x.order.poNumber).toBe('ENC-11873');
    expect(x.order.orderDate).toBe('2026-11-03');
    expect(x.order.lines.map((l) => [l.gtin, l.quantity, l.unit, l.unitPrice])).toEqual([
      ['3663214006038', 9, 'un.', 6.2],
      ['8437120005981', 70, 'un.', 0.88],
    ]);
    expect(x.order.total).toBe(117.4);
  });
});

describe('numbered lists in e-mails', () => {
  it('takes the number with its unit after the description, not the list number, as the quantity', () => {
    const x = only([
      'Bestellung BST-77',
      '',
      '1. 8437001100149 Nitrilhandschuh Gr. M 600 Stk',
      '2. 8437001100156 Blindniete 4x10 500 Stk',
      '',
      'Gruss',
    ]);
    expect(x.order.lines.map((l) => [l.customerRef ?? l.gtin, l.quantity, l.unit, l.description])).toEqual([
      ['8437001100149', 600, 'Stk', 'Nitrilhandschuh Gr. M'],
      ['8437001100156', 500, 'Stk', 'Blindniete 4x10'],
    ]);
  });
});

describe('a delivery date in words after its label', () => {
  const order = (delivery: string) =>
    only([
      'PO Number:   SME-26-0671',
      'Order date:  02/11/2026',
      `Delivery:    ${delivery}`,
      '',
      at([0, 'Code'], [20, 'Description'], [50, 'Qty'], [58, 'Unit price']),
      at([0, 'VAL-50034'], [20, 'Brass valve'], [51, '12'], [58, 'EUR 6.90']),
    ]);

  it('finds the date a few words after the label', () => {
    expect(order('to our stores in Raheen by Monday, 9th November 2026').order.deliveryDate).toBe(
      '2026-11-09',
    );
  });

  it('holds the order when the label is followed by digits that read as no date', () => {
    const x = order('to our stores in Raheen by Monday 9/13th');
    expect(x.order.deliveryDate).toBeNull();
    expect(x.findings.map((f) => `${f.code}:${f.severity}:${f.field}`)).toContain(
      'missing_field:warning:deliveryDate',
    );
  });

  it('holds the order when a date under a misread label wraps onto a row of the table', () => {
    // A scan read "FECHA DE ENTREGA" as "FECHA CE ENTREGA"; the date below it wraps beside the first row.
    const x = only([
      'Instaladora Ejemplo, S.L.',
      'Pedido n.: IBC-26-00235',
      'Fecha del pedido: 11/11/2026',
      at(
        [0, 'FECHA CE ENTREGA'],
        [25, 'Descripción'],
        [50, 'Ref.'],
        [62, 'Cant.'],
        [68, 'Precio'],
        [78, 'Importe'],
      ),
      at([0, 'miércoles, 18 de']),
      at(
        [0, 'noviembre de 2026'],
        [25, 'Contactor modular 25 A'],
        [50, 'PRO-31225'],
        [62, '5'],
        [68, '19,80'],
        [78, '99,00'],
      ),
      at([25, 'Caja estanca IP55'], [50, 'CAJ-50100'], [62, '60'], [68, '1,23'], [78, '73,80']),
    ]);
    expect(x.order.deliveryDate).toBeNull();
    expect(lineOf(x)).toHaveLength(2);
    expect(
      x.findings.find((f) => f.code === 'missing_field' && f.field === 'deliveryDate')?.message,
    ).toContain('18 de noviembre de 2026');
  });

  it('leaves "to be agreed" as no date, without a finding', () => {
    const x = order('to be agreed');
    expect(x.order.deliveryDate).toBeNull();
    expect(x.findings.filter((f) => f.code === 'missing_field')).toEqual([]);
  });
});
