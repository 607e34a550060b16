import { describe, expect, it } from 'vitest';
import type { CanonicalOrder } from '../domain/order.ts';
import { emptyLine, emptyOrder } from '../domain/order.ts';
import { textPage } from '../formats/email/format.ts';
import { extractOrders } from '../extract/index.ts';
import { at, page } from '../extract/testing.ts';
import { poNumberFrom } from '../formats/paper/second-look.ts';
import { learnedPoPattern, matchLayout, withLearned } from './apply.ts';
import { learnLayout } from './learn.ts';
import { describePart } from './model.ts';
import { readWithLayout } from './read.ts';
import { contradictions } from './store.ts';
import { repairPo } from './words.ts';

import { type Doc, eu, first, known, lines, orderOf, round2, second } from './testing-docs.ts';

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
    // A learned layout that loses a line (its first word taken for the row that ends the table; a
    // row to ignore no longer can lose one: a code and a quantity keep it): the generic lines add up
    // to the total, the learned ones do not, so the generic lines stand.
    const lossy = known(first);
    lossy.model = { ...lossy.model, table: { ...lossy.model.table!, end: ['codo'], sequence: null } };
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
    other.orders[0]!.order.lines = other.orders[0]!.order.lines.filter((_, i) => i !== 1);
    const both = await withLearned(other, pages, [lossy]);
    if (both.kind !== 'orders') throw new Error('rejected');
    const warning = both.orders[0]!.findings.find((f) => f.field === 'lines' && f.severity === 'warning');
    expect(warning?.message).toContain(
      'reads 2 line(s) (30 x A-3300; 2 x A-2040), the generic reader 2 (30 x A-3300; 6 x',
    );
    // No witness tells them apart: the generic lines stand in the order, as without learning.
    expect(both.orders[0]!.order.lines.map((l) => l.quantity)).toEqual([30, 6]);
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
