import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { silentLogger } from '../log.ts';
import { type RunningService, startService } from '../service.ts';
import { createTestDatabase, type TestDatabase, testEngine } from '../testing/db.ts';
import { freePort } from '../testing/dovecot.ts';
import { createSession, createUser } from '../review/auth.ts';
import { startMonitorServer } from './server.ts';
import type { ProcessReport } from './status.ts';

async function waitFor<T>(what: string, check: () => Promise<T | null>, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== null) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Health {
  status: string;
  database: string;
  queue: { pending: number; dead: number; oldestSeconds: number };
  processes: ProcessReport[];
  problems: string[];
}

/**
 * A whole service (API, workers, connectors) whose IMAP mailbox cannot be reached: `/health` says
 * so for that connector, in words, while the drop folders and workers run; the status stays 200
 * since orders still come in through every other channel. Separate processes share one database,
 * so a process that stops beating shows as stale.
 */
describe('GET /health reports every process and connector', () => {
  let dir: string;
  let pg: TestDatabase | null = null;
  let service: RunningService;
  let operatorCookie = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'oc-health-'));
    if (testEngine === 'postgres') pg = await createTestDatabase();
    // Nothing listens on this port: every IMAP connection is refused.
    const closedPort = await freePort();
    const config = loadConfig(
      {
        ORDERCAP_IMAP_URLS: `imap://orders:s3cret-pass@127.0.0.1:${closedPort}/INBOX`,
        ...(pg?.url ? { DATABASE_URL: pg.url } : {}),
      },
      {
        dataDir: dir,
        port: 0,
        'monitor.heartbeatMs': 100,
        'worker.pollMs': 50,
        'ocr.workers': 1,
      },
    );
    service = await startService(config, silentLogger);
    const op = await createUser(
      service.db,
      { login: 'mona', name: 'Mona', role: 'operator', password: 'mona-password-1' },
      'system:test',
    );
    operatorCookie = `oc_operator=${(await createSession(service.db, op.id)).token}`;
  });
  afterAll(async () => {
    await service?.stop();
    await pg?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** The detailed report: for operators (their session cookie) only. */
  const health = async (): Promise<{ code: number; body: Health }> => {
    const res = await fetch(`${service.url}/health`, { headers: { cookie: operatorCookie } });
    return { code: res.status, body: (await res.json()) as Health };
  };

  it('tells anonymous callers the status and counters, no host, pid, path or mailbox', async () => {
    await waitFor('the IMAP connector to report its failure', async () =>
      (await health()).body.problems.length > 0 ? true : null,
    );
    const res = await fetch(`${service.url}/health`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { problemCount: number; queue: unknown };
    expect(body).toMatchObject({ status: 'ok', database: 'ok', processCount: 1 });
    expect(body).toHaveProperty('staleProcesses');
    expect(body.problemCount).toBeGreaterThan(0);
    expect(body.queue).toEqual(expect.objectContaining({ pending: expect.any(Number) }));
    const text = JSON.stringify(body);
    for (const leak of [hostname(), String(process.pid), 'orders@127.0.0.1', dir]) {
      expect(text, `anonymous /health shows ${leak}`).not.toContain(leak);
    }
    expect(body).not.toHaveProperty('processes');
    expect(body).not.toHaveProperty('problems');
    // A signed-in browser reads the details where its cookie goes: under /review.
    const review = await fetch(`${service.url}/review/health`, { headers: { cookie: operatorCookie } });
    expect(((await review.json()) as Health).processes[0]?.pid).toBe(process.pid);
    expect((await fetch(`${service.url}/review/health`)).status).toBe(401);
  });

  it('names the unreachable mailbox, and the parts that run', async () => {
    const { code, body } = await waitFor('the IMAP connector to report its failure', async () => {
      const h = await health();
      const imap = h.body.processes[0]?.parts.find((p) => p.name.startsWith('IMAP'));
      return imap?.state === 'reconnecting' ? h : null;
    });
    expect(code).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.database).toBe('ok');
    expect(body.processes).toHaveLength(1);
    const [me] = body.processes;
    expect(me!.pid).toBe(process.pid);
    expect(me!.roles.sort()).toEqual(['api', 'connectors', 'worker']);
    expect(me!.stale).toBe(false);
    const states = Object.fromEntries(
      me!.parts.map((p) => [p.name.split(' ').slice(0, 2).join(' '), p.state]),
    );
    expect(states).toMatchObject({
      'edi drop': 'running',
      'fax drop': 'running',
      'email drop': 'running',
      'IMAP orders@127.0.0.1/INBOX': 'reconnecting',
      'document worker': 'running',
      'ERP delivery': 'running',
    });
    const imap = me!.parts.find((p) => p.name.startsWith('IMAP'))!;
    expect(imap.detail).toMatch(/ECONNREFUSED|connect/i);
    expect(body.problems).toEqual([
      expect.stringMatching(/^IMAP orders@127\.0\.0\.1\/INBOX is reconnecting: /),
    ]);
    // The password in the mailbox URL appears nowhere in the report.
    expect(JSON.stringify(body)).not.toContain('s3cret-pass');
  });

  it('shows a process that stopped beating as stale', async () => {
    await service.db.query(
      `INSERT INTO process_heartbeats (id, host, pid, roles, started_at, seen_at, interval_ms, parts)
       VALUES ('other:1:abc', 'other', 1, '{worker}', now() - interval '1 hour', now() - interval '5 minutes', 10000, '[]')`,
    );
    const { body } = await health();
    const other = body.processes.find((p) => p.id === 'other:1:abc');
    expect(other?.stale).toBe(true);
    expect(body.problems).toContainEqual(
      expect.stringMatching(/^process other:1:abc \(worker\) has not reported since /),
    );
    await service.db.query(`DELETE FROM process_heartbeats WHERE id = 'other:1:abc'`);
  });
});

/** A worker-only process (no api role) is scraped on its own port: ORDERCAP_METRICS_PORT. */
describe('the monitoring port of a process without the api role', () => {
  it('serves /metrics and /health, and nothing else', async () => {
    const t = await createTestDatabase();
    const config = loadConfig({}, { dataDir: '/nonexistent', roles: 'worker' });
    const monitor = await startMonitorServer({ db: t.db, config, log: silentLogger }, 0);
    try {
      const metrics = await fetch(`${monitor.url}/metrics`);
      expect(metrics.status).toBe(200);
      const text = await metrics.text();
      expect(text).toContain('# TYPE ordercap_stage_duration_seconds histogram');
      expect(text).toMatch(/^ordercap_queue_depth 0$/m);
      expect((await fetch(`${monitor.url}/health`)).status).toBe(200);
      expect((await fetch(`${monitor.url}/api/orders/1`)).status).toBe(404);
    } finally {
      await monitor.close();
      await t.close();
    }
  });
});
