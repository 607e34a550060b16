/**
 * The IMAP server goes down in the middle of an import and stays down for a while: the connector
 * keeps trying with backoff, and when the server is back on the same port it imports the rest,
 * each message once, the ones stored just before the cut recognised rather than stored again.
 */
import type { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundDocument } from '../../src/domain/document.ts';
import type { Logger } from '../../src/log.ts';
import { submit } from '../../src/pipeline/submit.ts';
import { createTestDatabase, type TestDatabase } from '../../src/testing/db.ts';
import { DOVECOT, startDovecot, type TestImapServer, withImapClient } from '../../src/testing/dovecot.ts';
import { orderMail } from '../../src/formats/email/testing.ts';
import { ImapConnector, parseMailboxUrl } from './index.ts';
import { waitFor } from '../../src/testing/wait.ts';

/** Keeps the connector's reconnect warnings: attempt number and error of each failed connection. */
function recordingLogger(reconnects: Array<{ attempt: number; error: string }>): Logger {
  const log: Logger = {
    debug: () => {},
    info: () => {},
    error: () => {},
    warn: (msg, fields) => {
      if (msg === 'IMAP connection lost; reconnecting') {
        reconnects.push({ attempt: fields?.attempt as number, error: String(fields?.error) });
      }
    },
    child: () => log,
  };
  return log;
}

describe.skipIf(!DOVECOT)(
  `IMAP server outage${DOVECOT ? '' : ' (skipped: dovecot is not installed)'}`,
  () => {
    let imap: TestImapServer;
    let t: TestDatabase;

    beforeAll(async () => {
      imap = await startDovecot();
      t = await createTestDatabase();
    });
    afterAll(async () => {
      await t?.close();
      await imap?.close();
    });

    const admin = <T>(fn: (client: ImapFlow) => Promise<T>): Promise<T> => withImapClient(imap, fn);
    const count = (folder: string) =>
      admin(async (c) => {
        const status = await c.status(folder, { messages: true });
        return status ? (status.messages ?? 0) : 0;
      });

    it('reconnects with backoff while the server is down and imports every message once', async () => {
      const before = [...Array(12).keys()].map((i) => `OUT-2026-${String(i).padStart(3, '0')}`);
      const after = ['OUT-2026-100', 'OUT-2026-101', 'OUT-2026-102'];
      await admin(async (c) => {
        for (const po of before) await c.append('INBOX', orderMail(po));
      });

      const reconnects: Array<{ attempt: number; error: string }> = [];
      let stored = 0;
      let down: Promise<void> | null = null;
      let restarted = false;
      let mailedDuringDrain = false;
      const c = new ImapConnector({
        mailbox: parseMailboxUrl(`imap://${imap.user}:${imap.password}@127.0.0.1:${imap.port}/INBOX`),
        submit: async (d: InboundDocument) => {
          const result = await submit(t.db, d);
          // The server dies in the middle of a batch, after its fourth message is stored; the batch
          // was fetched already, so the fifth is stored too, and none of the five is moved.
          if (++stored === 4) {
            down = imap.stop();
            await down;
          }
          // Back up: more mail arrives while the connector works through the folder. Its EXISTS
          // comes in the middle of the drain, and must not wait for the next poll (a minute).
          if (restarted && !mailedDuringDrain) {
            mailedDuringDrain = true;
            await admin(async (a) => {
              for (const po of after) await a.append('INBOX', orderMail(po));
            });
          }
          return result;
        },
        log: recordingLogger(reconnects),
        maxBytes: 200_000,
        pollMs: 60_000,
        backoffMs: 20,
        backoffMaxMs: 200,
        batch: 5,
      });
      c.start();
      try {
        await waitFor('the server stopped', () => down !== null);
        await down;
        // Several connection attempts fail while nothing listens, each after a longer wait.
        await waitFor('five failed reconnects', () => reconnects.length >= 5);
        expect(reconnects.map((r) => r.attempt).slice(0, 5)).toEqual([1, 2, 3, 4, 5]);
        expect(reconnects.slice(1).some((r) => /ECONNREFUSED/.test(r.error))).toBe(true);
        expect(c.stats.imported).toBe(5);

        await imap.start();
        restarted = true;
        await waitFor('INBOX empty', async () => (await count('INBOX')) === 0);
        await waitFor('all imported', () => c.stats.imported === before.length + after.length);
      } finally {
        await c.stop();
      }

      expect(c.stats.connects).toBeGreaterThanOrEqual(2);
      // The five stored but not moved before the cut came again and were recognised, not stored twice.
      expect(c.stats.duplicates).toBe(5);
      expect(await count('INBOX/Processed')).toBe(before.length + after.length);
      const refs = await t.db.query<{ source_ref: string }>(
        `SELECT source_ref FROM documents WHERE channel = 'email' ORDER BY source_ref`,
      );
      expect(refs.map((r) => r.source_ref)).toEqual(
        [...before, ...after].map((po) => `message-id:<${po}@ferreterialopez.es>`).sort(),
      );
    });
  },
);
