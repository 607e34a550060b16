/**
 * Programs some tests need beside Node: found once here, by vitest.config.ts and by the tests.
 * A test file that needs one says so in its name (`*.dovecot.*test.ts`, `*.chromium.*test.ts`);
 * where the program is missing, the config leaves those files out of the run and prints one
 * line saying which and why, and under CI=true (`.ci/run`, which installs them) it fails the
 * run instead. The shared test corpus (`../shared/corpus`) is handled the same way.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface Service {
  /** The tag in a test file's name. */
  tag: string;
  what: string;
  /** Where it was found; null: missing. */
  path: string | null;
  install: string;
  /** What else uses it when present and skips that part without it. */
  alsoUsedBy?: string;
}

export const DOVECOT_PATH = ['/usr/sbin/dovecot', '/usr/bin/dovecot'].find((p) => existsSync(p)) ?? null;
export const CHROMIUM_PATH =
  ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p)) ?? null;

export const SERVICES: readonly Service[] = [
  {
    tag: 'dovecot',
    what: 'Dovecot (IMAP server)',
    path: DOVECOT_PATH,
    install: 'apt-get install dovecot-imapd',
    alsoUsedBy: 'the 2 IMAP kill points of the fault-injection suite',
  },
  {
    tag: 'chromium',
    what: 'Chromium (headless browser)',
    path: CHROMIUM_PATH,
    install: 'apt-get install chromium',
  },
];

/**
 * The shared corpus of third-party sample documents: ORDERCAP_CORPUS, else `shared/corpus` beside
 * the repository (CI lays a copy of shared/ there). Tests that read it skip those parts without it.
 */
export const CORPUS: string =
  process.env.ORDERCAP_CORPUS ?? fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));
export const corpusPresent: boolean = existsSync(CORPUS);

/** Under CI=true nothing may be skipped for something missing. */
export const inCi: boolean = process.env.CI === 'true' || process.env.CI === '1';
