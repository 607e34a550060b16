import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from './config.ts';

/**
 * The container files, checked where Docker cannot run them (no daemon on the development and CI
 * machines): the Dockerfile copies what exists and runs unprivileged; compose.yaml runs the roles
 * of docs/scale-out.md as services on PostgreSQL, with settings the program accepts.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const dockerignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));
/** Instructions with their continuation lines joined. */
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'))
  .map((l) => {
    const [op, ...rest] = l.split(/\s+/);
    return { op: op!.toUpperCase(), args: rest.join(' ') };
  });

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}
const compose = parse(readFileSync(join(ROOT, 'compose.yaml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};

describe('Dockerfile', () => {
  it('copies only paths that exist and that .dockerignore lets through', () => {
    const copies = instructions.filter((i) => i.op === 'COPY' && !i.args.startsWith('--from'));
    expect(copies.length).toBeGreaterThan(5);
    for (const { args } of copies) {
      const sources = args.split(/\s+/).slice(0, -1);
      for (const src of sources) {
        expect(existsSync(join(ROOT, src)), src).toBe(true);
        expect(dockerignore, src).not.toContain(src.replace(/\/$/, ''));
      }
    }
    expect(dockerignore).toContain('node_modules');
  });

  it('builds from the lock file, runs as a non-root user, with a health check and no download at start', () => {
    const from = instructions.filter((i) => i.op === 'FROM').map((i) => i.args.split(/\s+/)[0]!);
    for (const image of from) expect(image).toMatch(/^node:\d+-[a-z]+-slim$/);
    expect(instructions.some((i) => i.op === 'RUN' && /npm ci --omit=dev/.test(i.args))).toBe(true);
    const users = instructions.filter((i) => i.op === 'USER').map((i) => i.args);
    expect(users.at(-1)).toBe('node');
    // Everything after USER runs as that user: nothing may install or fetch any more.
    const afterUser = instructions.slice(instructions.findIndex((i) => i.op === 'USER'));
    expect(afterUser.filter((i) => i.op === 'RUN')).toEqual([]);
    expect(instructions.some((i) => i.op === 'HEALTHCHECK' && i.args.includes('/livez'))).toBe(true);
    // The OCR language data ship as npm packages (production dependencies), so they are inside.
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(Object.keys(pkg.dependencies)).toEqual(
      expect.arrayContaining(['@tesseract.js-data/eng', '@tesseract.js-data/spa', 'tsx']),
    );
    expect(instructions.at(-2)).toMatchObject({ op: 'ENTRYPOINT' });
    expect(instructions.at(-2)!.args).toContain('bin/order-capture.js');
  });
});

describe('compose.yaml', () => {
  const app = ['api', 'connectors', 'worker'] as const;

  it('runs PostgreSQL and the three roles as separate services of one image', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['api', 'connectors', 'db', 'worker']);
    expect(compose.services.db!.image).toMatch(/^postgres:\d+/);
    expect(compose.services.db!.volumes).toContain('pgdata:/var/lib/postgresql/data');
    for (const name of app) {
      const s = compose.services[name]!;
      expect(s).toMatchObject({ build: '.', image: 'order-capture:local' });
      expect(s.depends_on).toEqual({ db: { condition: 'service_healthy' } });
      expect(s.environment!.DATABASE_URL).toMatch(/^postgres:\/\/ordercap:.*@db:5432\/ordercap$/);
      expect(s.healthcheck!.test.join(' ')).toMatch(/\/(readyz|livez)/);
    }
    expect(compose.services.api!.environment!.ORDERCAP_ROLES).toBe('api');
    expect(compose.services.api!.ports).toEqual(['3000:3000']);
    expect(compose.services.connectors!.environment!.ORDERCAP_ROLES).toBe('connectors');
    expect(compose.services.worker!.command).toEqual(['worker']);
    // Processes without the api role are scraped on their metrics port, which their probe uses.
    for (const name of ['connectors', 'worker'] as const) {
      expect(compose.services[name]!.environment!.ORDERCAP_METRICS_PORT).toBe('9464');
      expect(compose.services[name]!.healthcheck!.test.join(' ')).toContain(':9464/');
    }
  });

  it('keeps data, drop folders and ERP output in declared volumes at the configured paths', () => {
    const used = Object.values(compose.services).flatMap((s) =>
      (s.volumes ?? []).map((v) => v.split(':')[0]!),
    );
    expect(new Set(used)).toEqual(new Set(Object.keys(compose.volumes)));
    const env = compose.services.connectors!.environment!;
    expect(compose.services.connectors!.volumes).toContain('inbox:/data/inbox');
    for (const dir of ['ORDERCAP_EDI_DROP_DIR', 'ORDERCAP_FAX_DROP_DIR', 'ORDERCAP_MAIL_DROP_DIR'])
      expect(env[dir]).toMatch(/^\/data\/inbox\//);
    expect(compose.services.worker!.volumes).toContain('erp-out:/data/erp-out');
    expect(compose.services.worker!.environment!.ORDERCAP_ERP_DIR).toBe('/data/erp-out');
    // The image prepares these folders for its unprivileged user, so new volumes get that owner.
    expect(dockerfile).toMatch(
      /mkdir -p \/data\/inbox\/edifact \/data\/inbox\/fax \/data\/inbox\/mail \/data\/erp-out/,
    );
  });

  it('sets only settings the program knows, with values it accepts', () => {
    for (const name of app) {
      const env = { ...compose.services[name]!.environment!, ORDERCAP_DATA_DIR: '/data' };
      expect(() => loadConfig(env), name).not.toThrow();
    }
  });
});
