import { describe, expect, it } from 'vitest';
import { createProgress } from './progress.ts';

function capture(isTTY: boolean) {
  const out: string[] = [];
  return { out, stream: { isTTY, columns: 80, write: (s: string) => out.push(s) } };
}

describe('command-line progress', () => {
  it('prints a plain line every tenth of the way when not on a terminal', () => {
    const { out, stream } = capture(false);
    let t = 0;
    const p = createProgress(20, 'extract', stream, () => (t += 1000));
    for (let i = 0; i < 20; i++) p.tick(`f${i}.pdf`);
    expect(out).toHaveLength(10);
    expect(out[0]).toBe('extract: 2/20 (10 %), 9 s left\n');
    expect(out.at(-1)).toBe('extract: 20/20 (100 %)\n');
  });

  it('redraws one bar in place on a terminal and clears it at the end', () => {
    const { out, stream } = capture(true);
    const p = createProgress(4, 'import', stream, () => 0);
    p.tick('customers.csv');
    p.tick();
    expect(out[1]).toBe(`\r\x1b[2Kimport [${'#'.repeat(20)}${'.'.repeat(20)}] 2/4`);
    expect(out[0]).toContain('customers.csv');
    p.done();
    expect(out.at(-1)).toBe('\r\x1b[2K');
  });

  it('says nothing for a single item', () => {
    const { out, stream } = capture(false);
    createProgress(1, 'x', stream).tick();
    expect(out).toEqual([]);
  });
});
