import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CanonicalOrder } from '../domain/order.ts';
import { OrderCaptureError } from '../errors.ts';
import type { Delivery } from './adapter.ts';
import { createErpAdapter } from './adapters.ts';
import { FileErpAdapter } from './file-adapter.ts';
import { sampleOrder, testErpConfig } from './test-support.ts';

const delivery = (order: CanonicalOrder, orderId = 7): Delivery => ({
  orderId,
  idempotencyKey: `oc-${orderId}-abc`,
  order,
  documentId: 1,
  receivedAt: new Date(),
});

/** The same order as jsonb hands it back: same content, keys in another order. */
function scrambled(order: CanonicalOrder): CanonicalOrder {
  const reversed = (o: object) => Object.fromEntries(Object.entries(o).reverse());
  return reversed({
    ...order,
    customer: reversed(order.customer),
    lines: order.lines.map(reversed),
  }) as unknown as CanonicalOrder;
}

describe('file ERP adapter', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'oc-erp-file-'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('writes exactly the canonical order JSON, keys in contract order, creating the folder', async () => {
    const dir = join(root, 'out', 'erp');
    const order = sampleOrder(1);
    const result = await new FileErpAdapter({ dir }).deliver(delivery(scrambled(order)));
    expect(result).toEqual({ kind: 'delivered', reference: '7.json' });
    const text = await readFile(join(dir, '7.json'), 'utf8');
    expect(text).toBe(`${JSON.stringify(order, null, 2)}\n`);
    expect(JSON.parse(text)).toEqual(order);
    expect(await readdir(dir)).toEqual(['7.json']);
  });

  it('overwrites the same file with the same bytes on re-delivery, leaving no temporary file', async () => {
    const adapter = new FileErpAdapter({ dir: root });
    await adapter.deliver(delivery(sampleOrder(2), 9));
    const first = await readFile(join(root, '9.json'));
    await writeFile(join(root, '9.json'), '{"half": ');
    expect((await adapter.deliver(delivery(sampleOrder(2), 9))).kind).toBe('delivered');
    expect(await readFile(join(root, '9.json'))).toEqual(first);
    expect(await readdir(root)).toEqual(['9.json']);
  });

  it('keeps fields it does not know, adds none', async () => {
    const order = { ...sampleOrder(3), extra: { a: 1 } } as unknown as CanonicalOrder;
    await new FileErpAdapter({ dir: root }).deliver(delivery(order, 3));
    expect(JSON.parse(await readFile(join(root, '3.json'), 'utf8'))).toEqual(order);
  });

  it.skipIf(process.getuid?.() === 0)('asks for a retry when the folder cannot be written', async () => {
    await chmod(root, 0o500);
    try {
      const result = await new FileErpAdapter({ dir: root }).deliver(delivery(sampleOrder(4), 4));
      expect(result.kind).toBe('retry');
      expect(await readdir(root)).toEqual([]);
    } finally {
      await chmod(root, 0o700);
    }
  });

  it('asks for a retry when the target is not a folder', async () => {
    const file = join(root, 'not-a-dir');
    await writeFile(file, 'x');
    const result = await new FileErpAdapter({ dir: file }).deliver(delivery(sampleOrder(5), 5));
    expect(result).toMatchObject({ kind: 'retry', error: expect.stringContaining('5.json') });
  });

  it('validates its options and is the default in the registry', () => {
    expect(() => new FileErpAdapter({ dir: 'relative/dir' })).toThrow(OrderCaptureError);
    const adapter = createErpAdapter(testErpConfig({ adapter: 'file', fileDir: root }));
    expect(adapter).toBeInstanceOf(FileErpAdapter);
    expect(adapter.identifier).toBe('file');
  });
});
