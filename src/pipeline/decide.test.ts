import { describe, expect, it } from 'vitest';
import { finding } from '../domain/findings.ts';
import { emptyLine, emptyOrder } from '../domain/order.ts';
import { decide } from './decide.ts';

function resolved() {
  const order = emptyOrder();
  order.customer.id = 'C042';
  order.poNumber = 'PO-1';
  order.lines = [{ ...emptyLine(1), sku: 'TOR-M8-40', quantity: 200 }];
  return order;
}

describe('decide', () => {
  it('accepts a resolved order with nothing standing and confidence over the threshold', () => {
    expect(decide({ order: resolved(), findings: [], confidence: 0.95 }, 0.9).status).toBe('accepted');
  });

  it('sends an order under the threshold to review, even when only info findings were raised', () => {
    const info = finding(
      'low_confidence',
      'info',
      'lines[0].description',
      'description read with confidence 0.2',
    );
    const out = decide({ order: resolved(), findings: [info], confidence: 0.85 }, 0.9);
    expect(out.status).toBe('review');
    expect(out.findings.filter((f) => f.code === 'low_confidence' && f.severity === 'warning')).toHaveLength(
      1,
    );
  });

  it('does not repeat a low_confidence warning the extraction already gave', () => {
    const warn = finding(
      'low_confidence',
      'warning',
      'lines[0].quantity',
      'quantity read with confidence 0.4',
    );
    const out = decide({ order: resolved(), findings: [warn], confidence: 0.4 }, 0.9);
    expect(out).toEqual({ status: 'review', findings: [warn] });
  });

  it('reviews warnings and unresolved lines, rejects what holds nothing usable', () => {
    const warn = finding('price_mismatch', 'warning', 'lines[0].unitPrice', 'price differs');
    expect(decide({ order: resolved(), findings: [warn], confidence: 1 }, 0.9).status).toBe('review');
    const unresolved = resolved();
    unresolved.lines[0]!.sku = null;
    expect(decide({ order: unresolved, findings: [], confidence: 1 }, 0.9).status).toBe('review');
    expect(decide({ order: emptyOrder(), findings: [], confidence: 1 }, 0.9).status).toBe('rejected');
    expect(decide({ rejected: true, order: resolved(), findings: [], confidence: 1 }, 0.9).status).toBe(
      'rejected',
    );
  });
});
