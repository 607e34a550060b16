/**
 * Orders as customers type and print them beyond the forms the reader was first written for:
 * quantities in groups of thousands, discounts and measures inside a listed line, signatures
 * with numbers, dotted material numbers, and call-offs that print no price at all.
 */
import { describe, expect, it } from 'vitest';
import type { ExtractedOrder } from '../domain/extraction.ts';
import type { Page } from '../domain/page.ts';
import { emptyLine } from '../domain/order.ts';
import { extractOrders } from './index.ts';
import { reading } from './meta.ts';
import { groupedQuantities, type LineReading } from './rows.ts';
import { at, page } from './testing.ts';

function only(pages: Page[]): ExtractedOrder {
  const o = extractOrders(pages);
  if (o.kind !== 'orders') throw new Error(`expected an order, got ${o.kind}`);
  return o.orders[0]!;
}

/** A page as a text layer (a typed PDF or an e-mail body), not OCR. */
function typed(lines: string[]): Page {
  return { ...page(lines), source: 'text-layer' };
}

const lineOf = (x: ExtractedOrder) =>
  x.order.lines.map((l) => [l.customerRef ?? l.sku ?? l.gtin, l.quantity, l.unitPrice]);

describe('orders written as lists', () => {
  it('reads quantities printed in groups, keeps the numbers inside parentheses out of the price, and skips the signature', () => {
    const x = only([
      typed([
        'Bonjour,',
        'veuillez trouver notre commande PC26/3526 du 21-11-2026 :',
        '- 24 x 8437001110148 (Gant nitrile T10 / XL)',
        '- 1 200 x 8437001107148 (Collier de serrage nylon 7,6x370 mm)',
        '- 36 x 8437001111008 (Ruban adhésif toilé 50 mm x 25 m)',
        'Livraison le 29-11-2026.',
        'Cordialement,',
        'N° TVA: FR 27657095140',
        'Fax: 04 4953339',
      ]),
    ]);
    expect(x.order.orderDate).toBe('2026-11-21');
    expect(x.order.deliveryDate).toBe('2026-11-29');
    expect(lineOf(x)).toEqual([
      ['8437001110148', 24, null],
      ['8437001107148', 1200, null],
      ['8437001111008', 36, null],
    ]);
  });

  it('takes the net price of "a 0,031 -10%" and the date of "encomenda X de 12 de outubro de 2026:"', () => {
    const x = only([
      typed([
        'segue a nossa encomenda OC-2026-9231 de 12 de outubro de 2026:',
        '- 1.200 un. A-7124844 (Anilha lisa M6 DIN 125 A2) a 0,031 -10%',
        '- 5 000,00 un. A-3652844 (Porca sextavada M10 DIN 934) a 0,066 EUR',
        'Entrega a 1 de novembro de 2026.',
      ]),
    ]);
    expect(x.order.poNumber).toBe('OC-2026-9231');
    expect(x.order.orderDate).toBe('2026-10-12');
    expect(x.order.deliveryDate).toBe('2026-11-01');
    expect(lineOf(x)).toEqual([
      ['A-7124844', 1200, 0.0279],
      ['A-3652844', 5000, 0.066],
    ]);
  });

  it('reads a dotted material number as the code of a numbered line, and its quantity with its unit', () => {
    const x = only([
      typed([
        'Auftragsnummer: OC-2026-4966',
        'Datum: 01-10-2026',
        '1. 77.132.238  Schmierspray 500 ml, Werkstattpackung  600.00 Stk',
        '2. 79.841.779  Kabelbinder 4,8x200 mm  100.00 Stk',
        'Fax: 044 6288681',
      ]),
    ]);
    expect(lineOf(x)).toEqual([
      ['77.132.238', 600, null],
      ['79.841.779', 100, null],
    ]);
  });

  it('prefers the listed lines to one line whose description happens to multiply out', () => {
    const x = only([
      typed([
        'segue a nossa encomenda OC-2026-5381:',
        '- 100 un. A-8572727 (Varão roscado M8x1000 DIN 976) a 1,33 -15%',
        '- 500 un. A-8059084 (Broca HSS metal 4,5 mm) a 2,26 -15%',
        '- 6 un. A-3647901 (Fita americana 75 mm x 50 m) a 5,01 -15%',
      ]),
    ]);
    expect(lineOf(x).map((l) => l[0])).toEqual(['A-8572727', 'A-8059084', 'A-3647901']);
  });
});

describe('orders written as sentences in English, German and Italian', () => {
  it('reads a price per unit ("£45.00/roll") standing right after the code', () => {
    const x = only([
      typed([
        'Order no. 98765, 2 December 2026.',
        '• 12 boxes of CAB-100 (cable 1.5mm) – £21.90 per box',
        '• 3 rolls CAB-200 – £45.00/roll',
        'Required by Friday 11th December 2026.',
      ]),
    ]);
    expect(x.order.orderDate).toBe('2026-12-02');
    expect(x.order.deliveryDate).toBe('2026-12-11');
    expect(x.order.lines.map((l) => [l.customerRef, l.quantity, l.unit, l.unitPrice])).toEqual([
      ['CAB-100', 12, 'boxes', 21.9],
      ['CAB-200', 3, 'rolls', 45],
    ]);
  });

  it('reads the date inside "(Bestellung Nr. 4711 vom 03.11.2026):" and a "Gesamtwert netto"', () => {
    const x = only([
      typed([
        'hiermit bestellen wir (Bestellung Nr. 4711 vom 03.11.2026):',
        '500 Stück TOR-M8-40 Sechskantschraube M8x40 à 0,12 EUR',
        '1.000 Stück TUE-M8 Mutter M8 zu je 0,05 EUR',
        'Gesamtwert netto: 110,00 EUR',
      ]),
    ]);
    expect([x.order.poNumber, x.order.orderDate, x.order.total]).toEqual(['4711', '2026-11-03', 110]);
    expect(x.order.lines.map((l) => [l.customerRef, l.quantity, l.unitPrice])).toEqual([
      ['TOR-M8-40', 500, 0.12],
      ['TUE-M8', 1000, 0.05],
    ]);
  });

  it('takes no unit from the number sign of "n. 20 pz."', () => {
    const x = only([
      typed([
        'vi inviamo il nostro ordine n. OA/2026/123 del 04/11/2026:',
        'n. 20 pz. PPR-25000 tubo PPR a € 2,10 cad.',
        'n. 5 pz. GRI-70010 miscelatore a € 38,90 cad.',
      ]),
    ]);
    expect(x.order.lines.map((l) => [l.customerRef, l.quantity, l.unit, l.unitPrice])).toEqual([
      ['PPR-25000', 20, 'pz', 2.1],
      ['GRI-70010', 5, 'pz', 38.9],
    ]);
  });
});

describe('numbered lists with prices in words', () => {
  it('takes a discount written after the currency, and no currency for a unit', () => {
    const x = only([
      typed([
        'Order No.: 4500561976',
        'PO date: 11/17/2026',
        '1. A-1993422  Flat washer M8 DIN 125  500 EA  0.018 USD -15% = 7.65',
        '2. 903811  Spray lubrificante 500 ml  60,00 pz  8,80 € -15% = 448,80',
      ]),
    ]);
    expect(x.order.lines.map((l) => [l.customerRef, l.quantity, l.unit, l.unitPrice])).toEqual([
      ['A-1993422', 500, 'EA', 0.0153],
      ['903811', 60, 'pz', 7.48],
    ]);
  });

  it('reads "1 000 U" and "5 000 PCE" after the description, and takes "50 mm x 25 m" for no price', () => {
    const x = only([
      typed([
        'Bon de commande n°: 4500130609',
        '1. CIN-AM-5025  Ruban adhésif toilé 50 mm x 25 m  24 U',
        '2. TAC-N8  Cheville nylon 8x40 mm  1 000 U',
        '3. ARA-M10  Rondelle plate M10 DIN 125  100 PCE',
      ]),
    ]);
    expect(x.order.lines.map((l) => [l.customerRef, l.quantity, l.unitPrice])).toEqual([
      ['CIN-AM-5025', 24, null],
      ['TAC-N8', 1000, null],
      ['ARA-M10', 100, null],
    ]);
  });

  it('reads a price column whose header says the prices are per 100 ("Preço/100")', () => {
    const x = only([
      typed([
        'Número do pedido: 4500536711',
        at(
          [0, 'Cód. barras'],
          [16, 'Designação'],
          [50, 'Quantidade'],
          [61, 'Unid.'],
          [70, 'Preço/100'],
          [82, 'Valor'],
        ),
        at(
          [0, '8437001109005'],
          [16, 'Silicone neutro 280 ml'],
          [55, '60,00'],
          [61, 'UN'],
          [73, '314,32'],
          [82, '188,59'],
        ),
      ]),
    ]);
    expect(x.order.lines.map((l) => [l.gtin, l.quantity, l.unitPrice, l.amount])).toEqual([
      ['8437001109005', 60, 3.1432, 188.59],
    ]);
  });
});

describe('tables', () => {
  it('takes as the total an amount below the lines that they add up to, when OCR mangled its label', () => {
    const rows = (total: string) => [
      'Bon de commande N° BC2611-0459 du 06/11/2026',
      at([0, 'Réf.'], [16, 'Désignation'], [50, 'Qté'], [56, 'P.U. HT'], [66, 'Montant HT']),
      at([0, 'PRO-11625'], [16, 'Disjoncteur 1P+N 25 A'], [50, '15'], [56, '9,02'], [66, '135,30']),
      at([0, 'CAJ-60024'], [16, 'Coffret à encastrer 24 modules'], [50, '8'], [56, '25,76'], [66, '206,08']),
      at([0, 'Tote! HT'], [64, total]),
    ];
    expect(only([page(rows('341,38 €'))]).order.total).toBe(341.38);
    // An amount the lines do not add up to is not taken for one.
    expect(only([page(rows('314,38 €'))]).order.total).toBeNull();
  });

  it('mends a quantity column whose separators or decimal mark OCR misread ("5.000.00", "2400" among "60.00")', () => {
    const x = only([
      page([
        'P.O. # P9986422   Date: 11/23/2026',
        at([0, 'Part No.'], [14, 'EAN'], [29, 'Item description'], [62, 'Qty'], [72, 'UOM']),
        at(
          [0, 'SIL-N-280'],
          [14, '8437001109005'],
          [29, 'Neutral silicone sealant 280 ml'],
          [62, '60.00'],
          [72, 'EA'],
        ),
        at(
          [0, 'TOR-M6-20A2'],
          [14, '8437001100149'],
          [29, 'Hex bolt M6x20 DIN 933 A2'],
          [62, '5.000.00'],
          [72, 'EA'],
        ),
        at(
          [0, 'CIN-AM-7550'],
          [14, '8437001111145'],
          [29, 'Duct tape 75 mm x 50 m'],
          [62, '72.00'],
          [72, 'EA'],
        ),
        at(
          [0, 'SPR-LUB-500'],
          [14, '8437001108145'],
          [29, 'Lubricant spray 500 ml'],
          [62, '2400'],
          [72, 'EA'],
        ),
        at(
          [0, 'SIL-N-310'],
          [14, '8437001109142'],
          [29, 'Neutral silicone sealant 310 ml'],
          [62, '144.00'],
          [72, 'EA'],
        ),
      ]),
    ]);
    expect(x.order.lines.map((l) => l.quantity)).toEqual([60, 5000, 72, 24, 144]);
    expect(x.fieldMeta['lines[3].quantity']!.confidence).toBeLessThan(0.8);
  });

  it('keeps reading rows after a few OCR mangled, takes "5:000" as a number and "Descrizione articolo" as one column', () => {
    const x = only([
      page([
        'Numero ordine FLS-97463 Data 10.12.2026',
        at([0, 'Pos.'], [5, 'Quantità'], [15, 'Cod. EAN'], [31, 'Descrizione articolo']),
        at([0, '1'], [5, '72'], [15, '8437001110070'], [31, 'Guanto in nitrile T9/L']),
        at([0, '2'], [5, '5:000'], [15, '8437001)07148'], [31, 'Fascetta in nylon 7,6x370 mm']),
        at([0, '3'], [5, '2#0O0'], [15, 'B43700?10001I4'], [31, 'Vite testa esagonale']),
        at([0, '4'], [5, '6%O'], [15, '843700?1070O1'], [31, 'Fascetta in nylon 4,8x200 mm']),
        at([0, '5'], [5, '1.0#0'], [15, '84370011O?O02'], [31, 'Vite testa esagonale M8x40']),
        at([0, '6'], [5, '300'], [15, '8437001105076'], [31, 'Disco da taglio 125x1,6 mm']),
      ]),
    ]);
    expect(x.order.lines.map((l) => [l.gtin, l.quantity, l.description])).toEqual([
      ['8437001110070', 72, 'Guanto in nitrile T9/L'],
      ['8437001107148', 5000, 'Fascetta in nylon 7,6x370 mm'],
      ['8437001105076', 300, 'Disco da taglio 125x1,6 mm'],
    ]);
  });

  it('splits a quantity read stuck to its unit, and joins a total split after its decimal mark (OCR)', () => {
    const x = only([
      page([
        'N PEDIDO: V-004128   FECHA PEDIDO: 04/11/26',
        at([0, 'CANTIDAD'], [10, 'UD'], [14, 'CODIGO'], [28, 'DESCRIPCION'], [60, 'PRECIO'], [70, 'IMPORTE']),
        at(
          [0, '200,00'],
          [10, 'M'],
          [14, 'CAB-20325'],
          [28, 'CABLE RZ1-K 0,6/1 KV 3G2,5'],
          [60, '1,420'],
          [70, '284,00'],
        ),
        at(
          [0, '159,00M'],
          [14, 'CAB-20326'],
          [28, 'CABLE RZ1-K 0,6/1 KV 3G4'],
          [60, '2,100'],
          [70, '333,90'],
        ),
        at([0, 'TOTAL PEDIDO (EUR, IVA EXCLUIDO)'], [66, '617,'], [71, '90']),
      ]),
    ]);
    expect(x.order.lines.map((l) => [l.customerRef ?? l.sku, l.quantity, l.unit])).toEqual([
      ['CAB-20325', 200, 'M'],
      ['CAB-20326', 159, 'M'],
    ]);
    expect(x.order.total).toBe(617.9);
  });

  it('joins a "1 000" whose first group stands left of a narrow quantity header', () => {
    const x = only([
      typed([
        'Commande n°: PC26/4982',
        'Date de commande: 03-11-2026',
        at([0, 'Gencod'], [15, 'Libellé'], [52, 'Qté']),
        at([0, '8437001112074'], [15, 'Tige filetée M10x1000 DIN 976'], [52, '200']),
        at([0, '8437001103072'], [15, 'Cheville nylon 8x40 mm'], [49, '1 000']),
      ]),
    ]);
    expect(lineOf(x)).toEqual([
      ['8437001112074', 200, null],
      ['8437001103072', 1000, null],
    ]);
  });

  it('reads a one-word label with its colon in the middle of a line, and apostrophe thousands in a quantity', () => {
    const x = only([
      typed([
        at([0, 'Auftragsnummer: OC-2026-3580']),
        at([0, 'Fax: 044 6288681 einkauf@huber.ch Datum: 19-11-2026']),
        at([0, 'Pos.'], [6, 'Anzahl'], [16, 'Mat.-Nr.'], [28, 'Bezeichnung']),
        at([0, '10'], [6, '500.00'], [16, '40.669.635'], [28, 'Blindniete 3,2x8 mm Al']),
        at([0, '20'], [5, "1'200.00"], [16, '25.211.730'], [28, 'Unterlegscheibe M10']),
        at([0, '30'], [7, '72.00'], [16, '77.132.238'], [28, 'Schmierspray 500 ml']),
      ]),
    ]);
    expect(x.order.orderDate).toBe('2026-11-19');
    expect(lineOf(x)).toEqual([
      ['40.669.635', 500, null],
      ['25.211.730', 1200, null],
      ['77.132.238', 72, null],
    ]);
  });

  it('reads "1.000" among whole quantities as a thousand, although a description says "8.8"', () => {
    const x = only([
      typed([
        'Ordine n. FLS-77513',
        'Data: 01.12.2026',
        at([0, 'Pos.'], [6, 'Q.tà'], [14, 'EAN'], [30, 'Descrizione']),
        at([0, '1'], [6, '1.000'], [14, '8437001100002'], [30, 'Vite M8x40 DIN 933 8.8']),
        at([0, '2'], [8, '50'], [14, '8437001101009'], [30, 'Dado M8 DIN 934']),
      ]),
    ]);
    expect(x.order.lines.map((l) => l.quantity)).toEqual([1000, 50]);
  });

  it('leaves a column that prints every quantity with three decimals ("10.000 PC") as its format read it', () => {
    const read = (text: string, value: number): LineReading => {
      const line = emptyLine(1);
      line.quantity = value;
      const word = { text, x: 0, y: 0, w: 60, h: 20, confidence: 1 };
      return { line, readings: { quantity: reading(value, [word], 1, 1) } };
    };
    const sap = [read('10.000', 10), read('24.000', 24)];
    groupedQuantities(sap);
    expect(sap.map((l) => l.line.quantity)).toEqual([10, 24]);
    const mixed = [read('1.000', 1), read('50', 50)];
    groupedQuantities(mixed);
    expect(mixed.map((l) => l.line.quantity)).toEqual([1000, 50]);
  });
});

describe('column headers', () => {
  it('keeps a qualifier with its label: "P.U. net" is the price, "Total" after it the amount', () => {
    const x = only([
      typed([
        'Objet : Commande n° CMD/26/0983',
        'Saint-Jean, le 4 novembre 2026',
        at([0, 'Qté'], [6, 'Désignation'], [40, 'Code article'], [54, 'P.U. net'], [64, 'Total']),
        at([0, '20'], [6, 'Tube PPR PN20 25 mm'], [40, 'PPR-25000'], [56, '2,10'], [64, '42,00']),
        at([0, '5'], [6, 'Mitigeur lavabo chromé'], [40, 'GRI-70010'], [55, '38,90'], [63, '194,50']),
        'Montant total HT : 236,50 €',
      ]),
    ]);
    expect(x.order.lines.map((l) => [l.customerRef, l.quantity, l.unitPrice, l.amount])).toEqual([
      ['PPR-25000', 20, 2.1, 42],
      ['GRI-70010', 5, 38.9, 194.5],
    ]);
    expect(x.order.total).toBe(236.5);
  });

  it('gives a price back to its column when left-aligned headers put it under the next one', () => {
    const x = only([
      typed([
        at([0, 'Bestellnummer'], [20, 'BST-26-10487']),
        at([0, 'Bestelldatum'], [20, '03.11.2026']),
        at(
          [0, 'Pos.'],
          [6, 'Material'],
          [16, 'Bezeichnung'],
          [50, 'Menge'],
          [57, 'ME'],
          [61, 'Preis'],
          [70, 'PE'],
          [75, 'Betrag EUR'],
        ),
        at(
          [0, '10'],
          [6, '3133597'],
          [16, 'FI-Schutzschalter 2P 40 A'],
          [54, '5'],
          [57, 'ST'],
          [64, '37,34'],
          [71, '1'],
          [78, '186,70'],
        ),
        at(
          [0, '20'],
          [6, '3105829'],
          [16, 'PTFE-Gewindedichtband 12 mm'],
          [52, '120'],
          [57, 'ST'],
          [64, '42,80'],
          [70, '100'],
          [79, '51,36'],
        ),
        'Gesamtnettowert ohne MwSt. EUR 238,06',
      ]),
    ]);
    expect(x.order.lines.map((l) => [l.customerRef, l.quantity, l.unitPrice, l.amount])).toEqual([
      ['3133597', 5, 37.34, 186.7],
      ['3105829', 120, 0.428, 51.36],
    ]);
    expect(x.order.total).toBe(238.06);
  });
});

describe('a description run into the unit column', () => {
  it('keeps the last word of a long description out of the unit column', () => {
    const x = only([
      typed([
        'Purchase Order #: 4500129489',
        at([0, 'Qty'], [6, 'Part No.'], [20, 'Description'], [48, 'UoM'], [54, 'Price'], [64, 'Amount']),
        at(
          [0, '72'],
          [6, 'CIN-AM-5050'],
          [20, 'Duct tape 50 mm x 50 m'],
          [48, 'EA'],
          [54, '4,86'],
          [64, '349,92'],
        ),
        at(
          [0, '50'],
          [6, 'VAR-M8-1000'],
          [20, 'Threaded rod M8x1000 DIN 976 A2'],
          [54, '1,33'],
          [64, '66,50'],
        ),
      ]),
    ]);
    expect(x.order.lines.map((l) => [l.customerRef, l.unit, l.description])).toEqual([
      ['CIN-AM-5050', 'EA', 'Duct tape 50 mm x 50 m'],
      ['VAR-M8-1000', null, 'Threaded rod M8x1000 DIN 976 A2'],
    ]);
  });
});

describe('a description run into the code column', () => {
  it('splits the code from the words when the description header went unread', () => {
    const x = only([
      page([
        'ORDINE OA/2026/000734',
        at([0, 'Cod. articolo'], [30, 'Descrione'], [60, 'UM'], [65, 'Qtà'], [72, 'Prezzo'], [82, 'Importo']),
        at(
          [0, 'PPR-25000'],
          [14, 'Tubo PPR PN20 25 mm'],
          [60, 'MT'],
          [66, '32'],
          [72, '2,10'],
          [82, '67,20'],
        ),
        at(
          [0, 'COB-18100'],
          [14, 'Tubo rame crudo 18x1 mm'],
          [60, 'MT'],
          [66, '30'],
          [71, '11,60'],
          [81, '348,00'],
        ),
      ]),
    ]);
    expect(x.order.lines.map((l) => [l.customerRef, l.description, l.quantity, l.unitPrice])).toEqual([
      ['PPR-25000', 'Tubo PPR PN20 25 mm', 32, 2.1],
      ['COB-18100', 'Tubo rame crudo 18x1 mm', 30, 11.6],
    ]);
  });
});

describe('a delivery date under a label no vocabulary knows', () => {
  const lines = (label: string, value: string) => [
    at([0, 'Numero ordine'], [16, 'Data'], [30, label]),
    at([0, 'FLS-98681'], [16, '06.10.2026'], [30, value]),
    at([0, 'Pos.'], [6, 'Quantità'], [16, 'Cod. EAN'], [32, 'Descrizione articolo']),
    at([0, '1'], [8, '50'], [16, '8437001106073'], [32, 'Fascetta a vite 20-32 mm W2']),
  ];

  it('holds the order when another date is printed and no delivery date was read', () => {
    const x = only([typed(lines('Fecha tope', '21.10.2026'))]);
    expect(x.order.deliveryDate).toBeNull();
    expect(x.findings.find((f) => f.code === 'missing_field')?.message).toContain('21.10.2026');
  });

  it('does not, when the only other date is the order date, or the delivery is said to be open', () => {
    expect(only([typed(lines('Visto', '06.10.2026'))]).findings.map((f) => f.code)).not.toContain(
      'missing_field',
    );
    expect(
      only([typed(lines('Termine di consegna', 'da concordare'))]).findings.map((f) => f.code),
    ).not.toContain('missing_field');
  });

  it('reads "Termine di consegna" as the delivery date label', () => {
    expect(only([typed(lines('Termine di consegna', '21.10.2026'))]).order.deliveryDate).toBe('2026-10-21');
  });
});

describe('orders that print no price', () => {
  const callOff = [
    'Purchase Order',
    'P.O. #: P3402922',
    'Date: 2026-11-05',
    at([0, 'Part No.'], [14, 'Item description'], [50, 'Qty'], [58, 'UOM']),
    at([0, 'TOR-M8-40'], [14, 'Hex bolt M8x40 DIN 933 8.8'], [48, '300.00'], [58, 'EA']),
    at([0, 'SIL-N-310'], [14, 'Neutral silicone sealant 310 ml'], [48, '240.00'], [58, 'EA']),
  ];

  it('may pass on typed text, when every line has a code and a quantity', () => {
    const x = only([typed(callOff)]);
    expect(x.order.lines.map((l) => [l.customerRef, l.quantity, l.unitPrice])).toEqual([
      ['TOR-M8-40', 300, null],
      ['SIL-N-310', 240, null],
    ]);
    expect(x.confidenceCap).toBe(1);
  });

  it('stays with a person when a listed item or a row inside the table went unread', () => {
    const list = only([
      typed([
        'Bon de commande n°: 4500130609',
        'Date du document: 14/10/2026',
        '1. CIN-AM-5025  Ruban adhésif toilé  24 U',
        '2. ?? illisible 8x40',
        '3. ABR-20-32  Collier à vis sans fin  600 U',
      ]),
    ]);
    expect(list.order.lines).toHaveLength(2);
    expect(list.confidenceCap).toBeLessThan(0.9);
    const table = only([
      typed([
        ...callOff.slice(0, 5),
        at([0, 'TUE-M8'], [14, 'Hex nut M8'], [48, '1O0.0O'], [58, 'EA']),
        callOff[5]!,
      ]),
    ]);
    expect(table.order.lines).toHaveLength(2);
    expect(table.confidenceCap).toBeLessThan(0.9);
  });

  it('stays with a person when read by OCR, where nothing would catch a misread quantity', () => {
    expect(only([page(callOff)]).confidenceCap).toBeLessThan(0.9);
  });

  it('stays with a person when money is printed that no line took', () => {
    const x = only([typed([...callOff, 'Total: 1.234,50 EUR'])]);
    expect(x.confidenceCap).toBeLessThan(0.9);
    const y = only([typed([...callOff.slice(0, 5), `${callOff[5]}   4,44`])]);
    expect(y.confidenceCap).toBeLessThan(0.9);
  });
});
