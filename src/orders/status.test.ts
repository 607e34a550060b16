import { describe, expect, it } from 'vitest';
import { canMove, guardOf, TRANSITIONS } from './status.ts';

describe('order status transitions', () => {
  it('lets an order go review -> accepted -> delivered, and back from failed to accepted only', () => {
    expect(canMove('review', 'accepted')).toBe(true);
    expect(canMove('accepted', 'delivered')).toBe(true);
    expect(canMove('accepted', 'failed')).toBe(true);
    expect(canMove('failed', 'accepted')).toBe(true);
    expect(canMove('failed', 'delivered')).toBe(false);
    expect(canMove('review', 'delivered')).toBe(false);
  });

  it('keeps delivered and rejected final', () => {
    expect(TRANSITIONS.delivered).toEqual([]);
    expect(TRANSITIONS.rejected).toEqual([]);
    expect(() => guardOf('rejected', 'accepted')).toThrow(/cannot go from rejected to accepted/);
  });

  it('gives the status an UPDATE must find for an allowed move', () => {
    expect(guardOf('review', 'rejected')).toBe('review');
  });
});
