/**
 * No credential reaches a log line: the service is started with a secret in every setting that
 * can hold one, its outside connections fail (IMAP, ERP, SMTP confirmations, and a database that
 * is not there), and it serves requests carrying a customer token, an operator session and a
 * password. Every line it writes, and what it stored, is searched for each secret.
 */
import { createServer } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';
import { issueToken } from './customers/tokens.ts';
import { HttpErpAdapter } from './erp/http-adapter.ts';
import { seedMasterData } from './http/test-app.ts';
import { createLogger, redactSecrets } from './log.ts';
import { createSession, createUser } from './review/auth.ts';
import { type RunningService, startService } from './service.ts';
import { createTestDatabase, type TestDatabase, testEngine } from './testing/db.ts';

/** A loopback port nobody listens on: connections to it are refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function capture() {
  const lines: string[] = [];
  return { lines, log: createLogger('debug', {}, (line) => lines.push(line)) };
}

async function until(what: string, check: () => boolean, ms = 45_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const SECRETS = {
  db: 'DB-SECRET-pw-4471',
  imap: 'IMAP-SECRET-pw-8812',
  imapOauth: 'IMAP-SECRET-oauth-2290',
  smtp: 'SMTP-SECRET-pw-5530',
  erp: 'ERP-SECRET-token-6604',
  smtpIn: 'SMTPIN-SECRET-1187',
  operatorPassword: 'OPERATOR-SECRET-pw-9931',
};

describe('redactSecrets', () => {
  it('hides URL credentials, Authorization values and customer tokens, and nothing else', () => {
    expect(redactSecrets('connect to imap://orders:p@ss@mail.example:993/INBOX failed')).toBe(
      'connect to imap://***@mail.example:993/INBOX failed',
    );
    expect(redactSecrets('header was Bearer abc.def-123, then Basic dXNlcjpwYXNz')).toBe(
      'header was Bearer ***, then Basic ***',
    );
    expect(redactSecrets('cookie oc_portal=oc_Abcdefghijklmnopqrstuvwxyz0123456789_-ABCDE')).toBe(
      'cookie oc_portal=oc_***',
    );
    // A portal session cookie is a credential too.
    expect(redactSecrets('cookie oc_portal=ocs_Abcdefghijklmnopqrstuvwxyz0123456789_-ABCDE')).toBe(
      'cookie oc_portal=ocs_***',
    );
    const plain = 'PO-2026-0042 from compras@lopez.es via https://erp.local/orders (oc_portal)';
    expect(redactSecrets(plain)).toBe(plain);
  });

  it('writes fields named like credentials as ***, nested ones included', () => {
    const { lines, log } = capture();
    log.child({ component: 'x' }).warn('request', {
      headers: { authorization: 'Token raw-secret-1', Cookie: 'a=raw-secret-2' },
      password: 'raw-secret-3',
      error: 'smtp://u:raw-secret-4@host failed',
      err: new Error('login Bearer raw-secret-5 refused'),
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/raw-secret/);
    expect(JSON.parse(lines[0]!)).toMatchObject({ component: 'x', password: '***', msg: 'request' });
  });
});

describe('secrets never logged by the service', () => {
  let dataDir: string;
  let pg: TestDatabase | null = null;
  let svc: RunningService | null = null;
  const out = capture();
  let customerToken = '';
  let sessionToken = '';

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'oc-secrets-'));
    let databaseUrl: string | null = null;
    if (testEngine === 'postgres') {
      pg = await createTestDatabase();
      const u = new URL(pg.url!);
      u.password = SECRETS.db; // the test server trusts local connections: any password works
      databaseUrl = u.toString();
    }
    const dead = await closedPort();
    const config = loadConfig(
      {},
      {
        dataDir,
        ...(databaseUrl ? { databaseUrl } : {}),
        host: '127.0.0.1',
        port: 0,
        'imap.urls': `imap://orders:${SECRETS.imap}@127.0.0.1:${dead}/INBOX imaps://scan@127.0.0.1:${dead}/INBOX?accessToken=${SECRETS.imapOauth}`,
        'confirm.smtpUrl': `smtp://mailer:${SECRETS.smtp}@127.0.0.1:${dead}`,
        'erp.adapter': 'http',
        'erp.httpUrl': `http://127.0.0.1:${dead}/orders`,
        'erp.httpAuthorization': `Bearer ${SECRETS.erp}`,
        'erp.backoffBaseMs': 50,
        'smtp.port': 0,
        'smtp.users': `gateway:${SECRETS.smtpIn}`,
        'worker.pollMs': 20,
        'ocr.workers': 1,
        'http.syncWaitMs': 0,
      },
    );
    svc = await startService(config, out.log);
    await seedMasterData(svc.db);
    // An address to confirm to: the confirmation goes to the SMTP server that is not there.
    await svc.db.query(`UPDATE customers SET emails = '{compras@lopez.example}' WHERE id = 'C042'`);
    customerToken = await issueToken(svc.db, 'C042');
    const op = await createUser(
      svc.db,
      { login: 'ana', name: 'Ana', role: 'operator', password: SECRETS.operatorPassword },
      'system:test',
    );
    sessionToken = (await createSession(svc.db, op.id)).token;
  });

  afterAll(async () => {
    await svc?.stop();
    await pg?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('logs startup, failing connections and requests without any credential', async () => {
    const url = svc!.url!;
    const bearer = { authorization: `Bearer ${customerToken}` };
    const order = {
      poNumber: 'PO-SECRETS-1',
      deliveryDate: '2026-11-27',
      lines: [{ sku: 'TOR-M8-40', quantity: 200, unitPrice: 0.12 }],
    };
    const posted = await fetch(`${url}/api/orders`, {
      method: 'POST',
      headers: { ...bearer, 'content-type': 'application/json' },
      body: JSON.stringify(order),
    });
    expect(posted.status).toBe(202);
    const requests: Array<[string, RequestInit]> = [
      ['/api/orders/999999', { headers: bearer }],
      ['/api/orders/1', { headers: { authorization: 'Bearer oc_wrongwrongwrongwrongwrongwrong' } }],
      [`/portal?token=${encodeURIComponent(customerToken)}`, {}],
      ['/portal/orders', { headers: { cookie: `oc_portal=${customerToken}` } }],
      ['/review', { headers: { cookie: `oc_operator=${sessionToken}`, accept: 'text/html' } }],
      [
        '/review/login',
        {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: `login=ana&password=${encodeURIComponent(SECRETS.operatorPassword)}`,
          redirect: 'manual',
        },
      ],
      [
        '/review/login',
        {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: `login=ana&password=${encodeURIComponent(`${SECRETS.operatorPassword}x`)}`,
        },
      ],
    ];
    for (const [path, init] of requests) {
      const res = await fetch(`${url}${path}`, init);
      expect(res.status, path).toBeLessThan(500);
      await res.arrayBuffer();
    }

    const text = () => out.lines.join('');
    await until('an IMAP connection failure', () => text().includes('IMAP connection lost'));
    await until('a failed ERP delivery', () => /ERP delivery (will be retried|failed)/.test(text()));
    await until('a failed confirmation', () => text().includes('confirmation not sent'));
    await until('the request log', () => (text().match(/"http request"/g) ?? []).length >= requests.length);
    // What the service stored about these failures (outbox errors, events, heartbeats) may be
    // shown on the dashboard: no secret there either. Documents are the senders' bytes: skipped.
    const tables = await svc!.db.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'blobs'`,
    );
    expect(tables.map((r) => r.name)).toContain('erp_outbox');
    let stored = '';
    for (const { name } of tables) {
      const rows = await svc!.db.query<{ j: string }>(`SELECT row_to_json(t)::text AS j FROM "${name}" t`);
      stored += rows.map((r) => r.j).join('\n');
    }
    expect(stored).toContain('ECONNREFUSED');
    await svc!.stop();
    svc = null;

    const all = text();
    expect(all).toContain('order-capture running');
    expect(all).toContain('"path":"/portal"');
    for (const [name, secret] of Object.entries({
      ...SECRETS,
      customerToken,
      sessionToken,
      tokenBody: customerToken.slice(3),
    })) {
      expect(all.includes(secret), `${name} appears in the log`).toBe(false);
      expect(stored.includes(secret), `${name} is stored in the database`).toBe(false);
    }
  }, 150_000);
});

describe('secrets in failures before the service runs', () => {
  it('does not repeat the database password when the database cannot be reached', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'oc-secrets-'));
    const { lines, log } = capture();
    const config = loadConfig(
      {},
      { dataDir, databaseUrl: `postgres://ordercap:${SECRETS.db}@127.0.0.1:${await closedPort()}/orders` },
    );
    const err = await startService(config, log).then(
      () => null,
      (e: Error) => e,
    );
    await rm(dataDir, { recursive: true, force: true });
    expect(err).toBeInstanceOf(Error);
    expect(`${err!.message}\n${err!.stack}\n${lines.join('')}`).not.toContain(SECRETS.db);
  });

  it('does not repeat a mailbox password in a configuration error', () => {
    // Out of range port: not a URL; the raw "@" in the password must not split the masking.
    const env = { ORDERCAP_IMAP_URLS: `imaps://orders:pw@${SECRETS.imap}@mail.example:99999/INBOX` };
    let err: unknown = null;
    try {
      loadConfig(env, { dataDir: tmpdir() });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain('ORDERCAP_IMAP_URLS');
    expect((err as Error).message).not.toContain(SECRETS.imap);
  });

  it('refuses an ERP URL holding credentials without repeating them', () => {
    for (const url of [
      `http://erp:${SECRETS.erp}@127.0.0.1:8080/orders`,
      `http://erp:${SECRETS.erp}@127.0.0.1:99999/orders`,
    ]) {
      expect(() => new HttpErpAdapter({ url, timeoutMs: 1000 })).toThrow(/ERP adapter/);
      try {
        new HttpErpAdapter({ url, timeoutMs: 1000 });
      } catch (e) {
        expect((e as Error).message).not.toContain(SECRETS.erp);
      }
    }
  });
});
