/**
 * AS2 end to end through the service (issue 14): partners' certificates configured by
 * ORDERCAP_AS2_CERTIFICATES, read at start-up, used by the worker that reads the AS2 messages an
 * AS2 server drops into the EDI folder. A good signature leaves a clean order accepted; a changed
 * message or another signer holds the order for review with `unverified_signature`; a certificate
 * that cannot be read stops the start.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config.ts';
import { silentLogger } from '../../log.ts';
import { importMasterData } from '../../masterdata/import.ts';
import { type RunningService, startService } from '../../service.ts';
import { ordersOfDocument, type StoredOrder } from '../../store/orders.ts';
import { createTestDatabase, type TestDatabase, testEngine } from '../../testing/db.ts';
import { DEMO_MASTER_DATA } from '../../testing/pipeline.ts';
import { cleanOrder, toX12 } from '../testing.ts';
import { as2Message, makePartner } from './smime-testing.ts';

describe('the service checks AS2 signatures with the configured certificates', () => {
  const buyer = makePartner('Ferreteria Lopez AS2');
  const stranger = makePartner('someone else');
  let dir: string;
  let pg: TestDatabase | null = null;
  let service: RunningService;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'oc-as2-'));
    if (testEngine === 'postgres') pg = await createTestDatabase();
    await writeFile(join(dir, 'buyer.pem'), buyer.pem);
    const config = loadConfig(
      {
        ORDERCAP_AS2_CERTIFICATES: `FERRLOPEZAS2=${join(dir, 'buyer.pem')}`,
        ...(pg?.url ? { DATABASE_URL: pg.url } : {}),
      },
      {
        dataDir: join(dir, 'data'),
        port: 0,
        roles: 'worker,connectors',
        'worker.pollMs': 50,
        'edifact.pollMs': 50,
        'edifact.stableMs': 0,
        'mail.enabled': false,
        'fax.enabled': false,
        'ocr.workers': 1,
      },
    );
    expect(Object.keys(config.as2.certificates)).toEqual(['FERRLOPEZAS2']);
    service = await startService(config, silentLogger);
    await importMasterData(service.db, DEMO_MASTER_DATA);
    // A whole service (migrations on a fresh embedded database) starts slowly on a loaded machine.
  }, 180_000);
  afterAll(async () => {
    await service?.stop();
    await pg?.close();
    await rm(dir, { recursive: true, force: true, maxRetries: 3 });
  });

  /** Drops a file into the EDI folder and waits for the orders read from it. */
  async function drop(name: string, bytes: Buffer): Promise<StoredOrder[]> {
    await writeFile(join(dir, 'data', 'inbox', 'edifact', name), bytes);
    const until = Date.now() + 30_000;
    for (;;) {
      const [doc] = await service.db.query<{ id: number; status: string }>(
        'SELECT id, status FROM documents WHERE filename LIKE $1',
        [`%${name}`],
      );
      if (doc && !['received', 'processing'].includes(doc.status)) {
        const orders = await ordersOfDocument(service.db, doc.id);
        if (orders.length > 0) return orders;
      }
      if (Date.now() > until)
        throw new Error(`${name} was not read in time (${doc?.status ?? 'not stored'})`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const x12 = (po: string) => Buffer.from(toX12(cleanOrder(po)));
  const sigFindings = (o: StoredOrder) =>
    o.findings.filter((f) => f.code === 'unverified_signature').map((f) => f.severity);

  it('a clean order signed by the configured partner is accepted untouched', async () => {
    const [order] = await drop(
      'good.as2',
      as2Message(x12('PO-AS2-OK'), { from: 'FERRLOPEZAS2', sign: buyer.sign }),
    );
    expect(order!.order.poNumber).toBe('PO-AS2-OK');
    expect(order!.order.customer.id).toBe('C042');
    expect(sigFindings(order!)).toEqual([]);
    // Accepted untouched; the ERP deliverer may already have delivered it by the time we look.
    expect(['accepted', 'delivered']).toContain(order!.status);
    expect(order!.order.notes).toMatch(/Received by AS2 from FERRLOPEZAS2 \(signature verified\)/);
    // The document is the X12 it carried, so the customer is answered with an X12 855.
    const [doc] = await service.db.query<{ format: string }>(
      'SELECT format FROM documents WHERE filename LIKE $1',
      ['%good.as2'],
    );
    expect(doc!.format).toBe('x12');
    const outbox = join(dir, 'data', 'outbox', 'x12');
    const until = Date.now() + 30_000;
    let reply: string | null = null;
    while (reply === null) {
      const names = await readdir(outbox).catch(() => [] as string[]);
      const name = names.find((n) => n.endsWith('.x12'));
      if (name) reply = await readFile(join(outbox, name), 'latin1');
      else if (Date.now() > until) throw new Error('no X12 855 was written');
      else await new Promise((r) => setTimeout(r, 100));
    }
    expect(reply).toMatch(/ST\*855\*/);
    expect(reply).toContain('PO-AS2-OK');
  });

  it('a message changed after signing, or signed by someone else, is held with unverified_signature', async () => {
    const tamper = (part: Buffer) =>
      Buffer.from(part.toString('latin1').replace('*200*EA', '*900*EA'), 'latin1');
    const [changed] = await drop(
      'changed.as2',
      as2Message(x12('PO-AS2-CHANGED'), { from: 'FERRLOPEZAS2', sign: buyer.sign, tamper }),
    );
    expect(changed!.order.lines[0]!.quantity).toBe(900);
    expect(sigFindings(changed!)).toEqual(['warning']);
    expect(changed!.status).toBe('review');
    const [forged] = await drop(
      'forged.as2',
      as2Message(x12('PO-AS2-FORGED'), { from: 'FERRLOPEZAS2', sign: stranger.sign }),
    );
    expect(sigFindings(forged!)).toEqual(['warning']);
    expect(forged!.status).toBe('review');
    const [unsigned] = await drop(
      'unsigned.as2',
      as2Message(x12('PO-AS2-UNSIGNED'), { from: 'FERRLOPEZAS2' }),
    );
    expect(sigFindings(unsigned!)).toEqual(['warning']);
    expect(unsigned!.status).toBe('review');
  });

  it('a partner without a configured certificate: the signature is said unchecked, the order still read', async () => {
    const [order] = await drop(
      'other.as2',
      as2Message(x12('PO-AS2-OTHER'), { from: 'HUB', sign: stranger.sign }),
    );
    expect(sigFindings(order!)).toEqual(['info']);
    expect(order!.order.poNumber).toBe('PO-AS2-OTHER');
  });

  it('a certificate file that cannot be read stops the start', () => {
    expect(() =>
      loadConfig({ ORDERCAP_AS2_CERTIFICATES: `FERRLOPEZAS2=${join(dir, 'nowhere.pem')}` }, { dataDir: dir }),
    ).toThrow(ConfigError);
    expect(() =>
      loadConfig({ ORDERCAP_AS2_CERTIFICATES: `FERRLOPEZAS2=${join(dir, 'nowhere.pem')}` }, { dataDir: dir }),
    ).toThrow(/cannot read the certificate of FERRLOPEZAS2 .*ENOENT/);
  });
});
