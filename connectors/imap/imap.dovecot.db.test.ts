import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import type { InboundDocument } from '../../src/domain/document.ts';
import { silentLogger } from '../../src/log.ts';
import { importMasterData } from '../../src/masterdata/import.ts';
import { createOcrEngine, type OcrEngine } from '../../src/ocr/index.ts';
import { allFormats } from '../../src/formats/registry.ts';
import { submit } from '../../src/pipeline/submit.ts';
import { startService } from '../../src/service.ts';
import { freePort, imapClient, startDovecot, type TestImapServer } from '../../src/testing/dovecot.ts';
import { createTestPipeline, DEMO_MASTER_DATA, type TestPipeline } from '../../src/testing/pipeline.ts';
import { orderMail } from '../../src/formats/email/testing.ts';
import { ImapConnector, type ImapConnectorOptions, parseMailboxUrl } from './index.ts';
import { waitFor } from '../../src/testing/wait.ts';

/** A TCP relay between connector and server that can cut the connection mid-stream. */
function relay(targetPort: number) {
  let cutAfter: number | null = null;
  let cuts = 0;
  const server = net.createServer((client) => {
    const up = net.connect(targetPort, '127.0.0.1');
    let bytes = 0;
    up.on('data', (d) => {
      bytes += d.length;
      client.write(d);
      if (cutAfter !== null && bytes > cutAfter) {
        cutAfter = null;
        cuts++;
        client.destroy();
        up.destroy();
      }
    });
    client.on('data', (d) => up.write(d));
    client.on('close', () => up.destroy());
    up.on('close', () => client.destroy());
    client.on('error', () => {});
    up.on('error', () => {});
  });
  return {
    listen: () =>
      new Promise<number>((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)),
      ),
    /** Cuts the next connection once the server has sent this many bytes on it. */
    cutAfter: (bytes: number) => {
      cutAfter = bytes;
    },
    get cuts() {
      return cuts;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('IMAP connector against a real Dovecot', () => {
  let imap: TestImapServer;
  let p: TestPipeline;
  let ocr: OcrEngine;
  let admin: ImapFlow;

  beforeAll(async () => {
    imap = await startDovecot();
    ocr = createOcrEngine({ workers: 1 });
    p = await createTestPipeline({ 'worker.concurrency': 1 }, DEMO_MASTER_DATA, allFormats(ocr, []));
    admin = imapClient(imap);
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.logout().catch(() => {});
    await p?.close();
    await ocr?.close();
    await imap?.close();
  });

  const count = async (folder: string) => {
    const status = await admin.status(folder, { messages: true });
    return status ? (status.messages ?? 0) : 0;
  };
  const documents = async () =>
    (await p.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM documents WHERE channel = 'email'`))[0]!
      .n;

  function connector(port: number, extra: Partial<ImapConnectorOptions> = {}) {
    return new ImapConnector({
      mailbox: parseMailboxUrl(`imap://${imap.user}:${imap.password}@127.0.0.1:${port}/INBOX`),
      submit: (d) => submit(p.db, d),
      log: silentLogger,
      maxBytes: 200_000,
      pollMs: 60_000,
      backoffMs: 20,
      backoffMaxMs: 200,
      batch: 5,
      ...extra,
    });
  }

  it('imports what is waiting, then new mail as it arrives (IDLE), and files it as processed', async () => {
    for (const po of ['FL-2026-2001', 'FL-2026-2002', 'FL-2026-2003'])
      await admin.append('INBOX', orderMail(po));
    const c = connector(imap.port);
    c.start();
    try {
      await waitFor('3 imported', () => c.stats.imported === 3);
      await waitFor('INBOX empty', async () => (await count('INBOX')) === 0);
      expect(await count('INBOX/Processed')).toBe(3);
      // Poll interval is a minute: only IDLE can bring this one in within the wait.
      await admin.append('INBOX', orderMail('FL-2026-2004'));
      await waitFor(
        'the new message',
        async () => c.stats.imported === 4 && (await count('INBOX')) === 0,
        20_000,
      );
    } finally {
      await c.stop();
    }
    await waitFor('processed folder', async () => (await count('INBOX/Processed')) === 4);
    const lock = await admin.getMailboxLock('INBOX/Processed');
    try {
      const seen = await admin.search({ seen: true }, { uid: true });
      expect(seen).toHaveLength(4);
    } finally {
      lock.release();
    }
    await p.worker.runUntilIdle();
    const orders = await p.db.query<{ po_number: string; customer_id: string; sender: string }>(
      `SELECT o.po_number, o.customer_id, d.sender FROM orders o JOIN documents d ON d.id = o.document_id
        WHERE d.channel = 'email' ORDER BY o.po_number`,
    );
    expect(orders).toEqual(
      ['FL-2026-2001', 'FL-2026-2002', 'FL-2026-2003', 'FL-2026-2004'].map((po) => ({
        po_number: po,
        customer_id: 'C042',
        sender: 'compras@ferreterialopez.es',
      })),
    );
  });

  it('a connection cut in the middle of a fetch loses nothing and duplicates nothing', async () => {
    const before = await documents();
    const pos = Array.from({ length: 20 }, (_, i) => `FL-2026-3${String(i).padStart(3, '0')}`);
    // About 30 kB each: a batch of five is a fetch long enough to be cut in the middle.
    for (const po of pos) await admin.append('INBOX', orderMail(po, { padding: 900 }));
    const r = relay(imap.port);
    const port = await r.listen();
    r.cutAfter(60_000);
    const c = connector(port);
    c.start();
    try {
      await waitFor('INBOX empty', async () => (await count('INBOX')) === 0, 60_000);
    } finally {
      await c.stop();
      await r.close();
    }
    expect(r.cuts).toBe(1);
    expect(c.stats.connects).toBeGreaterThanOrEqual(2);
    expect((await documents()) - before).toBe(20);
    const refs = await p.db.query<{ source_ref: string }>(
      `SELECT source_ref FROM documents WHERE source_ref LIKE 'message-id:<FL-2026-3%'`,
    );
    expect(new Set(refs.map((x) => x.source_ref)).size).toBe(20);
  });

  it('a crash after the commit and before the move imports the message once', async () => {
    const before = await documents();
    await admin.append('INBOX', orderMail('FL-2026-4001'));
    await admin.append('INBOX', orderMail('FL-2026-4002'));
    let crashes = 0;
    const c = connector(imap.port, {
      submit: async (d: InboundDocument) => {
        const stored = await submit(p.db, d);
        // The process "dies" right after the first commit, before the message is moved.
        if (crashes++ === 0) throw new Error('killed after commit');
        return stored;
      },
    });
    c.start();
    try {
      await waitFor('INBOX empty', async () => (await count('INBOX')) === 0);
    } finally {
      await c.stop();
    }
    expect((await documents()) - before).toBe(2);
    expect(c.stats.duplicates).toBe(1);
  });

  it('a message over the size limit is moved to the failed folder, not imported', async () => {
    const before = await documents();
    await admin.append('INBOX', orderMail('FL-2026-5001', { padding: 9000 }));
    const c = connector(imap.port);
    c.start();
    try {
      await waitFor('INBOX empty', async () => (await count('INBOX')) === 0);
    } finally {
      await c.stop();
    }
    expect(await count('INBOX/Failed')).toBe(1);
    expect(await documents()).toBe(before);
  });

  it('reconnects when the server goes away and comes back', async () => {
    const c = connector(imap.port);
    c.start();
    try {
      await waitFor('connected', () => c.stats.connects === 1);
      await imap.stop();
      await admin.close();
      await imap.start();
      admin = imapClient(imap);
      await admin.connect();
      await admin.append('INBOX', orderMail('FL-2026-6001'));
      await waitFor('imported after the restart', async () => (await count('INBOX')) === 0);
      expect(c.stats.connects).toBeGreaterThanOrEqual(2);
    } finally {
      await c.stop();
    }
  });
});

describe('the service with a mailbox and an SMTP listener configured', () => {
  it('imports mail from both and turns it into orders', async () => {
    const imap = await startDovecot();
    const dir = await mkdtemp(join(tmpdir(), 'oc-service-'));
    const smtpPort = await freePort();
    const config = loadConfig(
      {
        ORDERCAP_IMAP_URLS: `imap://${imap.user}:${imap.password}@127.0.0.1:${imap.port}/INBOX`,
        ORDERCAP_SMTP_PORT: String(smtpPort),
      },
      { dataDir: dir, roles: 'connectors,worker', 'worker.pollMs': 50, 'imap.pollMs': 200 },
    );
    const service = await startService(config, silentLogger);
    const admin = imapClient(imap);
    try {
      await importMasterData(service.db, DEMO_MASTER_DATA);
      await admin.connect();
      await admin.append('INBOX', orderMail('FL-2026-7001'));
      await waitFor('the order', async () => {
        const rows = await service.db.query<{ po_number: string }>(`SELECT po_number FROM orders`);
        return rows.some((r) => r.po_number === 'FL-2026-7001');
      });
      await nodemailer
        .createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true })
        .sendMail({
          envelope: { from: 'compras@ferreterialopez.es', to: ['pedidos@proveedor.es'] },
          raw: orderMail('FL-2026-7002'),
        });
      await waitFor('the pushed order', async () => {
        const rows = await service.db.query<{ po_number: string }>(`SELECT po_number FROM orders`);
        return rows.some((r) => r.po_number === 'FL-2026-7002');
      });
      const status = await admin.status('INBOX/Processed', { messages: true });
      expect(status ? status.messages : null).toBe(1);
    } finally {
      await admin.logout().catch(() => {});
      await service.stop();
      await imap.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('mailbox URLs', () => {
  it('reads host, TLS, user, password, folders', () => {
    expect(parseMailboxUrl('imaps://pedidos%40acme.es:p%40ss@mail.acme.es/Pedidos?processed=Hechos')).toEqual(
      {
        host: 'mail.acme.es',
        port: 993,
        secure: true,
        user: 'pedidos@acme.es',
        password: 'p@ss',
        accessToken: null,
        folder: 'Pedidos',
        processedFolder: 'Hechos',
        failedFolder: 'Pedidos/Failed',
      },
    );
    expect(parseMailboxUrl('imap://u@h:1143/?accessToken=abc')).toMatchObject({
      port: 1143,
      folder: 'INBOX',
      accessToken: 'abc',
    });
  });

  it('says what is wrong, without printing the password', () => {
    expect(() => parseMailboxUrl('pop3://u:p@h')).toThrow('imap:// or imaps://');
    expect(() => parseMailboxUrl('imap://h')).toThrow('names no user');
    expect(() => parseMailboxUrl('imap://u@h')).toThrow('no password or accessToken');
    expect(() => parseMailboxUrl('imap://u:secret@')).not.toThrow(/secret/);
  });
});
