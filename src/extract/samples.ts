/** Sample documents for the extraction tests, laid out as an operator would see them. */
import { at } from './testing.ts';

const C = { ref: 0, desc: 16, qty: 46, price: 58, amount: 70 };

export function spanishRow(ref: string, desc: string, qty: string, price: string, amount: string): string {
  return at([C.ref, ref], [C.desc, desc], [C.qty, qty], [C.price, price], [C.amount, amount]);
}

export const SPANISH_TABLE_HEADER = at(
  [C.ref, 'Ref.'],
  [C.desc, 'Descripción'],
  [C.qty, 'Cantidad'],
  [C.price, 'Precio'],
  [C.amount, 'Importe'],
);

/** A Spanish order: letterhead, supplier block, header fields, a 3-line table with a wrapped description. */
export function spanishOrder(opts: { total?: string; amount1?: string } = {}): string[] {
  return [
    at([0, 'FERRETERIA LOPEZ S.L.'], [50, 'PEDIDO DE COMPRA']),
    'C/ Mayor 1, 28001 Madrid',
    at([0, 'CIF: B12345678'], [20, 'Tel: 912345678'], [40, 'Fax: 912 345 679']),
    'pedidos@ferreterialopez.es',
    '',
    at([0, 'Proveedor: Suministros Industriales SA'], [50, 'CIF: A87654321']),
    '',
    at([0, 'Pedido nº: FL-2026-0042'], [40, 'Fecha: 20/11/2026']),
    'Fecha de entrega: 27 de noviembre de 2026',
    '',
    SPANISH_TABLE_HEADER,
    spanishRow('4711', 'Tornillo M8x40 zincado', '200', '0,12', opts.amount1 ?? '24,00'),
    spanishRow('4712', 'Tuerca hexagonal M8 DIN', '1.000', '0,05', '50,00'),
    spanishRow('', 'acero galvanizado', '', '', ''),
    spanishRow('8412345678905', 'Arandela plana M8', '500', '0,02', '10,00'),
    '',
    at([55, 'Total pedido:'], [70, opts.total ?? '84,00'], [76, '€']),
    '',
    'Observaciones: entregar por la mañana',
  ];
}

const E = { item: 0, desc: 12, qty: 40, price: 50, amount: 64 };

/** An English order with US numbers and dates. */
export function englishOrder(): string[] {
  const row = (item: string, desc: string, qty: string, price: string, amount: string) =>
    at([E.item, item], [E.desc, desc], [E.qty, qty], [E.price, price], [E.amount, amount]);
  return [
    'ACME SUPPLY INC',
    '1200 Main Street, Springfield',
    'Purchase Order',
    at([0, 'PO Number: 4500012345'], [40, 'Order Date: 11/20/2026']),
    'Required by: December 4, 2026',
    'VAT: GB987654321',
    '',
    row('Item', 'Description', 'Qty', 'Unit Price', 'Amount'),
    row('A-100', 'Widget large', '1,200', '$1.25', '$1,500.00'),
    row('A-200', 'Gadget', '3', '$10.50', '$31.50'),
    '',
    at([50, 'Total:'], [64, '$1,531.50']),
  ];
}

/** A two-page Spanish order; the table goes on to page 2, with or without its header again. */
export function twoPageOrder(repeatHeader: boolean): [string[], string[]] {
  const first = [
    'FERRETERIA LOPEZ S.L.',
    'CIF: B12345678',
    at([0, 'Nº de pedido: 7788'], [40, 'Fecha: 02-12-26']),
    '',
    SPANISH_TABLE_HEADER,
    spanishRow('4711', 'Tornillo M8x40 zincado', '200', '0,12', '24,00'),
    spanishRow('4712', 'Tuerca hexagonal M8', '1.000', '0,05', '50,00'),
    '',
    '',
    '',
    '',
    at([60, 'Página 1 de 2']),
  ];
  const second = [
    at([0, 'FERRETERIA LOPEZ S.L.'], [44, 'Pedido 7788']),
    '',
    ...(repeatHeader ? [SPANISH_TABLE_HEADER] : []),
    spanishRow('4713', 'Arandela plana M8', '500', '0,02', '10,00'),
    spanishRow('5001', 'Taco nylon 8mm', '1.500', '0,01', '15,00'),
    '',
    at([55, 'Total pedido:'], [70, '99,00'], [76, '€']),
    at([60, 'Página 2 de 2']),
  ];
  return [first, second];
}

/** A letter about an invoice: numbers and dates, but no order. */
export function invoiceLetter(): string[] {
  return [
    'SUMINISTROS INDUSTRIALES SA',
    'Madrid, 20 de noviembre de 2026',
    '',
    'Estimado cliente:',
    'Le recordamos que su factura F-2026-118 del 02/11/2026 vence el 30/11/2026.',
    'Importe pendiente: 1.234,56 €',
    '',
    'Atentamente,',
    'Departamento de administración',
  ];
}
