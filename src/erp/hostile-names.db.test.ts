import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORMATS } from '../formats/registry.ts';
import { submit } from '../pipeline/submit.ts';
import { ConfirmationSender } from '../confirm/sender.ts';
import { silentLogger } from '../log.ts';
import { createTestPipeline, FIXTURES, type TestPipeline } from '../testing/pipeline.ts';
import { FileErpAdapter } from './file-adapter.ts';
import { sampleOrder } from './test-support.ts';

/** Every file under `root`, relative, sorted. */
async function files(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(root, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.push(relative(root, join(e.parentPath, e.name)));
  }
  return out.sort();
}

const HOSTILE_PO = '../../../../tmp/evil/PO-1';

describe('files named by senders never leave their folders', () => {
  let p: TestPipeline;
  let sender: ConfirmationSender;
  beforeAll(async () => {
    p = await createTestPipeline({ 'worker.concurrency': 1 }, undefined, FORMATS, { confirm: true });
    sender = new ConfirmationSender({ db: p.db, log: silentLogger, ...p.config.confirm, backoffBaseMs: 1 });
  });
  afterAll(async () => {
    await sender.stop();
    await p.close();
  });

  it('the file ERP adapter names a file by the order id only, whatever the PO and customer say', async () => {
    const dir = join(p.dir, 'erp-direct');
    const order = {
      ...sampleOrder(1),
      poNumber: HOSTILE_PO,
      customer: { id: '/etc/passwd', name: '..\\..\\boot.ini', taxId: '\u0000' },
    };
    const adapter = new FileErpAdapter({ dir });
    const result = await adapter.deliver({
      orderId: 42,
      idempotencyKey: 'k',
      order,
      documentId: 1,
      receivedAt: new Date(),
    });
    await adapter.flush();
    expect(result).toEqual({ kind: 'delivered', reference: '42.json' });
    expect(await files(dir)).toEqual(['42.json']);
    expect(JSON.parse(await readFile(join(dir, '42.json'), 'utf8')).poNumber).toBe(HOSTILE_PO);
  });

  it('an EDI order with a path for a PO number ends as <id>.json for the ERP and ORDRSP-OC<id>.edi', async () => {
    const edi = (await readFile(join(FIXTURES, 'demo/ferreteria-lopez-FL-2026-0201.edi'), 'latin1'))
      .replaceAll('FL-2026-0201', HOSTILE_PO)
      .replaceAll('FL-2026-0202', `${HOSTILE_PO}-2`);
    const { documentId } = await submit(p.db, {
      channel: 'edi',
      sourceRef: 'hostile-po',
      sender: '8412345000003',
      receivedAt: new Date(),
      filename: '../../../etc/cron.d/evil.edi',
      contentType: null,
      bytes: Buffer.from(edi, 'latin1'),
    });
    await p.settle();
    const orders = await p.db.query<{ id: number; status: string; po_number: string }>(
      `SELECT id, status, po_number FROM orders WHERE document_id = $1 ORDER BY seq`,
      [documentId],
    );
    expect(orders.map((o) => [o.status, o.po_number])).toEqual([
      ['delivered', HOSTILE_PO],
      ['delivered', `${HOSTILE_PO}-2`],
    ]);
    while ((await sender.runOnce()) > 0);

    const ids = orders.map((o) => o.id);
    const everything = await files(p.dir);
    const erp = relative(p.dir, p.config.erp.fileDir);
    const ordrsp = relative(p.dir, p.config.confirm.ediDir);
    // Nothing outside the configured folders (the database lives elsewhere in tests).
    expect(everything.filter((f) => !f.startsWith('erp-direct/'))).toEqual(
      [
        ...ids.map((id) => join(erp, `${id}.json`)),
        ...ids.map((id) => join(ordrsp, `ORDRSP-OC${id}.edi`)),
      ].sort(),
    );
    const text = await readFile(join(p.config.confirm.ediDir, `ORDRSP-OC${ids[0]}.edi`), 'latin1');
    expect(text).toContain('BGM+231+OC');
  });
});
