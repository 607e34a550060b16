/**
 * The connectors of this build: transports that take documents in. A new transport (SFTP, AS2
 * over HTTP...) is a folder under connectors/ with a ConnectorKind, listed here; src/service.ts
 * starts what the configuration switches on and knows no transport by name.
 */
import { ConfigError, type Config } from '../src/config.ts';
import type { Channel } from '../src/domain/document.ts';
import type { Logger } from '../src/log.ts';
import { type Connector, type ConnectorKind, connector } from './connector.ts';
import { DropFolder, type DropFolderOptions } from './drop-folder/index.ts';
import { createFaxFolder } from './fax-folder/index.ts';
import { ImapConnector } from './imap/index.ts';
import { mailSourceRef, SmtpListener } from './smtp/index.ts';

export type { Connector, ConnectorKind, Submit, Transport } from './connector.ts';

type FolderSettings = Config['edifact'];

/** The drop folders: EDIFACT (and any file), a fax gateway's spool, raw e-mail messages. */
const folders: ConnectorKind = {
  transport: 'folder',
  fromConfig(config, log, problems) {
    const maxBytes = config.http.bodyLimitBytes;
    const folder = (
      id: string,
      channel: Channel,
      { dropDir: dir, stableMs, pollMs }: FolderSettings,
      build: (opts: DropFolderOptions) => DropFolder,
    ) =>
      connector({ id, channel, transport: 'folder', name: `${channel} drop folder ${dir}` }, (submit) =>
        build({ dir, stableMs, pollMs, maxBytes, submit, channel, log: log.child({ connector: id }) }),
      );
    const wanted: [string, Channel, FolderSettings, (opts: DropFolderOptions) => DropFolder][] = [
      ['edifact-folder', 'edi', config.edifact, (opts) => new DropFolder(opts)],
      ['fax-folder', 'fax', config.fax, (opts) => createFaxFolder({ ...opts, trusted: config.fax.trusted })],
      [
        'mail-folder',
        'email',
        config.mail,
        (opts) => new DropFolder({ ...opts, sourceRefOf: mailSourceRef }),
      ],
    ];
    const list: Connector[] = [];
    // Two folders on one directory would take each other's files.
    const dirs = new Map<string, string>();
    for (const [id, channel, settings, build] of wanted) {
      if (!settings.enabled) continue;
      const other = dirs.get(settings.dropDir);
      if (other)
        problems.push(`${id} and ${other} both read the folder ${settings.dropDir}: give each its own`);
      dirs.set(settings.dropDir, id);
      list.push(folder(id, channel, settings, build));
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
