import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';
import { silentLogger } from '../src/log.ts';
import { connectorsFor } from './index.ts';

describe('the list of connectors', () => {
  it('gives the connectors the configuration switches on, each with its channel and transport', () => {
    const config = loadConfig(
      { ORDERCAP_IMAP_URLS: 'imap://orders:pw@127.0.0.1:1143/INBOX' },
      { dataDir: '/tmp/oc-connectors', 'smtp.port': 2525, 'mail.enabled': true },
    );
    const list = connectorsFor(config, silentLogger);
    expect(list.map((c) => [c.id, c.channel, c.transport])).toEqual([
      ['edifact-folder', 'edi', 'folder'],
      ['fax-folder', 'fax', 'folder'],
      ['mail-folder', 'email', 'folder'],
      ['smtp', 'email', 'smtp'],
      ['imap:orders@127.0.0.1/INBOX', 'email', 'imap'],
    ]);
    // Nothing runs before start(submit).
    expect(list.map((c) => c.health().state)).toEqual([
      'stopped',
      'stopped',
      'stopped',
      'stopped',
      'stopped',
    ]);
  });

  it('refuses to start two folders on one directory', () => {
    const config = loadConfig(
      {},
      { dataDir: '/tmp/oc-connectors', 'fax.dropDir': '/tmp/oc-same', 'edifact.dropDir': '/tmp/oc-same' },
    );
    expect(() => connectorsFor(config, silentLogger)).toThrow(ConfigError);
    expect(() => connectorsFor(config, silentLogger)).toThrow(
      /fax-folder and edifact-folder both read the folder/,
    );
  });
});
