import { describe, expect, it } from 'vitest';
import { FAULT_POINTS, parseFaults } from './faults.ts';

describe('ORDERCAP_FAULT', () => {
  it('arms points on their first hit, or on the n-th with @n', () => {
    expect(parseFaults('erp.after-send, pipeline.inside-ocr@3')).toEqual(
      new Map([
        ['erp.after-send', 1],
        ['pipeline.inside-ocr', 3],
      ]),
    );
    expect(parseFaults('').size).toBe(0);
  });

  it('refuses a hit count that is not a positive integer', () => {
    expect(() => parseFaults('erp.after-send@0')).toThrow(/bad hit count/);
    expect(() => parseFaults('erp.after-send@x')).toThrow(/bad hit count/);
  });

  it('names each point once', () => {
    expect(new Set(FAULT_POINTS).size).toBe(FAULT_POINTS.length);
  });
});
