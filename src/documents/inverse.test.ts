import { describe, expect, it } from 'vitest';
import { invertBars } from './inverse.ts';

/** A white page with a black bar of `barRows` rows across most of its width, and a white "letter" in it. */
function page(width: number, height: number, bar: { top: number; rows: number; x0: number; x1: number }) {
  const data = new Uint8Array(width * height).fill(255);
  for (let y = bar.top; y < bar.top + bar.rows; y++)
    for (let x = bar.x0; x < bar.x1; x++) data[y * width + x] = 0;
  // A white stroke inside the bar: a letter printed inverse.
  for (let y = bar.top + 3; y < bar.top + bar.rows - 3; y++) data[y * width + bar.x0 + 50] = 255;
  return data;
}

describe('invertBars', () => {
  it('turns a black header bar black-on-white, its white letters black', () => {
    const data = page(480, 200, { top: 100, rows: 24, x0: 20, x1: 460 });
    expect(invertBars(data, 480, 200, 10, 60)).toBe(1);
    expect(data[110 * 480 + 200]).toBe(255);
    expect(data[110 * 480 + 70]).toBe(0);
  });

  it('leaves rules, pictures taller than a bar and narrow blocks alone', () => {
    const rule = page(480, 200, { top: 100, rows: 3, x0: 20, x1: 460 });
    const tall = page(480, 200, { top: 20, rows: 150, x0: 20, x1: 460 });
    const logo = page(480, 200, { top: 100, rows: 24, x0: 20, x1: 60 });
    expect(invertBars(rule, 480, 200, 10, 60)).toBe(0);
    expect(invertBars(tall, 480, 200, 10, 60)).toBe(0);
    expect(invertBars(logo, 480, 200, 10, 60)).toBe(0);
    expect(logo[110 * 480 + 30]).toBe(0);
  });

  it('follows a slanted bar strip by strip', () => {
    const width = 960;
    const data = new Uint8Array(width * 200).fill(255);
    for (let x = 0; x < width; x++) {
      const top = 80 + Math.floor(x / 60);
      for (let y = top; y < top + 24; y++) data[y * width + x] = 0;
    }
    expect(invertBars(data, width, 200, 10, 60)).toBe(1);
    expect(data[92 * width + 30]).toBe(255);
    expect(data[(92 + 15) * width + 930]).toBe(255);
  });
});
