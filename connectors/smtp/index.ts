/**
 * SMTP listener for mail a gateway pushes (Postfix relaying an orders@ address, a fax-to-mail
 * server). The message is stored through `submit` before the server answers 250: until then
 * the sending MTA keeps it queued, so a crash loses nothing. A message re-sent after a lost
 * answer is recognised by its Message-ID (or its content hash when it has none).
 */
import { HealthState, type Monitored, type PartHealth } from '../../src/monitor/status.ts';
import { createHash } from 'node:crypto';
import net from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { InboundDocument } from '../../src/domain/document.ts';
import type { Logger } from '../../src/log.ts';
import type { SubmitResult } from '../../src/pipeline/submit.ts';

export interface SmtpListenerOptions {
  host: string;
  /** 0 picks a free port (tests); `address()` tells which. */
  port: number;
  /** Largest message accepted, in bytes (announced with SIZE, enforced while reading). */
  maxBytes: number;
  /** Client networks allowed to connect: addresses or CIDR blocks (`10.0.0.0/8`, `::1`). */
  allowNetworks: string[];
  /** Envelope senders accepted: addresses or `@domain`; empty: any. */
  allowSenders: string[];
  /** `user:password` pairs; when given, clients must authenticate. */
  users: string[];
  /**
   * A client that sends nothing for this long (one that stalls in the middle of DATA) is
   * disconnected and its half message dropped. Default 60 s.
   */
  socketTimeoutMs?: number;
  submit: (doc: InboundDocument) => Promise<SubmitResult>;
  log: Logger;
}

/** Error with an SMTP reply code, as smtp-server sends it to the client. */
function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

function blockList(networks: string[]): net.BlockList {
  const list = new net.BlockList();
  for (const n of networks) {
    const [addr, bits] = n.split('/');
    const type = net.isIPv6(addr!) ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(addr!, type);
    else list.addSubnet(addr!, Number(bits), type);
  }
  return list;
}

/** The Message-ID header of a raw message, if any. */
export function messageIdOf(raw: Buffer): string | null {
  const head =
    raw
      .subarray(0, 64 * 1024)
      .toString('latin1')
      .split(/\r?\n\r?\n/, 1)[0] ?? '';
  const m = /^message-id:\s*(<[^>\s]+>)/im.exec(head.replace(/\r?\n[ \t]+/g, ' '));
  return m ? m[1]! : null;
}

/**
 * A message's source reference by its Message-ID, the same whichever way it came (SMTP, the mail
 * drop folder, IMAP), so one message is stored once; null when it has none.
 */
export function mailSourceRef(raw: Buffer): string | null {
  const id = messageIdOf(raw);
  return id ? `message-id:${id}` : null;
}

export class SmtpListener implements Monitored {
  readonly kind = 'connector';
  private readonly state = new HealthState();
  private readonly server: SMTPServer;
  private readonly allowed: net.BlockList;
  private listening = false;

  constructor(private readonly opts: SmtpListenerOptions) {
    this.allowed = blockList(opts.allowNetworks);
    const state = this.state;
    const users = new Map(
      opts.users.map((u) => {
        const at = u.indexOf(':');
        return [u.slice(0, at), u.slice(at + 1)] as const;
      }),
    );
    const options: SMTPServerOptions = {
      name: 'order-capture',
      banner: 'order-capture order intake',
      size: opts.maxBytes,
      socketTimeout: opts.socketTimeoutMs ?? 60_000,
      // Connections the listener is closing get this long to finish before they are cut.
      closeTimeout: Math.min(opts.socketTimeoutMs ?? 60_000, 30_000),
      // TLS belongs to the relaying MTA on the same host or network; this listener speaks plain SMTP.
      disabledCommands: users.size > 0 ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
      authOptional: users.size === 0,
      allowInsecureAuth: true,
      logger: false,
      onConnect: (session, callback) => {
        const ip = session.remoteAddress.replace(/^::ffff:/, '');
        const ok = this.allowed.check(ip, net.isIPv6(ip) ? 'ipv6' : 'ipv4');
        if (ok) return callback();
        opts.log.warn('SMTP connection refused', { from: ip });
        callback(smtpError(554, `${ip} may not send orders here`));
      },
      onAuth: (auth, _session, callback) => {
        if (users.get(auth.username ?? '') === auth.password) return callback(null, { user: auth.username });
        callback(smtpError(535, 'Authentication failed'));
      },
      onMailFrom: (address, _session, callback) => {
        const from = address.address.toLowerCase();
        const list = opts.allowSenders.map((s) => s.toLowerCase());
        if (list.length === 0 || list.some((s) => (s.startsWith('@') ? from.endsWith(s) : from === s))) {
          return callback();
        }
        callback(smtpError(550, `Sender ${from} is not accepted here`));
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        // smtp-server reads an oversized message to its end; it is counted, never kept in memory.
        stream.on('data', (c: Buffer) => {
          if (!stream.sizeExceeded) chunks.push(c);
        });
        stream.on('error', (err) => callback(err));
        stream.on('end', () => {
          if (stream.sizeExceeded) {
            opts.log.warn('SMTP message refused: too large', {
              bytes: stream.byteLength,
              limit: opts.maxBytes,
            });
            return callback(
              smtpError(552, `Message larger than the ${opts.maxBytes}-byte limit (ORDERCAP_MAX_UPLOAD_MB)`),
            );
          }
          const bytes = Buffer.concat(chunks);
          const id = messageIdOf(bytes);
          const from = session.envelope.mailFrom ? session.envelope.mailFrom.address.toLowerCase() : null;
          opts
            .submit({
              channel: 'email',
              sourceRef: mailSourceRef(bytes) ?? `sha256:${createHash('sha256').update(bytes).digest('hex')}`,
              sender: from || null,
              receivedAt: new Date(),
              filename: null,
              contentType: 'message/rfc822',
              bytes,
              meta: {
                via: 'smtp',
                client: session.remoteAddress,
                rcptTo: session.envelope.rcptTo.map((r) => r.address),
                messageId: id,
              },
            })
            .then(
              (r) => {
                state.touch();
                callback(null, r.created ? 'Order message stored' : 'Already stored');
              },
              (err: Error) => {
                opts.log.error('SMTP message could not be stored', { error: err.message });
                // 451: temporary; the sending MTA keeps the message and tries again.
                callback(smtpError(451, 'Could not store the message now, try again later'));
              },
            );
        });
      },
    };
    this.server = new SMTPServer(options);
    this.server.on('error', (err) => opts.log.warn('SMTP error', { error: err.message }));
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.server.once('error', reject);
      this.server.listen(this.opts.port, this.opts.host, () => {
        this.server.server.off('error', reject);
        resolve();
      });
    });
    this.listening = true;
    this.state.set('running');
    this.opts.log.info('SMTP listener started', this.address());
  }

  get name(): string {
    return `SMTP listener ${this.opts.host}:${this.opts.port}`;
  }

  health(): PartHealth {
    return this.state.get();
  }

  address(): { host: string; port: number } {
    const a = this.server.server.address() as net.AddressInfo;
    return { host: a.address, port: a.port };
  }

  async stop(): Promise<void> {
    if (!this.listening) return;
    this.listening = false;
    this.state.set('stopped');
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
