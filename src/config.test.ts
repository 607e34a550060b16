import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('configuration', () => {
  it('runs on a bare machine with defaults: PGlite under ./data, 127.0.0.1:3000, file ERP', () => {
    const c = loadConfig({});
    expect(c.databaseUrl).toBeNull();
    expect(c.dataDir).toBe(resolve('data'));
    expect([c.host, c.port]).toEqual(['127.0.0.1', 3000]);
    expect(c.erp).toMatchObject({ adapter: 'file', fileDir: resolve('data/erp-out') });
    expect([...c.roles]).toEqual(['api', 'worker', 'connectors']);
    expect(c.validation.priceTolerance).toBe(0.02);
    // Off unless asked for: no retention (keep everything), no separate metrics port.
    expect(c.retention.days).toBeNull();
    expect(c.monitor).toEqual({ metricsPort: null, heartbeatMs: 10_000 });
    expect(c.erp.concurrency).toBe(4);
  });

  it('reads the retention period, the metrics port and the ERP concurrency', () => {
    const c = loadConfig({
      ORDERCAP_RETENTION_DAYS: '3650',
      ORDERCAP_METRICS_PORT: '9464',
      ORDERCAP_ERP_CONCURRENCY: '1',
    });
    expect(c.retention).toMatchObject({ days: 3650, sweepMs: 3_600_000 });
    expect(c.monitor.metricsPort).toBe(9464);
    expect(c.erp.concurrency).toBe(1);
    expect(() => loadConfig({ ORDERCAP_RETENTION_DAYS: '0' })).toThrow(/ORDERCAP_RETENTION_DAYS/);
  });

  it('reads who is believed about a sender: fax-to-mail gateways, mail gateways, required authentication', () => {
    expect(loadConfig({}).identity).toEqual({
      faxGateways: [],
      authServIds: [],
      requireAuthenticatedMail: false,
    });
    expect(loadConfig({}).fax.trusted).toBe(false);
    const c = loadConfig({
      ORDERCAP_FAX_GATEWAYS: 'FaxServer@Atlanfont.es, @fax.atlanfont.es',
      ORDERCAP_TRUSTED_AUTHSERV_IDS: 'MX.atlanfont.es',
      ORDERCAP_REQUIRE_AUTHENTICATED_MAIL: 'true',
      ORDERCAP_FAX_TRUSTED: 'true',
    });
    expect(c.identity).toEqual({
      faxGateways: ['faxserver@atlanfont.es', '@fax.atlanfont.es'],
      authServIds: ['mx.atlanfont.es'],
      requireAuthenticatedMail: true,
    });
    expect(c.fax.trusted).toBe(true);
    expect(() => loadConfig({ ORDERCAP_REQUIRE_AUTHENTICATED_MAIL: 'maybe' })).toThrow(
      /ORDERCAP_REQUIRE_AUTHENTICATED_MAIL/,
    );
  });

  it('reads a YAML file named by ORDERCAP_CONFIG, with the environment taking precedence', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'oc-config-'));
    const file = join(dir, 'order-capture.yaml');
    await writeFile(
      file,
      'port: 4000\nerp:\n  adapter: http\n  httpUrl: http://127.0.0.1:9/orders\nroles: [worker]\n',
    );
    const c = loadConfig({ ORDERCAP_CONFIG: file, PORT: '5000' });
    expect(c.port).toBe(5000);
    expect(c.erp).toMatchObject({ adapter: 'http', httpUrl: 'http://127.0.0.1:9/orders' });
    expect([...c.roles]).toEqual(['worker']);
  });

  it('lists every problem at once', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        ORDERCAP_ERP_ADAPTER: 'sap',
        ORDERCAP_ACCEPT_THRESHOLD: '1.5',
        ORDERCAP_ROLES: 'api,cron',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/PORT: expected a number/);
    expect(problems).toMatch(/ORDERCAP_ERP_ADAPTER: expected one of file, http, got "sap"/);
    expect(problems).toMatch(/ORDERCAP_ACCEPT_THRESHOLD/);
    expect(problems).toMatch(/ORDERCAP_ROLES/);
  });

  it('refuses an http ERP without a URL, and a lease shorter than the request timeout', () => {
    expect(() => loadConfig({ ORDERCAP_ERP_ADAPTER: 'http' })).toThrow(/no ERP URL/);
    expect(() => loadConfig({ ORDERCAP_ERP_TIMEOUT_MS: '5000', ORDERCAP_ERP_LEASE_MS: '1000' })).toThrow(
      /leaseMs/,
    );
  });

  it('names an unreadable config file', () => {
    expect(() => loadConfig({ ORDERCAP_CONFIG: '/nonexistent/oc.yaml' })).toThrow(
      /cannot read the config file/,
    );
  });
});

describe('configuration names', () => {
  it('refuses an unknown ORDERCAP_ variable and config-file key, naming the nearest one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'oc-config-'));
    const file = join(dir, 'c.yaml');
    await writeFile(file, 'erp:\n  adapter: file\n  timeoutMS: 5000\nworkr:\n  concurrency: 2\n');
    let err: unknown = null;
    try {
      loadConfig({ ORDERCAP_CONFIG: file, ORDERCAP_ERP_TIMEOUT: '5000', ORDERCAP_TEST_DB: 'postgres' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual([
      'ORDERCAP_ERP_TIMEOUT: no such setting; did you mean ORDERCAP_ERP_TIMEOUT_MS?',
      'config file key erp.timeoutMS: no such setting; did you mean erp.timeoutMs?',
      'config file key workr.concurrency: no such setting; did you mean worker.concurrency?',
    ]);
  });

  it('reads NAME_FILE for any setting (secrets), the variable itself winning', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'oc-config-'));
    const secret = join(dir, 'secret');
    await writeFile(secret, 'cl1ent-s3cret\n');
    const c = loadConfig({
      ORDERCAP_ERP_ADAPTER: 'http',
      ORDERCAP_ERP_URL: 'https://erp.example/orders',
      ORDERCAP_ERP_OAUTH_TOKEN_URL: 'https://login.example/token',
      ORDERCAP_ERP_OAUTH_CLIENT_ID: 'oc',
      ORDERCAP_ERP_OAUTH_CLIENT_SECRET_FILE: secret,
      PORT_FILE: secret,
      PORT: '8080',
    });
    expect(c.erp.oauth).toEqual({
      tokenUrl: 'https://login.example/token',
      clientId: 'oc',
      clientSecret: 'cl1ent-s3cret',
      scope: null,
    });
    expect(c.port).toBe(8080);
    expect(() => loadConfig({ DATABASE_URL_FILE: join(dir, 'missing') })).toThrow(
      /DATABASE_URL_FILE: cannot read .*missing: ENOENT/,
    );
  });

  it('refuses an unknown log level at start-up', () => {
    expect(loadConfig({ ORDERCAP_LOG_LEVEL: 'warn' }).logLevel).toBe('warn');
    expect(() => loadConfig({ ORDERCAP_LOG_LEVEL: 'verbose' })).toThrow(
      /ORDERCAP_LOG_LEVEL: expected one of debug, info, warn, error, silent, got "verbose"/,
    );
  });

  it('documents every setting it reads in docs/configuration.md', async () => {
    const doc = await readFile(new URL('../docs/configuration.md', import.meta.url), 'utf8');
    let names: Array<{ key: string; env: string }> = [];
    loadConfig({}, {}, (n) => {
      names = n;
    });
    expect(names.length).toBeGreaterThan(70);
    const missing = names.filter(
      ({ key, env }) => !doc.includes(`\`${env}\``) || !doc.includes(`\`${key}\``),
    );
    expect(missing).toEqual([]);
  });
});
