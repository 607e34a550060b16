import net from 'node:net';
import type { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.ts';
import { submit } from '../../src/pipeline/submit.ts';
import { createTestDatabase, type TestDatabase } from '../../src/testing/db.ts';
import { DOVECOT, imapClient, startDovecot, type TestImapServer } from '../../src/testing/dovecot.ts';
import { orderMail } from '../../src/formats/email/testing.ts';
import { ImapConnector, parseMailboxUrl } from './index.ts';
import { waitFor } from '../../src/testing/wait.ts';

/** A TCP relay that counts the bytes the server sends through it. */
function countingRelay(targetPort: number) {
  let fromServer = 0;
  const server = net.createServer((client) => {
    const up = net.connect(targetPort, '127.0.0.1');
    up.on('data', (d) => {
      fromServer += d.length;
      client.write(d);
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
    get fromServer() {
      return fromServer;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.skipIf(!DOVECOT)('IMAP connector: a message over the size limit', () => {
  let imap: TestImapServer;
  let t: TestDatabase;
  let admin: ImapFlow;
  beforeAll(async () => {
    imap = await startDovecot();
    t = await createTestDatabase();
    admin = imapClient(imap);
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.logout().catch(() => {});
    await t?.close();
    await imap?.close();
  });

  it('is moved to the failed folder without being downloaded; the others are imported', async () => {
    const big = orderMail('FL-2026-9001', { padding: 200_000 }); // about 6 MB
    expect(big.length).toBeGreaterThan(5_000_000);
    await admin.append('INBOX', big);
    await admin.append('INBOX', orderMail('FL-2026-9002'));
    const relay = countingRelay(imap.port);
    const port = await relay.listen();
    const c = new ImapConnector({
      mailbox: parseMailboxUrl(`imap://${imap.user}:${imap.password}@127.0.0.1:${port}/INBOX`),
      submit: (d) => submit(t.db, d),
      log: silentLogger,
      maxBytes: 200_000,
      pollMs: 60_000,
      batch: 5,
    });
    c.start();
    try {
      await waitFor('one imported, one failed', () => c.stats.imported === 1 && c.stats.failed === 1);
    } finally {
      await c.stop();
      await relay.close();
    }
    const failed = await admin.status('INBOX/Failed', { messages: true });
    expect(failed ? failed.messages : null).toBe(1);
    const docs = await t.db.query<{ source_ref: string }>(`SELECT source_ref FROM documents`);
    expect(docs).toEqual([{ source_ref: 'message-id:<FL-2026-9002@ferreterialopez.es>' }]);
    // The 6 MB message never crossed the wire: only the small one and the protocol did.
    expect(relay.fromServer).toBeLessThan(1_000_000);
  });
});
