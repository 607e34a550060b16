/**
 * The connectors of this build: transports that take documents in. A new transport (SFTP, AS2
 * over HTTP...) is a folder under connectors/ with a ConnectorKind, listed here; src/service.ts
 * starts what the configuration switches on and knows no transport by name.
 */
import { ConfigError, type Config } from '../src/config.ts';
import type { Logger } from '../src/log.ts';
import { type Connector, type ConnectorKind, connector } from './connector.ts';
import { DropFolder } from './drop-folder/index.ts';
import { createFaxFolder } from './fax-folder/index.ts';
import { ImapConnector } from './imap/index.ts';
import { mailSourceRef, SmtpListener } from './smtp/index.ts';

export type { Connector, ConnectorKind, Submit, Transport } from './connector.ts';

/** The drop folders: EDIFACT (and any file), a fax gateway's spool, raw e-mail messages. */
const folders: ConnectorKind = {
  transport: 'folder',
  fromConfig(config, log, problems) {
    const maxBytes = config.http.bodyLimitBytes;
    // Two folders on one directory would take each other's files.
    const dirs = new Map<string, string>();
    for (const [id, { enabled, dropDir }] of Object.entries({
      'edifact-folder': config.edifact,
      'fax-folder': config.fax,
      'mail-folder': config.mail,
    })) {
      const other = dirs.get(dropDir);
      if (enabled && other)
        problems.push(`${id} and ${other} both read the folder ${dropDir}: give each its own`);
      if (enabled) dirs.set(dropDir, id);
    }
    const list: Connector[] = [];
    if (config.edifact.enabled) {
      const { dropDir: dir, stableMs, pollMs } = config.edifact;
      const spec = {
        id: 'edifact-folder',
        channel: 'edi',
        transport: 'folder',
        name: `edi drop folder ${dir}`,
      } as const;
      const folderLog = log.child({ connector: 'edifact-folder' });
      list.push(
        connector(
          spec,
          (submit) =>
            new DropFolder({ dir, stableMs, pollMs, maxBytes, submit, channel: 'edi', log: folderLog }),
        ),
      );
    }
    if (config.fax.enabled) {
      const { dropDir: dir, stableMs, pollMs, trusted } = config.fax;
      const spec = {
        id: 'fax-folder',
        channel: 'fax',
        transport: 'folder',
        name: `fax drop folder ${dir}`,
      } as const;
      const folderLog = log.child({ connector: 'fax-folder' });
      list.push(
        connector(spec, (submit) =>
          createFaxFolder({ dir, stableMs, pollMs, maxBytes, submit, trusted, log: folderLog }),
        ),
      );
    }
    if (config.mail.enabled) {
      const { dropDir: dir, stableMs, pollMs } = config.mail;
      const spec = {
        id: 'mail-folder',
        channel: 'email',
        transport: 'folder',
        name: `email drop folder ${dir}`,
      } as const;
      const folderLog = log.child({ connector: 'mail-folder' });
      const opts = {
        dir,
        stableMs,
        pollMs,
        maxBytes,
        channel: 'email',
        log: folderLog,
        sourceRefOf: mailSourceRef,
      } as const;
      list.push(connector(spec, (submit) => new DropFolder({ ...opts, submit })));
    }
    return list;
  },
};

/** The SMTP listener: a mail server or gateway delivers order mail straight to it. */
const smtp: ConnectorKind = {
  transport: 'smtp',
  fromConfig(config, log) {
    const { port } = config.smtp;
    if (port === null) return [];
    const spec = {
      id: 'smtp',
      channel: 'email',
      transport: 'smtp',
      name: `SMTP listener ${config.smtp.host}:${port}`,
    } as const;
    const opts = {
      ...config.smtp,
      port,
      maxBytes: config.http.bodyLimitBytes,
      log: log.child({ connector: 'smtp' }),
    };
    return [connector(spec, (submit) => new SmtpListener({ ...opts, submit }))];
  },
};

/** IMAP mailboxes, polled: each message moved to its processed folder once stored. */
const imap: ConnectorKind = {
  transport: 'imap',
  fromConfig(config, log) {
    return config.imap.mailboxes.map((mailbox) => {
      const where = `${mailbox.user}@${mailbox.host}/${mailbox.folder}`;
      const spec = {
        id: `imap:${where}`,
        channel: 'email',
        transport: 'imap',
        name: `IMAP ${where}`,
      } as const;
      const opts = {
        mailbox,
        log: log.child({ connector: 'imap' }),
        maxBytes: config.http.bodyLimitBytes,
        pollMs: config.imap.pollMs,
      };
      return connector(spec, (submit) => new ImapConnector({ ...opts, submit }));
    });
  },
};

/** Every kind of connector this build has. (HTTP intake is an HTTP plugin: src/app.ts.) */
export const CONNECTOR_KINDS: readonly ConnectorKind[] = [folders, smtp, imap];

/** The connectors the configuration switches on, all checked before any starts; ids are unique. */
export function connectorsFor(config: Config, log: Logger, kinds = CONNECTOR_KINDS): Connector[] {
  const problems: string[] = [];
  const list = kinds.flatMap((k) => k.fromConfig(config, log, problems));
  const seen = new Set<string>();
  for (const c of list) {
    if (seen.has(c.id)) problems.push(`two connectors are both ${c.id}`);
    seen.add(c.id);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return list;
}
