import { describe, expect, it } from 'vitest';
import { priorityOf } from './priority.ts';

const monday = new Date('2026-11-23T09:00:00Z');

describe('priority orders', () => {
  it('urgent wording in the document or the subject, accents and case aside', () => {
    expect(
      priorityOf({ sourceText: 'PEDIDO URGENTE', subject: null, deliveryDate: null, receivedAt: monday }),
    ).toBe('"urgente" in the document');
    expect(
      priorityOf({ sourceText: 'Pedido', subject: 'Envío exprés', deliveryDate: null, receivedAt: monday }),
    ).toBe('"expres" in the subject');
    expect(
      priorityOf({ sourceText: 'Please ship ASAP', subject: null, deliveryDate: null, receivedAt: monday }),
    ).toBe('"asap" in the document');
    // Words that merely contain the letters do not count.
    expect(
      priorityOf({
        sourceText: 'Expresamente sin prisa',
        subject: null,
        deliveryDate: null,
        receivedAt: monday,
      }),
    ).toBeNull();
  });

  it('a delivery date within two working days of arrival', () => {
    const at = (deliveryDate: string, receivedAt = monday) =>
      priorityOf({ sourceText: '', subject: null, deliveryDate, receivedAt });
    expect(at('2026-11-25')).toBe('delivery requested for 2026-11-25');
    expect(at('2026-11-26')).toBeNull();
    // Friday to Tuesday is two working days.
    expect(at('2026-12-01', new Date('2026-11-27T16:00:00Z'))).toBe('delivery requested for 2026-12-01');
  });
});
