import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** The repository is complete on its own: its license, and the contracts it follows. */
describe('repository', () => {
  it('has the license package.json names', () => {
    expect(JSON.parse(read('package.json')).license).toBe('MIT');
    expect(read('LICENSE')).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} /);
    expect(read('LICENSE')).toContain('THE SOFTWARE IS PROVIDED "AS IS"');
  });

  it('carries the contracts in docs/CONTRACTS.md, the same as the shared copy where there is one', () => {
    const own = read('docs/CONTRACTS.md');
    for (const section of ['## 1. The canonical order', '## 3. Command line', '## 5. Running the service'])
      expect(own).toContain(section);
    const shared = join(ROOT, '..', 'shared', 'CONTRACTS.md');
    if (existsSync(shared)) expect(own).toBe(readFileSync(shared, 'utf8'));
  });
});
