import { type Finding, type FindingParams, finding } from '../domain/findings.ts';
import type { CanonicalOrder, OrderLine } from '../domain/order.ts';
import { money, num } from './line-checks.ts';
import type { CustomerFacts, OrderFacts, ProductFacts } from './types.ts';

/** PO number, at least one line, and a quantity on every line. */
export function checkMissingFields(order: CanonicalOrder): Finding[] {
  const out: Finding[] = [];
  if (!order.poNumber?.trim()) {
    out.push(
      finding('missing_field', 'error', 'poNumber', 'The order has no PO number', { t: 'missing_field.po' }),
    );
  }
  if (order.lines.length === 0) {
    out.push(
      finding('missing_field', 'error', 'lines', 'The order has no lines', { t: 'missing_field.lines' }),
    );
  }
  order.lines.forEach((line, i) => {
    if (line.quantity === null) {
      const what = line.sku ?? line.customerRef ?? line.description;
      out.push(
        finding(
          'missing_field',
          'error',
          `lines[${i}].quantity`,
          `Line ${line.lineNo}${what ? ` (${what})` : ''} has no quantity`,
          { t: 'missing_field.quantity', line: line.lineNo, what: what ?? null },
        ),
      );
    }
  });
  return out;
}

function tolerance(relative: number, amount: number): number {
  // Rounding to cents always leaves up to a cent; 1e-9 absorbs floating-point noise.
  return Math.max(0.01, relative * Math.abs(amount)) + 1e-9;
}

/** Each line's amount against quantity x unit price, and the lines' sum against the order total. */
export function checkTotals(order: CanonicalOrder, relative: number): Finding[] {
  const out: Finding[] = [];
  order.lines.forEach((line, i) => {
    if (line.amount === null || line.quantity === null || line.unitPrice === null) return;
    const expected = line.quantity * line.unitPrice;
    if (Math.abs(line.amount - expected) > tolerance(relative, expected)) {
      out.push(
        finding(
          'total_mismatch',
          'warning',
          `lines[${i}].amount`,
          `Line ${line.lineNo}: amount ${money(line.amount)} is not quantity ${num(line.quantity)} x unit price ${num(line.unitPrice)} = ${money(expected)}`,
          {
            t: 'total_mismatch.line',
            line: line.lineNo,
            amount: line.amount,
            quantity: line.quantity,
            unitPrice: line.unitPrice,
            expected,
          },
        ),
      );
    }
  });
  const sum = linesSum(order.lines);
  if (
    order.total !== null &&
    sum !== null &&
    Math.abs(order.total - sum) > tolerance(relative, order.total)
  ) {
    out.push(
      finding(
        'total_mismatch',
        'warning',
        'total',
        `Order total ${money(order.total)} does not match the sum of the lines ${money(sum)}`,
        { t: 'total_mismatch.order', total: order.total, sum },
      ),
    );
  }
  return out;
}

/** Sum of line amounts (quantity x unit price where the amount is missing); null when a line has neither. */
function linesSum(lines: OrderLine[]): number | null {
  if (lines.length === 0) return null;
  let sum = 0;
  for (const l of lines) {
    const value = l.amount ?? (l.quantity !== null && l.unitPrice !== null ? l.quantity * l.unitPrice : null);
    if (value === null) return null;
    sum += value;
  }
  return sum;
}

export interface DuplicateContext {
  customerId: string;
  poNumber: string | null;
  earlierInDocument: Array<{ customerId: string | null; poNumber: string | null }>;
  facts: OrderFacts | null;
}

/** Same customer and PO number: earlier in this document, in an earlier order, or in the order history. */
export function checkDuplicate(c: DuplicateContext): Finding[] {
  const po = c.poNumber?.trim();
  if (!po) return [];
  const dup = (message: string, params: FindingParams) => [
    finding('duplicate_order', 'error', 'poNumber', message, { ...params, po, customer: c.customerId }),
  ];
  const prefix = `PO ${po} of customer ${c.customerId}`;
  if (c.earlierInDocument.some((o) => o.customerId === c.customerId && o.poNumber?.trim() === po)) {
    return dup(`${prefix} appears earlier in this same document`, { t: 'duplicate_order.sameDocument' });
  }
  const earlier = c.facts?.duplicate;
  if (earlier) {
    return dup(
      `${prefix} was already received on ${earlier.receivedAt} as order ${earlier.orderId} (status ${earlier.status})`,
      {
        t: 'duplicate_order.received',
        date: String(earlier.receivedAt),
        order: earlier.orderId,
        status: earlier.status,
      },
    );
  }
  if (c.facts?.historyDate) {
    return dup(`${prefix} is already in the order history (ordered ${c.facts.historyDate})`, {
      t: 'duplicate_order.history',
      date: c.facts.historyDate,
    });
  }
  return [];
}

/**
 * What this order is worth for the credit check: its total, else the sum of its lines, each line
 * its amount or quantity x price (the document's, else the customer's or list price).
 */
export function orderValue(order: CanonicalOrder, products: Array<ProductFacts | null>): number {
  if (order.total !== null) return order.total;
  return order.lines.reduce((sum, line, i) => {
    if (line.amount !== null) return sum + line.amount;
    const p = products[i];
    const price = line.unitPrice ?? p?.customerPrice ?? p?.unitPrice ?? 0;
    return sum + (line.quantity ?? 0) * price;
  }, 0);
}

/** Open orders plus this one against the customer's credit limit, when it has one. */
export function checkCredit(customer: CustomerFacts, facts: OrderFacts | null, value: number): Finding[] {
  if (customer.creditLimit === null || !facts) return [];
  const exposure = facts.openAmount + value;
  if (exposure <= customer.creditLimit + 1e-9) return [];
  const cur = customer.currency ? ` ${customer.currency}` : '';
  const open = `${money(facts.openAmount)} in ${facts.openCount} open order${facts.openCount === 1 ? '' : 's'} of the last 30 days`;
  return [
    finding(
      'credit_limit_exceeded',
      'warning',
      null,
      `Credit limit ${money(customer.creditLimit)}${cur} of customer ${customer.id} would be exceeded: ${open} + this order ${money(value)} = ${money(exposure)}`,
      {
        t: 'credit_limit_exceeded',
        limit: customer.creditLimit,
        currency: customer.currency ?? null,
        customer: customer.id,
        open: facts.openAmount,
        openCount: facts.openCount,
        value,
        exposure,
      },
    ),
  ];
}
