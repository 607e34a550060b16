import { describe, expect, it } from 'vitest';
import type { CanonicalOrder, OrderLine } from '../domain/order.ts';
import { emptyLine, emptyOrder } from '../domain/order.ts';
import { textPage } from '../formats/email/format.ts';
import { extractOrders } from '../extract/index.ts';
import { at, page } from '../extract/testing.ts';
import { poNumberFrom } from '../formats/paper/second-look.ts';
import { learnedPoPattern, matchLayout, withLearned } from './apply.ts';
import { learnLayout } from './learn.ts';
import { describePart, type KnownLayout } from './model.ts';
import { readWithLayout } from './read.ts';
import { contradictions } from './store.ts';
import { repairPo } from './words.ts';

interface Doc {
  po: string;
  date: string;
  delivery: string;
  lines: Array<{ qty: number; code: string; text: string; price: number }>;
}

const eu = (n: number) => n.toFixed(2).replace('.', ',');
const round2 = (n: number) => Math.round(n * 100) / 100;

/** A layout the generic reader's vocabulary does not know: quantity first, odd labels, total below. */
function lines(d: Doc, customer = 'Talleres Quintana S.L.'): string[] {
  const total = round2(d.lines.reduce((s, l) => s + l.qty * l.price, 0));
  return [
    customer,
    'CIF B99887766  Poligono Sur 4, Lugo',
    at([0, 'Vuestro encargo'], [20, d.po]),
    at([0, 'Emitido'], [20, d.date]),
    at([0, 'Servir el'], [20, d.delivery]),
    '',
    at([0, 'Cant.'], [8, 'Articulo'], [22, 'Concepto'], [52, 'Neto'], [62, 'Suma']),
    ...d.lines.map((l) =>
      at([0, String(l.qty)], [8, l.code], [22, l.text], [52, eu(l.price)], [62, eu(round2(l.qty * l.price))]),
    ),
    at([40, 'Suma final'], [62, eu(total)]),
    'Atentamente, el departamento de compras',
  ];
}

const iso = (d: string) => d.split('.').reverse().join('-');

function orderOf(d: Doc, customerId = 'C900'): CanonicalOrder {
  const ls: OrderLine[] = d.lines.map((l, i) => ({
    ...emptyLine(i + 1),
    sku: `SKU-${l.code}`,
    customerRef: l.code,
    description: l.text,
    quantity: l.qty,
    unitPrice: l.price,
    amount: round2(l.qty * l.price),
  }));
  return {
    ...emptyOrder(),
    customer: { id: customerId, name: null, taxId: null },
    poNumber: d.po,
    orderDate: iso(d.date),
    deliveryDate: iso(d.delivery),
    lines: ls,
    total: round2(ls.reduce((s, l) => s + l.amount!, 0)),
  };
}

const first: Doc = {
  po: 'TQ/26/0412',
  date: '03.11.2026',
  delivery: '10.11.2026',
  lines: [
    { qty: 12, code: 'A-1001', text: 'Codo cobre 22 mm', price: 1.35 },
    { qty: 4, code: 'A-2040', text: 'Valvula esfera 1/2', price: 7.8 },
  ],
};
const second: Doc = {
  po: 'TQ/26/0519',
  date: '17.11.2026',
  delivery: '24.11.2026',
  lines: [
    { qty: 30, code: 'A-3300', text: 'Manguito 15 mm', price: 0.62 },
    { qty: 2, code: 'A-2040', text: 'Valvula esfera 1/2', price: 7.8 },
    { qty: 6, code: 'A-1001', text: 'Codo cobre 22 mm', price: 1.35 },
  ],
};

function known(d: Doc): KnownLayout {
  const learned = learnLayout([page(lines(d))], orderOf(d));
  return { id: 1, customerId: 'C900', fingerprint: learned.fingerprint, model: learned.model, documentId: 7 };
}

describe('learning a layout from one confirmed order', () => {
  it('learns labels, columns, formats and codes, and reads the next document of the layout', () => {
    const learned = learnLayout([page(lines(first))], orderOf(first));
    expect(learned.missed).toEqual([]);
    expect(learned.model.header.poNumber).toMatchObject({ label: ['vuestro', 'encargo'], where: 'right' });
    expect(learned.model.table?.columns.map((c) => c.column)).toEqual([
      'code',
      'description',
      'quantity',
      'price',
      'amount',
    ]);
    expect(learned.model.table?.code).toBe('customerRef');
    expect(learned.model.formats).toMatchObject({ number: 'eu', date: 'dmy' });
    expect(learned.model.crossRefs).toEqual([
      { ref: 'A-1001', sku: 'SKU-A-1001' },
      { ref: 'A-2040', sku: 'SKU-A-2040' },
    ]);

    const read = readWithLayout([page(lines(second))], learned.model);
    const want = orderOf(second);
    expect(read.order.poNumber).toBe(want.poNumber);
    expect(read.order.orderDate).toBe(want.orderDate);
    expect(read.order.deliveryDate).toBe(want.deliveryDate);
    expect(read.order.total).toBe(want.total);
    expect(read.order.lines.map((l) => [l.customerRef, l.sku, l.quantity, l.unitPrice, l.amount])).toEqual([
      ['A-3300', null, 30, 0.62, 18.6],
      ['A-2040', 'SKU-A-2040', 2, 7.8, 15.6],
      ['A-1001', 'SKU-A-1001', 6, 1.35, 8.1],
    ]);
  });

  it('recognises the layout by its fingerprint, not another customer with other words', () => {
    const layout = known(first);
    expect(matchLayout([page(lines(second))], [layout])?.score).toBeGreaterThan(0.9);
    const other = [
      'Suministros Atlantico SA',
      at([0, 'Pedido'], [20, '4711']),
      at([0, 'Ref.'], [10, 'Descripcion'], [40, 'Cantidad'], [52, 'Precio']),
      at([0, 'X-1'], [10, 'Tubo'], [40, '3'], [52, '1,00']),
    ];
    expect(matchLayout([page(other)], [layout])).toBeNull();
  });

  it('fills what the generic reader missed, and keeps the acceptance bar where the two disagree', async () => {
    const pages = [page(lines(second))];
    const generic = extractOrders(pages);
    const outcome = await withLearned(generic, pages, [known(first)]);
    if (outcome.kind !== 'orders') throw new Error('rejected');
    const o = outcome.orders[0]!;
    expect(o.order.poNumber).toBe('TQ/26/0519');
    expect(o.order.lines).toHaveLength(3);
    expect(o.findings.filter((f) => f.severity !== 'info')).toEqual([]);

    // A generic reading that holds together and says otherwise: both readings go to review.
    const twisted = structuredClone(generic);
    if (twisted.kind !== 'orders' || !twisted.orders[0]) throw new Error('no generic order');
    twisted.orders[0].order.poNumber = 'TQ/26/0999';
    twisted.orders[0].fieldMeta.poNumber = { confidence: 1, source: null };
    const checked = await withLearned(twisted, pages, [known(first)]);
    if (checked.kind !== 'orders') throw new Error('rejected');
    const warning = checked.orders[0]!.findings.find(
      (f) => f.field === 'poNumber' && f.severity === 'warning',
    );
    expect(warning?.message).toContain('"TQ/26/0519"');
    expect(warning?.message).toContain('"TQ/26/0999"');
  });

  it('keeps the reading the witnesses support: the lines that add up to the total and hold together', async () => {
    const pages = [page(lines(second))];
    const generic = extractOrders(pages);
    if (generic.kind !== 'orders') throw new Error('rejected');
    expect(generic.orders[0]!.order.lines).toHaveLength(3);
    // A learned layout that loses a line (its first word taken for a row to ignore): the generic
    // lines add up to the total, the learned ones do not, so the generic lines stand.
    const lossy = known(first);
    lossy.model = { ...lossy.model, ignore: ['manguito'] };
    const kept = await withLearned(generic, pages, [lossy]);
    if (kept.kind !== 'orders') throw new Error('rejected');
    const o = kept.orders[0]!;
    expect(o.order.lines.map((l) => l.quantity)).toEqual([30, 2, 6]);
    expect(o.order.poNumber).toBe('TQ/26/0519');
    expect(o.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(o.findings.find((f) => f.field === 'lines')?.message).toContain('the generic reading adds up');
    expect(o.confidence).toBeGreaterThanOrEqual(0.9);

    // The other way round: the generic reader lost a line, the learned lines add up and are kept.
    const short = structuredClone(generic);
    if (short.kind !== 'orders') throw new Error('rejected');
    short.orders[0]!.order.lines = short.orders[0]!.order.lines.slice(1);
    const fixed = await withLearned(short, pages, [known(first)]);
    if (fixed.kind !== 'orders') throw new Error('rejected');
    expect(fixed.orders[0]!.order.lines.map((l) => l.quantity)).toEqual([30, 2, 6]);
    expect(fixed.orders[0]!.findings.filter((f) => f.severity !== 'info')).toEqual([]);

    // Neither adds up (the learned reading loses a line, the generic one another): both go to a person.
    const other = structuredClone(generic);
    if (other.kind !== 'orders') throw new Error('rejected');
    other.orders[0]!.order.lines = other.orders[0]!.order.lines.slice(0, 2);
    const both = await withLearned(other, pages, [lossy]);
    if (both.kind !== 'orders') throw new Error('rejected');
    const warning = both.orders[0]!.findings.find((f) => f.field === 'lines' && f.severity === 'warning');
    expect(warning?.message).toContain(
      'reads 2 line(s) (2 x A-2040; 6 x A-1001), the generic reader 2 (30 x',
    );
    // No witness tells them apart: the generic lines stand in the order, as without learning.
    expect(both.orders[0]!.order.lines.map((l) => l.quantity)).toEqual([30, 2]);
  });

  it('names what a contradicting order changes', () => {
    const a = known(first).model;
    const moved = lines(second).map((l) => l.replace('Vuestro encargo', 'Pedido numero   '));
    const b = learnLayout([page(moved)], orderOf(second)).model;
    expect(contradictions(a, b)).toEqual([expect.stringContaining('poNumber: right "vuestro encargo"')]);
    expect(contradictions(a, learnLayout([page(lines(second))], orderOf(second)).model)).toEqual([]);
  });
});

describe('learning from a typed e-mail body', () => {
  const body = (po: string, items: Array<[number, string, string, string]>, total: string) =>
    [
      'Buenos dias,',
      '',
      `Pedido: ${po}`,
      'Fecha: 03/11/2026',
      '',
      'Por favor enviar:',
      ...items.map(([q, code, text, price]) => `${q} x ${code} ${text} a ${price}`),
      '',
      `Total: ${total}`,
      'Gracias, Marta',
    ].join('\n');

  it('learns the order of the words in a line, and reads lines of other lengths', () => {
    const first = textPage(
      body(
        'TQ-1001',
        [
          [12, 'A-1001', 'Codo cobre 22 mm', '1,35'],
          [4, 'A-2040', 'Valvula esfera', '7,80'],
        ],
        '47,40',
      ),
      1,
    );
    const order: CanonicalOrder = {
      ...emptyOrder(),
      customer: { id: 'C900', name: null, taxId: null },
      poNumber: 'TQ-1001',
      orderDate: '2026-11-03',
      lines: [
        {
          ...emptyLine(1),
          customerRef: 'A-1001',
          sku: 'S1',
          description: 'Codo cobre 22 mm',
          quantity: 12,
          unitPrice: 1.35,
        },
        {
          ...emptyLine(2),
          customerRef: 'A-2040',
          sku: 'S2',
          description: 'Valvula esfera',
          quantity: 4,
          unitPrice: 7.8,
        },
      ],
      total: 47.4,
    };
    const learned = learnLayout([first], order);
    expect(learned.model.table?.sequence).toEqual([
      'quantity',
      'text:x',
      'code',
      'description',
      'text:a',
      'price',
    ]);
    const next = textPage(
      body(
        'TQ-1002',
        [
          [30, 'A-3300', 'Manguito de cobre soldar 15 mm largo', '0,62'],
          [2, 'A-2040', 'Valvula', '7,80'],
        ],
        '34,20',
      ),
      1,
    );
    const read = readWithLayout([next], learned.model);
    expect(read.order.poNumber).toBe('TQ-1002');
    expect(read.order.total).toBe(34.2);
    expect(read.order.lines.map((l) => [l.customerRef, l.quantity, l.unitPrice])).toEqual([
      ['A-3300', 30, 0.62],
      ['A-2040', 2, 7.8],
    ]);
  });
});

describe('reading a fax of a learned layout', () => {
  /** A header of labels over values (`Data` and `Data de entrega` side by side), then the table. */
  const boxed = (d: Doc, labels = ['Encomenda', 'Data', 'Data de entrega']) => [
    'Materiais Electricos Lda',
    at([0, labels[0]!], [40, labels[1]!], [80, labels[2]!]),
    at([0, d.po], [40, d.date], [80, d.delivery]),
    '',
    ...lines(d).slice(6),
  ];
  const po = (d: Doc, value: string): Doc => ({ ...d, po: value });
  const taught = () => {
    const learned = learnLayout([page(boxed(po(first, 'IBC-26-00232')))], {
      ...orderOf(first),
      poNumber: 'IBC-26-00232',
    });
    return {
      id: 1,
      customerId: 'C900',
      fingerprint: learned.fingerprint,
      model: learned.model,
      documentId: 7,
    };
  };

  it('reads a date whose label OCR lost at its taught place, never the next label of the same word', () => {
    const layout = taught();
    expect(layout.model.header.orderDate).toMatchObject({ label: ['data'], where: 'below' });
    // `Data` read with doubt as `Dala`: the `Data` of `Data de entrega` is not the order date's label.
    const garbled = { confidence: (t: string) => (t === 'Dala' ? 0.5 : 1) };
    const lost = ['Encomenda', 'Dala', 'Data de entrega'];
    const read = readWithLayout([page(boxed(second, lost), garbled)], layout.model);
    expect(read.order.orderDate).toBe('2026-11-17');
    expect(read.order.deliveryDate).toBe('2026-11-24');
    // Where the label is lost and its place holds no date, nothing is read.
    const blank = boxed({ ...second, date: 'pendiente' }, lost);
    expect(readWithLayout([page(blank, garbled)], layout.model).order.orderDate).toBeNull();
    // Another word read clearly where the label stood (a quotation's `Validez`): another document.
    const quote = boxed(second, ['Encomenda', 'Validez', 'Data de entrega']);
    expect(readWithLayout([page(quote)], layout.model).order.orderDate).toBeNull();
  });

  it('does not take the tail of a longer label for the taught one (`Delivery date:` for `Date:`)', () => {
    // The labels stand in one column, the values in the next: `date:` of `Delivery date:` ends nearer
    // the order date's value than `Date:` does, and the delivery date was still open when taught.
    const header = (d: Doc, delivery: string) => [
      'Brook Hardware Inc.',
      at([0, 'P.O. #:'], [30, d.po]),
      at([0, 'Date:'], [30, d.date]),
      at([0, 'Requested delivery date:'], [30, delivery]),
      '',
      ...lines(d).slice(6),
      ...Array<string>(12).fill(''),
    ];
    const learned = learnLayout([page(header(first, 'to be agreed'))], {
      ...orderOf(first),
      deliveryDate: null,
    });
    expect(learned.model.header.orderDate).toMatchObject({ label: ['date'], where: 'right' });
    const read = readWithLayout([page(header(second, second.delivery))], learned.model);
    expect(read.order.orderDate).toBe('2026-11-17');
    expect(read.order.deliveryDate).toBeNull();
  });

  it('mends a slip in the PO number’s letters to the learned shape, without raising its confidence', async () => {
    const layout = taught();
    const slipped = boxed(po(second, 'I1BC-26-00235'));
    const pages = [page(slipped, { confidence: (t) => (t === 'I1BC-26-00235' ? 0.42 : 1) })];
    const outcome = await withLearned(extractOrders(pages), pages, [layout]);
    if (outcome.kind !== 'orders') throw new Error('rejected');
    const o = outcome.orders[0]!;
    expect(o.order.poNumber).toBe('IBC-26-00235');
    expect(o.fieldMeta.poNumber?.confidence).toBeLessThanOrEqual(0.42);
    expect(o.findings.find((f) => f.field === 'poNumber')?.message).toContain('taken as "IBC-26-00235"');
    expect(o.confidence).toBeLessThan(0.9);
    // The second look holds its reading of the box to the learned shape (compiled as templates' are).
    const pattern = learnedPoPattern(o);
    expect(pattern).not.toBeNull();
    expect(poNumberFrom('IBC-26-00235', pattern)).toEqual({ value: 'IBC-26-00235', repaired: false });
    expect(poNumberFrom('I1BC-26-00235', pattern)).toEqual({ value: 'IBC-26-00235', repaired: true });
    // A digit is never guessed: a slip in the digits stays as read.
    expect(repairPo('IBC-26-0O235', layout.model.formats.poShape)).toBeNull();
    expect(repairPo('18C-26-00232', layout.model.formats.poShape)).toBe('IBC-26-00232');
  });
});

describe('learning the units a customer prints', () => {
  const doc = (po: string, rows: Array<[string, string, number, string, number]>) => [
    'Hidraulica Norte SL',
    at([0, 'Vuestro encargo'], [20, po]),
    at([0, 'Articulo'], [14, 'Concepto'], [44, 'Cant.'], [52, 'Ud'], [58, 'Precio'], [68, 'Suma']),
    ...rows.map(([code, text, qty, unit, price]) =>
      at(
        [0, code],
        [14, text],
        [44, String(qty)],
        [52, unit],
        [58, eu(price)],
        [68, eu(round2(qty * price))],
      ),
    ),
    at([40, 'Suma final'], [68, eu(round2(rows.reduce((s, r) => s + r[2] * r[4], 0)))]),
  ];
  it('maps a printed unit to the one the confirmed order named (RT -> RL), and leaves others as printed', () => {
    const taught = doc('HN-0101', [
      ['A-1', 'Cable rollo 100 m', 3, 'RT', 34.5],
      ['A-2', 'Codo 22 mm', 12, 'UD', 1.35],
    ]);
    const order: CanonicalOrder = {
      ...emptyOrder(),
      customer: { id: 'C900', name: null, taxId: null },
      poNumber: 'HN-0101',
      lines: [
        {
          ...emptyLine(1),
          customerRef: 'A-1',
          sku: 'S1',
          description: 'Cable rollo 100 m',
          quantity: 3,
          unit: 'RL',
          unitPrice: 34.5,
        },
        {
          ...emptyLine(2),
          customerRef: 'A-2',
          sku: 'S2',
          description: 'Codo 22 mm',
          quantity: 12,
          unit: 'EA',
          unitPrice: 1.35,
        },
      ],
      total: 119.7,
    };
    const learned = learnLayout([page(taught)], order);
    expect(learned.model.table?.units).toEqual([
      { printed: 'rt', unit: 'RL' },
      { printed: 'ud', unit: 'EA' },
    ]);
    // The admin page says what the table part holds, the units with it.
    expect(describePart(learned.model, 'table')).toContain('units rt = RL, ud = EA');
    const next = doc('HN-0102', [
      ['A-1', 'Cable rollo 100 m', 5, 'RT', 34.5],
      ['A-3', 'Manguito 15 mm', 40, 'CJ', 0.62],
    ]);
    const read = readWithLayout([page(next)], learned.model);
    expect(read.order.lines.map((l) => [l.customerRef, l.quantity, l.unit])).toEqual([
      ['A-1', 5, 'RL'],
      ['A-3', 40, 'CJ'],
    ]);
  });
});

describe('an order without a total', () => {
  it('warns that nothing checks the learned lines only where they differ from the generic reader’s', async () => {
    const pages = [page(lines(second).filter((l) => !l.includes('Suma final')))];
    const generic = extractOrders(pages);
    if (generic.kind !== 'orders') throw new Error('rejected');
    const noTotal = (f: { field: string | null; message: string }) =>
      f.field === 'total' && f.message.includes('no total to check them against');
    const agreed = await withLearned(generic, pages, [known(first)]);
    if (agreed.kind !== 'orders') throw new Error('rejected');
    expect(agreed.orders[0]!.order.lines).toHaveLength(3);
    expect(agreed.orders[0]!.findings.some(noTotal)).toBe(false);
    // The generic reader lost a line: the learned lines stand with nothing to check them.
    const short = structuredClone(generic);
    if (short.kind !== 'orders') throw new Error('rejected');
    short.orders[0]!.order.lines = short.orders[0]!.order.lines.slice(1);
    const differ = await withLearned(short, pages, [known(first)]);
    if (differ.kind !== 'orders') throw new Error('rejected');
    expect(differ.orders[0]!.findings.some(noTotal)).toBe(true);
  });
});

describe('a document of a learned layout titled as something else', () => {
  it('stays not_an_order: a quotation printed on the order form is not read as an order', async () => {
    const pages = [page(['OFERTA', ...lines(second)])];
    const generic = extractOrders(pages);
    expect(generic.kind).toBe('rejected');
    const outcome = await withLearned(generic, pages, [known(first)]);
    expect(outcome.kind).toBe('rejected');
    expect(outcome.findings.map((f) => f.code)).toEqual(['not_an_order']);
    // The same form titled as an order is read with the layout.
    const order = [page(['PEDIDO', ...lines(second)])];
    expect((await withLearned(extractOrders(order), order, [known(first)])).kind).toBe('orders');
  });
});

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
