import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.ts';
import { ERP_ADAPTERS } from '../erp/adapters.ts';
import { confirmationChannels, REPLY_SENDERS } from './senders.ts';

describe('providers own their options', () => {
  it('each reply sender says from its own settings whether this installation sends its kind', () => {
    expect(REPLY_SENDERS.map((s) => s.kind)).toEqual(['email', 'ordrsp']);
    expect(confirmationChannels(loadConfig({}).confirm)).toEqual({ email: false, ordrsp: true });
    const c = loadConfig({ ORDERCAP_CONFIRM_SMTP_URL: 'smtp://127.0.0.1:2525', ORDERCAP_CONFIRM_EDI: 'no' });
    expect(c.confirm).toMatchObject({ smtpUrl: 'smtp://127.0.0.1:2525', ediEnabled: false });
    expect(confirmationChannels(c.confirm)).toEqual({ email: true, ordrsp: false });
  });

  it('the ERP adapter list names the allowed adapters, and an adapter checks its own settings', () => {
    expect(ERP_ADAPTERS.map((a) => a.identifier)).toEqual(['file', 'http']);
    let err: unknown = null;
    try {
      loadConfig({
        ORDERCAP_ERP_ADAPTER: 'http',
        ORDERCAP_ERP_URL: 'https://erp.example/orders',
        ORDERCAP_ERP_AUTHORIZATION: 'Bearer x',
        ORDERCAP_ERP_OAUTH_TOKEN_URL: 'https://login.example/token',
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual([
      'ERP OAuth2 needs all of ORDERCAP_ERP_OAUTH_TOKEN_URL, ORDERCAP_ERP_OAUTH_CLIENT_ID and ORDERCAP_ERP_OAUTH_CLIENT_SECRET',
    ]);
  });
});
