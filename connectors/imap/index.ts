/**
 * IMAP intake: watches one mailbox folder (IDLE where the server has it, polling otherwise),
 * stores every message raw through `submit`, and only after that commit flags it \Seen and
 * moves it to the processed folder (too large: to the failed folder, untouched). A crash or a
 * cut connection at any point loses nothing and imports nothing twice: the next pass finds the
 * message still in the folder, `submit` recognises its source reference (the Message-ID, or
 * UIDVALIDITY + UID when it has none) and the move is simply done again.
 */
import { ImapFlow } from 'imapflow';
import type { MailboxConfig } from '../../src/config.ts';
import type { InboundDocument } from '../../src/domain/document.ts';
import { faultPoint } from '../../src/faults.ts';
import type { Logger } from '../../src/log.ts';
import type { SubmitResult } from '../../src/pipeline/submit.ts';
import { HealthState, type Monitored, type PartHealth } from '../../src/monitor/status.ts';

export { type MailboxConfig, parseMailboxUrl } from '../../src/config.ts';

export interface ImapConnectorOptions {
  mailbox: MailboxConfig;
  submit: (doc: InboundDocument) => Promise<SubmitResult>;
  log: Logger;
  /** Messages larger than this are moved to the failed folder, not imported. */
  maxBytes: number;
  /** Fallback poll interval; new mail normally arrives through IDLE. Default 30 s. */
  pollMs?: number;
  /** Reconnect backoff, doubled per failed attempt up to the maximum. Default 1 s .. 60 s. */
  backoffMs?: number;
  backoffMaxMs?: number;
  /** Messages fetched per round trip. Default 20. */
  batch?: number;
}

/** Waits `ms`, or less when `signal` aborts; leaves no listener behind either way. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Counts of what one connector has done, for logs, tests and the status page. */
export interface ImapStats {
  imported: number;
  duplicates: number;
  failed: number;
  connects: number;
}

export class ImapConnector implements Monitored {
  readonly kind = 'connector';
  private readonly state = new HealthState();
  private readonly opts: Required<Omit<ImapConnectorOptions, 'mailbox' | 'submit' | 'log'>> &
    ImapConnectorOptions;
  private readonly stopping = new AbortController();
  private loop: Promise<void> | null = null;
  private client: ImapFlow | null = null;
  private wake: (() => void) | null = null;
  /** Set by the server's EXISTS (new mail), also when it comes in the middle of a drain. */
  private newMail = false;
  readonly stats: ImapStats = { imported: 0, duplicates: 0, failed: 0, connects: 0 };

  constructor(opts: ImapConnectorOptions) {
    this.opts = { pollMs: 30_000, backoffMs: 1000, backoffMaxMs: 60_000, batch: 20, ...opts };
  }

  get name(): string {
    const m = this.opts.mailbox;
    return `IMAP ${m.user}@${m.host}/${m.folder}`;
  }

  health(): PartHealth {
    return this.state.get();
  }

  start(): void {
    this.loop ??= this.run();
  }

  /**
   * Lets the batch in hand finish (stored and moved) and logs out; after `graceMs` the connection
   * is cut instead (a server that does not answer must not hold a shutdown up). Either way
   * nothing is lost: what was stored but not moved is recognised next time.
   */
  async stop(graceMs = 5000): Promise<void> {
    this.stopping.abort();
    this.wake?.();
    if (!this.loop) return;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), graceMs);
    });
    if ((await Promise.race([this.loop, late])) === 'late') this.client?.close();
    clearTimeout(timer);
    await this.loop;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopping.signal.aborted) {
      try {
        await this.session();
        failures = 0;
      } catch (err) {
        failures++;
        this.state.set('reconnecting', `attempt ${failures}: ${(err as Error).message}`);
        this.opts.log.warn('IMAP connection lost; reconnecting', {
          mailbox: this.name,
          attempt: failures,
          error: (err as Error).message,
        });
      } finally {
        this.client?.close();
        this.client = null;
      }
      if (this.stopping.signal.aborted) break;
      const backoff = Math.min(this.opts.backoffMaxMs, this.opts.backoffMs * 2 ** Math.max(0, failures - 1));
      await sleep(backoff, this.stopping.signal);
    }
    this.state.set('stopped');
  }

  /** One connection: drain the folder, then wait for new mail (IDLE) or the poll interval. */
  private async session(): Promise<void> {
    const m = this.opts.mailbox;
    const client = new ImapFlow({
      host: m.host,
      port: m.port,
      secure: m.secure,
      auth: m.accessToken
        ? { user: m.user, accessToken: m.accessToken }
        : { user: m.user, pass: m.password ?? '' },
      logger: false,
      disableAutoIdle: true,
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
    });
    this.client = client;
    let closed = false;
    const closedNow = new Promise<void>((resolve) =>
      client.on('close', () => {
        closed = true;
        resolve();
      }),
    );
    client.on('error', (err: Error) =>
      this.opts.log.warn('IMAP error', { mailbox: this.name, error: err.message }),
    );
    client.on('exists', (e) => {
      if (e.count <= e.prevCount) return;
      this.newMail = true;
      this.wake?.();
    });
    await client.connect();
    this.stats.connects++;
    await this.ensureFolder(client, m.processedFolder);
    await this.ensureFolder(client, m.failedFolder);
    this.state.set('running');
    this.opts.log.info('IMAP mailbox watched', { mailbox: this.name });
    while (!this.stopping.signal.aborted && !closed) {
      this.newMail = false;
      await this.drain(client);
      // Mail that came during the drain was announced then, and will not be again: drain again.
      if (this.newMail) continue;
      const woken = new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      // The next command (the drain) ends IDLE by itself.
      client.idle({ whenFree: true }).catch(() => {});
      await Promise.race([woken, closedNow, sleep(this.opts.pollMs, this.stopping.signal)]);
      this.wake = null;
    }
    if (closed && !this.stopping.signal.aborted) throw new Error('the server closed the connection');
    await client.logout().catch(() => {});
  }

  private async ensureFolder(client: ImapFlow, path: string): Promise<void> {
    const list = await client.list();
    if (!list.some((b) => b.path === path)) await client.mailboxCreate(path);
  }

  /** Imports everything in the folder, a batch at a time: store, then flag and move. */
  private async drain(client: ImapFlow): Promise<void> {
    const m = this.opts.mailbox;
    const lock = await client.getMailboxLock(m.folder);
    try {
      const box = client.mailbox;
      const uidValidity = box ? String(box.uidValidity) : '0';
      const uids = ((await client.search({ all: true }, { uid: true })) || []) as number[];
      if (uids.length > 0)
        this.opts.log.info('IMAP messages to import', { mailbox: this.name, count: uids.length });
      for (let i = 0; i < uids.length && !this.stopping.signal.aborted; i += this.opts.batch) {
        const chunk = uids.slice(i, i + this.opts.batch);
        // Sizes first: a message over the limit is never downloaded, so it cannot fill the memory.
        const sizes = await client.fetchAll(chunk.join(','), { uid: true, size: true }, { uid: true });
        const tooLarge = sizes.filter((s) => (s.size ?? 0) > this.opts.maxBytes);
        for (const s of tooLarge) {
          this.opts.log.warn('IMAP message too large; moved to the failed folder', {
            mailbox: this.name,
            uid: s.uid,
            size: s.size,
            limit: this.opts.maxBytes,
          });
        }
        const wanted = chunk.filter((uid) => !tooLarge.some((s) => s.uid === uid));
        // Collect first, act after: no other command may run inside a FETCH.
        const messages =
          wanted.length === 0
            ? []
            : await client.fetchAll(
                wanted.join(','),
                { uid: true, size: true, envelope: true, source: true, internalDate: true },
                { uid: true },
              );
        const done: number[] = [];
        const failed: number[] = tooLarge.map((s) => s.uid);
        for (const msg of messages) {
          if (!msg.source || (msg.size ?? msg.source.length) > this.opts.maxBytes) {
            this.opts.log.warn('IMAP message too large; moved to the failed folder', {
              mailbox: this.name,
              uid: msg.uid,
              size: msg.size,
            });
            failed.push(msg.uid);
            continue;
          }
          const messageId = msg.envelope?.messageId ?? null;
          const from = msg.envelope?.from?.[0]?.address?.toLowerCase() ?? null;
          const result = await this.opts.submit({
            channel: 'email',
            sourceRef: messageId
              ? `message-id:${messageId}`
              : `imap:${m.host}/${m.user}/${m.folder}/${uidValidity}/${msg.uid}`,
            sender: from,
            receivedAt: msg.internalDate instanceof Date ? msg.internalDate : new Date(),
            filename: `${msg.uid}.eml`,
            contentType: 'message/rfc822',
            bytes: msg.source,
            meta: {
              mailbox: this.name,
              // The account's own address: its domain is the supplier's (fax-to-mail gateways).
              mailboxUser: m.user,
              uidValidity,
              uid: msg.uid,
              messageId,
              subject: msg.envelope?.subject ?? null,
            },
          });
          this.state.touch();
          if (result.created) this.stats.imported++;
          else this.stats.duplicates++;
          done.push(msg.uid);
          // Stored, not yet flagged or moved: the next pass must find it and not store it twice.
          faultPoint('imap.after-store');
        }
        if (done.length > 0) {
          await client.messageFlagsAdd(done.join(','), ['\\Seen'], { uid: true });
          await client.messageMove(done.join(','), m.processedFolder, { uid: true });
          faultPoint('imap.after-move');
        }
        if (failed.length > 0) {
          this.stats.failed += failed.length;
          await client.messageMove(failed.join(','), m.failedFolder, { uid: true });
        }
        if (uids.length > this.opts.batch) {
          this.opts.log.info('IMAP import progress', {
            mailbox: this.name,
            done: Math.min(i + this.opts.batch, uids.length),
            of: uids.length,
          });
        }
      }
    } finally {
      lock.release();
    }
  }
}
