import { describe, expect, it } from 'vitest';
import { readYaml } from './yaml.ts';

describe('readYaml', () => {
  it('reads plain YAML into data', () => {
    expect(readYaml('a: 1\nb: [x, y]\n')).toEqual({ a: 1, b: ['x', 'y'] });
  });

  it('refuses what the library would only warn about, and broken YAML, with the reason', () => {
    expect(() => readYaml('fields: !foo bar\n')).toThrow(/Unresolved tag: !foo/);
    expect(() => readYaml('a: [1, 2\n')).toThrow(/flow sequence|Missing/i);
  });
});
