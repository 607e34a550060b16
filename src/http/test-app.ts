import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../config.ts';
import type { AppContext } from '../context.ts';
import type { Db } from '../db/db.ts';
import { silentLogger } from '../log.ts';
import { createTestDatabase } from '../testing/db.ts';
import { buildServer, type ServerOptions } from '../app.ts';

/** A server on a fresh test database, for `app.inject()` tests. No worker runs. */
export interface TestApp {
  app: FastifyInstance;
  db: Db;
  ctx: AppContext;
  close(): Promise<void>;
}

/** Settings by dotted key (`'http.syncWaitMs'`); the pipeline wait defaults to 0 (no worker here). */
export async function createTestApp(
  overrides: Record<string, unknown> = {},
  serverOptions: ServerOptions = {},
): Promise<TestApp> {
  const t = await createTestDatabase();
  const dataDir = await mkdtemp(join(tmpdir(), 'oc-http-'));
  const config = loadConfig({}, { dataDir, 'http.syncWaitMs': 0, ...overrides });
  const ctx: AppContext = { db: t.db, config, log: silentLogger };
  const app = await buildServer(ctx, serverOptions);
  return {
    app,
    db: t.db,
    ctx,
    close: async () => {
      await app.close();
      await t.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Two customers (one with a hostile name), a small catalog and one customer price. */
export async function seedMasterData(db: Db): Promise<void> {
  await db.query(
    `INSERT INTO customers (id, name, tax_id, currency) VALUES
       ('C042', 'Ferreteria Lopez SL', 'B12345678', 'EUR'),
       ('C099', '<script>alert("x")</script> & Co', 'B99999999', 'EUR')`,
  );
  await db.query(
    `INSERT INTO products (sku, description, unit, unit_price, currency) VALUES
       ('TOR-M8-40', 'Tornillo M8x40 zincado', 'EA', 0.15, 'EUR'),
       ('TOR-M6-20', 'Tornillo M6x20 inox', 'EA', 0.09, 'EUR'),
       ('TUE-M8', 'Tuerca M8 zincada', 'EA', 0.05, 'EUR'),
       ('100%_OFF', 'Oferta especial', 'EA', 1, 'EUR')`,
  );
  await db.query(`INSERT INTO prices (customer_id, sku, unit_price) VALUES ('C042', 'TOR-M8-40', 0.12)`);
}

/** The `Cookie` header of a portal session opened, as a browser would, by following the token's link. */
export async function portalCookie(app: FastifyInstance, token: string): Promise<string> {
  const res = await app.inject({ method: 'GET', url: `/portal?token=${encodeURIComponent(token)}` });
  const session = /oc_portal=([^;]+)/.exec(String(res.headers['set-cookie']))?.[1];
  if (!session) throw new Error(`no portal session for that token (HTTP ${res.statusCode})`);
  return `oc_portal=${session}`;
}
