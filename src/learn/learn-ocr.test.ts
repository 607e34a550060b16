import { describe, expect, it } from 'vitest';
import type { CanonicalOrder } from '../domain/order.ts';
import { emptyLine, emptyOrder } from '../domain/order.ts';
import { extractOrders } from '../extract/index.ts';
import { at, page } from '../extract/testing.ts';
import { withLearned } from './apply.ts';
import { learnLayout } from './learn.ts';
import { readWithLayout } from './read.ts';

import { type Doc, eu, first, known, lines, orderOf, round2, second } from './testing-docs.ts';

describe('reading a fax or scan of a layout taught from its PDF', () => {
  it('opens the table on two words of a column header OCR garbled', () => {
    // Columns only: the taught order of words (for typed e-mails) would read these rows anyway.
    const layout = known(first);
    layout.model = { ...layout.model, table: { ...layout.model.table!, sequence: null } };
    const garbled = lines(second).map((l) =>
      l.startsWith('Cant.')
        ? at([0, 'Cnat.'], [8, 'Articulo'], [22, 'Cencpto'], [52, 'Nefo'], [62, 'Suma'])
        : l,
    );
    const read = readWithLayout([page(garbled)], layout.model);
    expect(read.order.lines.map((l) => [l.quantity, l.customerRef])).toEqual([
      [30, 'A-3300'],
      [2, 'A-2040'],
      [6, 'A-1001'],
    ]);
    // A header lost whole: the table opens where the taught lines started (a page of the same size).
    const third: Doc = { ...second, lines: second.lines.slice(0, 2) };
    const lost = lines(third).map((l) =>
      l.startsWith('Cant.')
        ? at([0, 'Cnat.'], [8, 'Xrtcvlo'], [22, 'Cencpto'], [52, 'Nefo'], [62, 'Snma'])
        : l,
    );
    expect(readWithLayout([page(lost)], layout.model).order.lines.map((l) => l.quantity)).toEqual([30, 2]);
    // Rows well above the taught first line are the page's header, never lines.
    const high = [...lost.slice(0, 2), lost[7]!, ...lost.slice(2, 7), ...lost.slice(8)];
    expect(readWithLayout([page(high)], layout.model).order.lines.map((l) => l.quantity)).toEqual([2]);
  });

  it('reads a code OCR split at its dash as the generic reader does, so the two readings agree', async () => {
    const split: Doc = {
      ...second,
      lines: second.lines.map((l) => (l.code === 'A-3300' ? { ...l, code: 'A 3300' } : l)),
    };
    const pages = [page(lines(split))];
    const read = readWithLayout(pages, known(first).model);
    expect(read.order.lines[0]!.customerRef).toBe('A 3300');
    const outcome = await withLearned(extractOrders(pages), pages, [known(first)]);
    if (outcome.kind !== 'orders') throw new Error('rejected');
    expect(outcome.orders[0]!.findings.filter((f) => f.field === 'lines')).toEqual([]);
  });

  it('joins a line whose code the rows put apart from its numbers (a description over two rows)', () => {
    const rows = lines(second);
    const i = rows.findIndex((l) => l.includes('A-3300'));
    const split = [
      ...rows.slice(0, i),
      at([0, '30'], [22, 'Manguito'], [52, '0,62'], [62, '18,60']),
      at([8, 'A-3300'], [22, '15 mm']),
      ...rows.slice(i + 1),
    ];
    const read = readWithLayout([page(split)], known(first).model);
    expect(read.order.lines.map((l) => [l.quantity, l.customerRef, l.amount])).toEqual([
      [30, 'A-3300', 18.6],
      [2, 'A-2040', 15.6],
      [6, 'A-1001', 8.1],
    ]);
  });

  it('learns where the layout prints the order date, not the fax line that carries the same date', () => {
    const faxed = [at([0, '03.11.2026'], [12, '16:20'], [20, 'DE: +34 986 555 121']), ...lines(first)];
    const learned = learnLayout([page(faxed)], orderOf(first));
    expect(learned.model.header.orderDate).toMatchObject({ label: ['emitido'], where: 'right' });
  });
});

describe('a price printed per 100', () => {
  /** `P. x 100`: the printed price is for a hundred units; the amount is rounded to the cent. */
  const per100 = (items: Array<{ qty: number; code: string; price: number }>) => {
    const total = round2(items.reduce((s, l) => s + round2(l.qty * l.price), 0));
    return [
      'Ferreteria del Ebro SA',
      at([0, 'N.º OC:'], [20, 'FES-72195']),
      at([0, 'Cód. barras'], [16, 'Cant.'], [26, 'P. x 100'], [40, 'Importe']),
      ...items.map((l) =>
        at([0, l.code], [16, String(l.qty)], [26, eu(l.price * 100)], [40, eu(round2(l.qty * l.price))]),
      ),
      at([0, 'Importe total'], [40, eu(total)]),
    ];
  };
  const order = (items: Array<{ qty: number; code: string; price: number }>): CanonicalOrder => ({
    ...emptyOrder(),
    customer: { id: 'C900', name: null, taxId: null },
    poNumber: 'FES-72195',
    lines: items.map((l, i) => ({
      ...emptyLine(i + 1),
      sku: l.code,
      quantity: l.qty,
      unitPrice: l.price,
      amount: round2(l.qty * l.price),
    })),
    total: round2(items.reduce((s, l) => s + round2(l.qty * l.price), 0)),
  });

  it('learns the divisor and reads the exact price, not one worked out from the rounded amount', () => {
    const taught = [
      { qty: 600, code: 'BRI-48-200', price: 0.024 },
      { qty: 400, code: 'TOR-M8-40', price: 0.1387 },
    ];
    const learned = learnLayout([page(per100(taught))], order(taught));
    expect(learned.model.table).toMatchObject({ price: 'price', per: 100 });
    // 36 x 5.0293 = 181.05 (rounded): the amount gives 5.029167, the printed 502,93 gives 5.0293.
    const next = [
      { qty: 36, code: 'SIL-N-300', price: 5.0293 },
      { qty: 1200, code: 'BRI-48-200', price: 0.024 },
    ];
    const read = readWithLayout([page(per100(next))], learned.model);
    expect(read.order.lines.map((l) => [l.quantity, l.unitPrice, l.amount])).toEqual([
      [36, 5.0293, 181.05],
      [1200, 0.024, 28.8],
    ]);
  });
});

describe('a generic reading that took the position number into the code', () => {
  it('names the same article: the two readings agree and nobody is asked', async () => {
    const pages = [page(lines(second))];
    const generic = extractOrders(pages);
    if (generic.kind !== 'orders') throw new Error('rejected');
    const numbered = structuredClone(generic);
    if (numbered.kind !== 'orders') throw new Error('rejected');
    for (const [i, l] of numbered.orders[0]!.order.lines.entries())
      l.customerRef = `${(i + 1) * 10} ${l.customerRef}`;
    const outcome = await withLearned(numbered, pages, [known(first)]);
    if (outcome.kind !== 'orders') throw new Error('rejected');
    const o = outcome.orders[0]!;
    expect(o.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(o.order.lines.map((l) => l.customerRef)).toEqual(['A-3300', 'A-2040', 'A-1001']);
    // A different code is another article: the readings disagree.
    const other = structuredClone(generic);
    if (other.kind !== 'orders') throw new Error('rejected');
    other.orders[0]!.order.lines[0]!.customerRef = 'A-3301';
    const checked = await withLearned(other, pages, [known(first)]);
    if (checked.kind !== 'orders') throw new Error('rejected');
    expect(checked.orders[0]!.findings.some((f) => f.field === 'lines' && f.severity === 'warning')).toBe(
      true,
    );
  });
});

describe('a position number OCR read as a letter', () => {
  it('is not learned as the unit printed beside the quantity', () => {
    const rows = (pos: string[]) => [
      'Almacenes Montes S.L.U.',
      at([0, 'Pedido:'], [20, '26275346']),
      at([0, 'Lin.'], [6, 'Cantidad'], [16, 'Articulo'], [40, 'Precio'], [52, 'Total']),
      at([0, pos[0]!], [6, '300'], [16, 'TOR-M6-20A2'], [40, '0,26'], [52, '78,00']),
      at([0, pos[1]!], [6, '100'], [16, 'ABR-32-50'], [40, '0,80'], [52, '80,00']),
      at([30, 'Importe total'], [52, '158,00']),
    ];
    const confirmed: CanonicalOrder = {
      ...emptyOrder(),
      customer: { id: 'C900', name: null, taxId: null },
      poNumber: '26275346',
      lines: [
        { ...emptyLine(1), sku: 'TOR-M6-20A2', quantity: 300, unit: 'EA', unitPrice: 0.26, amount: 78 },
        { ...emptyLine(2), sku: 'ABR-32-50', quantity: 100, unit: 'EA', unitPrice: 0.8, amount: 80 },
      ],
      total: 158,
    };
    // `I` for the first line's 1: the row's first word, never the unit.
    const learned = learnLayout([page(rows(['I', '2']))], confirmed);
    expect(learned.model.table?.columns.map((c) => c.column)).not.toContain('unit');
    expect(learned.model.table?.units ?? []).toEqual([]);
    const read = readWithLayout([page(rows(['1', '2']))], learned.model);
    expect(read.order.lines.map((l) => [l.quantity, l.sku, l.unit])).toEqual([
      [300, 'TOR-M6-20A2', null],
      [100, 'ABR-32-50', null],
    ]);
  });
});

describe('learning from a fax that garbled the first line', () => {
  it('finds a quantity split at its thousands, one kind of code, and the real column header', () => {
    const rows = [
      'Suministros Iberia SL',
      at([0, 'Pedido'], [20, '4500652392']),
      at(
        [0, 'Nuestra ref.'],
        [14, 'EAN'],
        [30, 'Denominación'],
        [52, 'Cantidad'],
        [62, 'P. x 100'],
        [72, 'Importe'],
      ),
      // The customer's code read with a slip (FRSS594): the GTIN beside it names the article.
      at(
        [0, 'FRSS594'],
        [14, '8437001103003'],
        [30, 'Taco de nylon 6x30'],
        [52, '1 200'],
        [62, '4,00'],
        [72, '48,00'],
      ),
      at(
        [0, 'FRS7168'],
        [14, '8437001110070'],
        [30, 'Guante nitrilo T9'],
        [52, '12'],
        [62, '39,84'],
        [72, '4,78'],
      ),
      at([40, 'Total pedido'], [72, '52,78']),
    ];
    const confirmed: CanonicalOrder = {
      ...emptyOrder(),
      customer: { id: 'C900', name: null, taxId: null },
      poNumber: '4500652392',
      lines: [
        {
          ...emptyLine(1),
          sku: 'TAC-N6',
          customerRef: 'FRS5594',
          gtin: '08437001103003',
          quantity: 1200,
          unitPrice: 0.04,
          amount: 48,
        },
        {
          ...emptyLine(2),
          sku: 'GUA-NIT-9',
          customerRef: 'FRS7168',
          gtin: '08437001110070',
          quantity: 12,
          unitPrice: 0.3984,
          amount: 4.78,
        },
      ],
      total: 52.78,
    };
    const learned = learnLayout([page(rows)], confirmed);
    expect(learned.missed).toEqual([]);
    // Not the first line's words, which OCR kept apart from its values.
    expect(learned.model.table?.header).toEqual([
      'nuestra',
      'ref',
      'ean',
      'denominacion',
      'cantidad',
      'importe',
    ]);
    const code = learned.model.table?.columns.find((c) => c.column === 'code');
    // One column of codes: both lines were found by their GTIN or both by the customer's code, not a
    // column spanning the two.
    expect(code!.x1 - code!.x0).toBeLessThan(0.08);
    expect(learned.model.table).toMatchObject({ per: 100, price: 'price' });
  });
});

describe('a quantity OCR lost in its column but printed in the description', () => {
  it('does not stretch the learned quantity column over the description', () => {
    const rows = [
      'Suministros Iberia SL',
      at([0, 'Pedido'], [20, '77120']),
      at([0, 'Ref.'], [12, 'Descripcion'], [44, 'Cant.'], [54, 'Precio'], [64, 'Importe']),
      at([0, 'A-1001'], [12, 'Codo cobre'], [44, '12'], [54, '1,35'], [64, '16,20']),
      at([0, 'A-2040'], [12, 'Valvula esfera'], [44, '4'], [54, '7,80'], [64, '31,20']),
      // `5O` for 50 in its column; `50` in the description.
      at([0, 'A-3300'], [12, 'Cinta 50 m'], [44, '5O'], [54, '0,62'], [64, '31,00']),
      at([40, 'Total'], [64, '78,40']),
    ];
    const line = (n: number, ref: string, description: string, quantity: number, unitPrice: number) => ({
      ...emptyLine(n),
      sku: ref,
      description,
      quantity,
      unitPrice,
      amount: round2(quantity * unitPrice),
    });
    const confirmed: CanonicalOrder = {
      ...emptyOrder(),
      customer: { id: 'C900', name: null, taxId: null },
      poNumber: '77120',
      lines: [
        line(1, 'A-1001', 'Codo cobre', 12, 1.35),
        line(2, 'A-2040', 'Valvula esfera', 4, 7.8),
        line(3, 'A-3300', 'Cinta 50 m', 50, 0.62),
      ],
      total: 78.4,
    };
    const learned = learnLayout([page(rows)], confirmed);
    const quantity = learned.model.table?.columns.find((c) => c.column === 'quantity');
    // The column stands at `Cant.` (character 44 of 200), not from the description's 50 onwards.
    expect(quantity!.x0).toBeGreaterThan(0.2);
  });
});

describe('descriptions that wrap, and codes of two kinds', () => {
  const rows = (items: Array<[string, string, string, string]>) => [
    'Suministros Iberia SL',
    at([0, 'Pedido'], [20, '4500373741']),
    at([0, 'Nuestra ref.'], [14, 'EAN'], [30, 'Denominación'], [52, 'Cantidad'], [64, 'Importe']),
    ...items.flatMap(([ref, ean, qty, amount]) => [
      at([0, ref], [14, ean], [30, 'Taco de nylon 6x30'], [52, qty], [64, amount]),
      at([30, 'calidad industrial, embalaje']),
    ]),
    at([40, 'Total pedido'], [64, '22,00']),
  ];
  const confirmed: CanonicalOrder = {
    ...emptyOrder(),
    customer: { id: 'C900', name: null, taxId: null },
    poNumber: '4500373741',
    lines: [
      {
        ...emptyLine(1),
        sku: 'TAC-N6',
        customerRef: 'FRS5594',
        gtin: '08437001103003',
        description: 'Taco de nylon 6x30 calidad industrial, embalaje',
        quantity: 100,
        unitPrice: 0.1,
        amount: 10,
      },
      {
        ...emptyLine(2),
        sku: 'TAC-N8',
        customerRef: 'FRS5595',
        gtin: '08437001103010',
        description: 'Taco de nylon 6x30 calidad industrial, embalaje',
        quantity: 120,
        unitPrice: 0.1,
        amount: 12,
      },
    ],
    total: 22,
  };

  it('does not end the table at the last line’s description wrapped under it', () => {
    const learned = learnLayout(
      [
        page(
          rows([
            ['FRS5594', '8437001103003', '100', '10,00'],
            ['FRS5595', '8437001103010', '120', '12,00'],
          ]),
        ),
      ],
      confirmed,
    );
    expect(learned.model.table?.end).toEqual(['total', 'pedido']);
    const next = rows([
      ['FRS5594', '8437001103003', '50', '5,00'],
      ['FRS5595', '8437001103010', '70', '7,00'],
      ['FRS5594', '8437001103003', '100', '10,00'],
    ]);
    expect(readWithLayout([page(next)], learned.model).order.lines.map((l) => l.quantity)).toEqual([
      50, 70, 100,
    ]);
  });

  it('a GTIN read in one reading and the customer’s code in the other do not disagree', async () => {
    // The customer's code garbled on the first taught line: it was found by its GTIN, the second by
    // the customer's code; the tie goes to the customer's code.
    const learned = learnLayout(
      [
        page(
          rows([
            ['FRSS594', '8437001103003', '100', '10,00'],
            ['FRS5595', '8437001103010', '120', '12,00'],
          ]),
        ),
      ],
      confirmed,
    );
    expect(learned.model.table?.code).toBe('customerRef');
    const layout = {
      id: 1,
      customerId: 'C900',
      fingerprint: learned.fingerprint,
      model: learned.model,
      documentId: 7,
    };
    const pages = [
      page(
        rows([
          ['FRS5594', '8437001103003', '100', '10,00'],
          ['FRS5595', '8437001103010', '120', '12,00'],
        ]),
      ),
    ];
    const generic = extractOrders(pages);
    if (generic.kind !== 'orders') throw new Error('rejected');
    // A generic reading of the GTINs only.
    for (const l of generic.orders[0]!.order.lines) {
      l.gtin = l.gtin ?? l.customerRef;
      l.customerRef = null;
    }
    const outcome = await withLearned(generic, pages, [layout]);
    if (outcome.kind !== 'orders') throw new Error('rejected');
    expect(
      outcome.orders[0]!.findings.filter((f) => f.field === 'lines' && f.severity === 'warning'),
    ).toEqual([]);
  });
});

describe('a layout taught without its price columns', () => {
  it('keeps the generic reader’s prices and amounts for the lines it reads the same', async () => {
    // The taught fax's prices were unreadable: the confirmed order's prices are found nowhere.
    const confirmed = orderOf(first);
    const taught = {
      ...confirmed,
      lines: confirmed.lines.map((l) => ({ ...l, unitPrice: 7.77, amount: null })),
      total: null,
    };
    const learned = learnLayout([page(lines(first))], taught);
    expect(learned.model.table?.columns.map((c) => c.column)).not.toContain('price');
    const layout = {
      id: 1,
      customerId: 'C900',
      fingerprint: learned.fingerprint,
      model: learned.model,
      documentId: 7,
    };
    const pages = [page(lines(second))];
    const outcome = await withLearned(extractOrders(pages), pages, [layout]);
    if (outcome.kind !== 'orders') throw new Error('rejected');
    expect(outcome.orders[0]!.order.lines.map((l) => [l.quantity, l.unitPrice, l.amount])).toEqual([
      [30, 0.62, 18.6],
      [2, 7.8, 15.6],
      [6, 1.35, 8.1],
    ]);
  });
});
