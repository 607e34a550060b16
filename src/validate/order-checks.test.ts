import { describe, expect, it } from 'vitest';
import { emptyOrder } from '../domain/order.ts';
import { checkCredit, checkDuplicate, checkMissingFields, checkTotals, orderValue } from './order-checks.ts';
import { line, product } from './testing.ts';
import type { CustomerFacts, OrderFacts } from './types.ts';

const order = (over = {}) => ({ ...emptyOrder(), poNumber: 'PO-1', ...over });
const messages = (fs: Array<{ field: string | null; message: string }>) =>
  fs.map((f) => `${f.field}: ${f.message}`);

describe('checkMissingFields', () => {
  it('asks for the PO number, lines and quantities', () => {
    expect(messages(checkMissingFields(order({ poNumber: ' ' })))).toEqual([
      'poNumber: The order has no PO number',
      'lines: The order has no lines',
    ]);
    expect(
      messages(checkMissingFields(order({ lines: [line({ quantity: 1 }), line({ lineNo: 2, sku: 'A' })] }))),
    ).toEqual(['lines[1].quantity: Line 2 (A) has no quantity']);
  });
});

describe('checkTotals', () => {
  it('checks each amount and the order total, with a cent of rounding', () => {
    const lines = [
      line({ quantity: 200, unitPrice: 0.12, amount: 24 }),
      line({ lineNo: 2, quantity: 3, unitPrice: 0.333, amount: 1.0 }),
      line({ lineNo: 3, quantity: 10, unitPrice: 1, amount: 12 }),
    ];
    expect(messages(checkTotals(order({ lines, total: 40 }), 0.005))).toEqual([
      'lines[2].amount: Line 3: amount 12.00 is not quantity 10 x unit price 1 = 10.00',
      'total: Order total 40.00 does not match the sum of the lines 37.00',
    ]);
    expect(checkTotals(order({ lines, total: 37.01 }), 0.005)).toHaveLength(1);
  });

  it('uses quantity x price where the amount is missing, and skips a line it cannot value', () => {
    const priced = [line({ quantity: 200, unitPrice: 0.12 })];
    expect(checkTotals(order({ lines: priced, total: 24 }), 0.005)).toEqual([]);
    expect(checkTotals(order({ lines: [line({ quantity: 200 })], total: 99 }), 0.005)).toEqual([]);
  });
});

const facts = (over: Partial<OrderFacts> = {}): OrderFacts => ({
  duplicate: null,
  historyDate: null,
  openAmount: 0,
  openCount: 0,
  ...over,
});

describe('checkDuplicate', () => {
  const base = { customerId: 'C042', poNumber: 'PO-1', earlierInDocument: [], facts: facts() };
  it('finds the same PO earlier in the document, in earlier orders and in the history', () => {
    expect(checkDuplicate(base)).toEqual([]);
    expect(
      messages(checkDuplicate({ ...base, earlierInDocument: [{ customerId: 'C042', poNumber: 'PO-1' }] })),
    ).toEqual(['poNumber: PO PO-1 of customer C042 appears earlier in this same document']);
    expect(
      messages(
        checkDuplicate({
          ...base,
          facts: facts({ duplicate: { orderId: 17, receivedAt: '2026-11-20', status: 'accepted' } }),
        }),
      ),
    ).toEqual([
      'poNumber: PO PO-1 of customer C042 was already received on 2026-11-20 as order 17 (status accepted)',
    ]);
    expect(messages(checkDuplicate({ ...base, facts: facts({ historyDate: '2026-10-05' }) }))).toEqual([
      'poNumber: PO PO-1 of customer C042 is already in the order history (ordered 2026-10-05)',
    ]);
  });

  it('ignores another customer with the same PO number', () => {
    expect(
      checkDuplicate({ ...base, earlierInDocument: [{ customerId: 'C107', poNumber: 'PO-1' }] }),
    ).toEqual([]);
  });
});

describe('credit', () => {
  const brico: CustomerFacts = {
    id: 'C128',
    name: 'Bricolaje Express SL',
    taxId: null,
    emails: [],
    faxNumbers: [],
    ediIds: [],
    currency: 'EUR',
    creditLimit: 100,
  };

  it('values the order by total, else amounts, else quantity x known price', () => {
    expect(orderValue(order({ total: 50 }), [])).toBe(50);
    const lines = [line({ amount: 10 }), line({ quantity: 100, unitPrice: 0.5 }), line({ quantity: 10 })];
    expect(
      orderValue(order({ lines }), [null, null, product('X', { unitPrice: 2, customerPrice: 1.5 })]),
    ).toBe(75);
  });

  it('warns when open orders plus this one pass the limit', () => {
    expect(checkCredit(brico, facts({ openAmount: 80, openCount: 2 }), 20)).toEqual([]);
    expect(messages(checkCredit(brico, facts({ openAmount: 80, openCount: 2 }), 24))).toEqual([
      'null: Credit limit 100.00 EUR of customer C128 would be exceeded: 80.00 in 2 open orders of the last 30 days + this order 24.00 = 104.00',
    ]);
    expect(checkCredit({ ...brico, creditLimit: null }, facts({ openAmount: 1e9 }), 1)).toEqual([]);
  });
});
