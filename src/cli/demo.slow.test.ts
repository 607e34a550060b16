/**
 * `npm start` on a bare data folder: besides the EDIFACT, the demo brings paper (a fax, a scanned
 * PDF, an e-mail with a PDF order), read by OCR, some in review with their page images.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/open.ts';
import { waitFor } from '../testing/wait.ts';
import { demoPassword } from './demo.ts';

const BIN = fileURLToPath(new URL('../../bin/order-capture.js', import.meta.url));

describe('npm start (order-capture demo)', () => {
  let dir: string;

  it('prints the same demo password at every start', async () => {
    const data = await mkdtemp(join(tmpdir(), 'oc-demo-pw-'));
    try {
      const first = await demoPassword(data);
      expect(first.length).toBeGreaterThanOrEqual(12);
      expect(await demoPassword(data)).toBe(first);
    } finally {
      await rm(data, { recursive: true, force: true });
    }
  });

  afterAll(() => (dir ? rm(dir, { recursive: true, force: true }) : undefined));

  it('seeds a fax, a scanned PDF and an e-mail with a PDF order, read into orders', async () => {
    dir = await mkdtemp(join(tmpdir(), 'oc-demo-'));
    const demo = spawn(process.execPath, [BIN, 'demo'], {
      env: {
        PATH: process.env.PATH,
        ORDERCAP_DATA_DIR: dir,
        PORT: '0',
        ORDERCAP_LOG_LEVEL: 'error',
        ORDERCAP_DROP_POLL_MS: '100',
        ORDERCAP_DROP_STABLE_MS: '100',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    demo.stdout!.on('data', (b) => {
      out += String(b);
    });
    demo.stderr!.on('data', (b) => {
      out += String(b);
    });
    try {
      await waitFor('the demo to start', () => /running at http/.test(out), 120_000, 200);
      const url = /running at (http:\/\/\S+)/.exec(out)![1]!;
      const password = /login demo, password (\S+)\)/.exec(out)![1]!;
      const login = await fetch(`${url}/review/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ login: 'demo', password, next: '/review' }).toString(),
      });
      const cookie = String(login.headers.get('set-cookie')).split(';')[0]!;
      // Read (OCR included) when each channel's documents have their orders.
      const ordersOf = async (channel: string) =>
        (
          await (await fetch(`${url}/review/search?channel=${channel}`, { headers: { cookie } })).text()
        ).match(/href="\/review\/orders\/\d+"/g)?.length ?? 0;
      await waitFor(
        'the demo paper to be read',
        async () => (await ordersOf('fax')) >= 2 && (await ordersOf('email')) >= 1,
        300_000,
        1000,
      );
    } finally {
      const exited = new Promise((r) => demo.once('exit', r));
      demo.kill('SIGTERM');
      await exited;
    }
    const db = await openDatabase({ databaseUrl: null, dataDir: dir });
    try {
      const docs = await db.query<{ channel: string; filename: string; statuses: string[]; images: number }>(
        `SELECT d.channel, d.filename, array_agg(o.status ORDER BY o.id) AS statuses,
                (SELECT count(*)::int FROM document_pages p WHERE p.document_id = d.id AND p.image_sha256 IS NOT NULL) AS images
           FROM documents d JOIN orders o ON o.document_id = d.id
          WHERE d.channel IN ('fax', 'email') GROUP BY d.id ORDER BY d.id`,
      );
      const names = docs.map((d) => d.filename).sort();
      expect(names).toEqual(['demo-0003.eml', 'fax-+34912345678-demo-0001.tif', 'scan-demo-0002.pdf']);
      // Every paper document has its page images for the review screen.
      for (const d of docs) expect(d.images, d.filename).toBeGreaterThan(0);
      const statuses = docs.flatMap((d) => d.statuses);
      expect(statuses).toContain('review');
      expect(statuses.every((s) => ['review', 'accepted', 'delivered'].includes(s))).toBe(true);
    } finally {
      await db.close();
    }
  }, 480_000);
});
