import { describe, expect, it } from 'vitest';
import { checkShape, oneSlipAway, shapeOf } from './shape.ts';

describe('expected shapes of codes', () => {
  const po = shapeOf('HWI-\\d{4}');

  it('accepts a reading that fits, anchored at both ends', () => {
    expect(checkShape('HWI-1017', po)).toEqual({ kind: 'fits' });
    expect(checkShape('XHWI-1017', po).kind).not.toBe('fits');
  });

  it('repairs the slips OCR makes in machine print when one fitting value is near', () => {
    expect(checkShape('HWI1-1020', po)).toEqual({ kind: 'repaired', value: 'HWI-1020', slips: 1 });
    expect(checkShape('hWi-1016', po)).toEqual({ kind: 'repaired', value: 'HWI-1016', slips: 2 });
    expect(checkShape('HWI-1O2O', po)).toEqual({ kind: 'repaired', value: 'HWI-1020', slips: 2 });
    expect(checkShape('SIG-P0-1010', shapeOf('SIG-PO-\\d{4}'))).toEqual({
      kind: 'repaired',
      value: 'SIG-PO-1010',
      slips: 1,
    });
  });

  it('mends a separator OCR read as another ("OC-2026:6326", "NE2026I0414")', () => {
    expect(checkShape('OC-2026:6326', shapeOf('OC-\\d{4}-\\d{4}'))).toEqual({
      kind: 'repaired',
      value: 'OC-2026-6326',
      slips: 1,
    });
    expect(checkShape('NE2026I0414', shapeOf('NE\\d{4}/\\d{4}'))).toEqual({
      kind: 'repaired',
      value: 'NE2026/0414',
      slips: 1,
    });
    expect(checkShape('OC.-2026-9216', shapeOf('OC-\\d{4}-\\d{4}'))).toEqual({
      kind: 'repaired',
      value: 'OC-2026-9216',
      slips: 1,
    });
  });

  it('drops a letter read twice ("Vv-004128"), not a doubled digit', () => {
    expect(checkShape('Vv-004128', shapeOf('V-\\d{6}'))).toEqual({
      kind: 'repaired',
      value: 'V-004128',
      slips: 1,
    });
    expect(checkShape('V-0042288', shapeOf('V-\\d{6}')).kind).toBe('misfit');
  });

  it('refuses to guess between two near values, or beyond two slips', () => {
    // The trailing bar could be a 1 or an I; either fits a format that allows both.
    expect(checkShape('AB-12|', shapeOf('AB-12[1I]')).kind).toBe('misfit');
    expect(checkShape('XYZ-1017', po).kind).toBe('misfit');
    expect(checkShape('HWI-101', po).kind).toBe('misfit');
  });

  it('lists the codes one slip away, digits read as digits included', () => {
    const near = oneSlipAway('4711');
    expect(near).toContain('4717');
    expect(near).toContain('471');
    expect(near).toContain('47I1');
    expect(near).not.toContain('4711');
  });
});
