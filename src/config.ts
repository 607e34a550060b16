import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { flatten, list, Reader, readConfigFile, type Source } from './config-source.ts';
import { type ConfirmConfig, readConfirmConfig } from './confirm/options.ts';
import { checkErpConfig, type ErpConfig, readErpConfig } from './erp/options.ts';
import { loadAs2Certificates } from './formats/as2/certificates.ts';
import { LOG_LEVELS, type LogLevel } from './log.ts';
import { type BusinessCalendar, parseCalendar } from './sla/calendar.ts';
import { projectPath } from './project-root.ts';

/**
 * All settings, read once from the environment (and the optional file named by ORDERCAP_CONFIG),
 * validated, typed. Nothing else in the program reads process.env.
 */
export type { ConfirmConfig } from './confirm/options.ts';
export type { ErpConfig } from './erp/options.ts';
export type { ErpOAuthConfig } from './erp/oauth.ts';

export type Role = 'api' | 'worker' | 'connectors';
export const ROLES: readonly Role[] = ['api', 'worker', 'connectors'];

export interface Config {
  /** What this process runs: the HTTP server, pipeline + ERP workers, intake connectors. */
  roles: Set<Role>;
  databaseUrl: string | null;
  dataDir: string;
  host: string;
  port: number;
  /** Orders whose confidence is below this go to review (0..1). */
  acceptThreshold: number;
  validation: ValidationConfig;
  worker: WorkerConfig;
  erp: ErpConfig;
  edifact: { dropDir: string; enabled: boolean; stableMs: number; pollMs: number };
  /**
   * AS2 partners' signing certificates (PEM) by AS2-From id: a signed AS2 message from one of them
   * is checked against it. Read and parsed at start-up.
   */
  as2: { certificates: Record<string, string> };
  /**
   * Fax gateway spool folder (PDF, TIFF, images); the sender's number from file name or sidecar.
   * `trusted`: the folder also takes the supplier's own scans, so a file without a caller number
   * may be identified by what it says (docs/threat-model.md).
   */
  fax: { dropDir: string; enabled: boolean; stableMs: number; pollMs: number; trusted: boolean };
  /** A drop folder of raw messages (.eml) that a mail gateway (Postfix, fax-to-mail) writes. */
  mail: { dropDir: string; enabled: boolean; stableMs: number; pollMs: number };
  /** SLA clock: default hours for customers without sla_hours, and the business calendar. */
  sla: { defaultHours: number; calendar: BusinessCalendar };
  /** Order confirmations back to customers (worker role). */
  confirm: ConfirmConfig;
  /** SMTP listener for mail a gateway pushes (connectors role); off when `port` is null. */
  smtp: {
    port: number | null;
    host: string;
    allowNetworks: string[];
    allowSenders: string[];
    users: string[];
    /** A client silent this long (one that never finishes DATA, say) is disconnected. */
    socketTimeoutMs: number;
  };
  /** IMAP mailboxes watched for orders (connectors role). */
  imap: { mailboxes: MailboxConfig[]; pollMs: number };
  /** OCR worker threads (tesseract.js), created once on first use. */
  ocr: { workers: number };
  /** Per-customer extraction templates (YAML), validated at start-up. */
  templatesDir: string;
  http: {
    bodyLimitBytes: number;
    syncWaitMs: number;
    /** A client must have sent all request headers within this time (slowloris), else 408. */
    headersTimeoutMs: number;
    /** A client must have sent the whole request, body included, within this time, else 408. */
    requestTimeoutMs: number;
    /** A connection on which nothing moves for this long is closed. */
    idleTimeoutMs: number;
    /**
     * Addresses or CIDRs of the reverse proxy; requests from them are taken at their
     * X-Forwarded-For/-Proto word (client IP for the sign-in limit, https for Secure cookies).
     */
    trustProxy: string[];
  };
  /** Limits on what the document readers decode (docs/hostile-input.md). */
  documents: DocumentLimits;
  /** Monitoring: a port for `/metrics` and `/health` in a process without the `api` role. */
  monitor: MonitorConfig;
  /** Archive retention: documents older than `days` are deleted (logged); null keeps everything. */
  retention: RetentionConfig;
  /** Who may speak for a customer: which gateways' word about a sender is believed. */
  identity: IdentityConfig;
  /** The structured log's threshold; an unknown level is refused at start-up. */
  logLevel: LogLevel | 'silent';
}

/** How the channel's identity of a sender is established (docs/threat-model.md, "Who ordered"). */
export interface IdentityConfig {
  /**
   * Addresses or `@domain`s of fax-to-mail gateways whose messages carry the caller's fax
   * number. Empty: the mail domain the message was delivered to (the supplier's own).
   */
  faxGateways: string[];
  /**
   * authserv-ids of the receiving mail gateways whose `Authentication-Results` header is
   * believed (RFC 8601): a DKIM or SPF pass for the From: domain proves the sender, a fail
   * holds the order. Empty: the header is ignored (anyone can write one).
   */
  authServIds: string[];
  /** Hold every e-mail order that a trusted gateway did not authenticate (DKIM or SPF pass). */
  requireAuthenticatedMail: boolean;
}

export interface MonitorConfig {
  /** Null: none (a process with the `api` role serves them on its own port). */
  metricsPort: number | null;
  /** How often each process writes its heartbeat (parts and connector states) to the database. */
  heartbeatMs: number;
}

export interface RetentionConfig {
  days: number | null;
  /** How often the sweeper looks for expired documents (worker role). */
  sweepMs: number;
  /** Documents deleted per transaction. */
  batch: number;
}

export interface DocumentLimits {
  /** Pages read at most per document; the rest are left out with a warning. */
  maxPages: number;
  /** A document declaring more pages than this is not read at all: rejected with the reason. */
  maxDocumentPages: number;
  /** Largest page image decoded or rendered, in pixels (width x height); a larger image is rejected. */
  maxPixels: number;
}

export interface ValidationConfig {
  /** Relative price difference tolerated before `price_mismatch` (0.02 = 2%). */
  priceTolerance: number;
  /** A quantity above this many times the customer's median for the SKU is an anomaly. */
  quantityAnomalyFactor: number;
  /** Fewer past orders of a SKU than this and no anomaly is judged from history. */
  quantityHistoryMin: number;
  /** Relative tolerance when checking quantity x price = amount and the sum of lines = total. */
  totalTolerance: number;
}

export interface WorkerConfig {
  /** Jobs run at once inside one worker process (p-queue). */
  concurrency: number;
  pollMs: number;
  /** How long a claimed job stays with its worker before another may take it. */
  leaseMs: number;
  maxAttempts: number;
  /**
   * Threads reading PDFs, faxes, images and e-mails (read + extract), off the event loop that serves
   * HTTP; 0 reads on the main thread. Default: like the OCR pool (at most the job concurrency
   * and 4), since a thread waits while OCR reads its pages and each thread costs memory.
   */
  readerThreads: number;
  /**
   * Longest one document may be read, OCR waits not counted: past it, its thread is stopped and
   * the document rejected with a finding that says so.
   */
  readBudgetMs: number;
}

export interface MailboxConfig {
  host: string;
  port: number;
  /** Implicit TLS (imaps, port 993). Without it STARTTLS is used when the server offers it. */
  secure: boolean;
  user: string;
  password: string | null;
  /** OAuth2 access token (XOAUTH2), instead of a password. */
  accessToken: string | null;
  folder: string;
  processedFolder: string;
  failedFolder: string;
}

/**
 * Parses `imap://user:password@host:port/Folder?processed=Done&failed=Failed` (imaps:// for
 * implicit TLS; `accessToken=` instead of a password for OAuth2). User and password are URL-encoded.
 */
export function parseMailboxUrl(url: string): MailboxConfig {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    // Up to the last "@": a password may hold a raw "@" the URL parser could not take.
    throw new Error(`not a mailbox URL: ${url.replace(/\/\/.*@/, '//***@')}`);
  }
  if (u.protocol !== 'imap:' && u.protocol !== 'imaps:') {
    throw new Error(`a mailbox URL starts with imap:// or imaps://, not ${u.protocol}//`);
  }
  const secure = u.protocol === 'imaps:';
  const folder = decodeURIComponent(u.pathname.replace(/^\//, '')) || 'INBOX';
  const accessToken = u.searchParams.get('accessToken');
  const password = u.password ? decodeURIComponent(u.password) : null;
  if (!u.username) throw new Error(`the mailbox URL for ${u.hostname} names no user`);
  if (!password && !accessToken)
    throw new Error(`the mailbox URL for ${u.hostname} has no password or accessToken`);
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : secure ? 993 : 143,
    secure,
    user: decodeURIComponent(u.username),
    password,
    accessToken,
    folder,
    processedFolder: u.searchParams.get('processed') ?? `${folder}/Processed`,
    failedFolder: u.searchParams.get('failed') ?? `${folder}/Failed`,
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

function calendarOf(c: Parameters<typeof parseCalendar>[0], problems: string[]): BusinessCalendar {
  try {
    return parseCalendar(c);
  } catch (err) {
    problems.push(`ORDERCAP_SLA_*: ${(err as Error).message}`);
    return parseCalendar({ timeZone: 'UTC', hours: '00:00-24:00', days: '1-7', holidays: '' });
  }
}

/** ORDERCAP_IMAP_URLS: mailbox URLs separated by commas or spaces. */
function mailboxes(urls: string | null, problems: string[]): MailboxConfig[] {
  const out: MailboxConfig[] = [];
  for (const url of list(urls ?? '')) {
    try {
      out.push(parseMailboxUrl(url));
    } catch (err) {
      problems.push(`ORDERCAP_IMAP_URLS: ${(err as Error).message}`);
    }
  }
  return out;
}

/** Builds the configuration; throws ConfigError listing every problem at once. */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Source = {},
  onNames?: (names: Array<{ key: string; env: string }>) => void,
): Config {
  const problems: string[] = [];
  const file = env.ORDERCAP_CONFIG ? readConfigFile(env.ORDERCAP_CONFIG, problems) : {};
  const r = new Reader(flatten(file), env, overrides, problems);

  const dataDir = resolve(r.str('dataDir', 'ORDERCAP_DATA_DIR', './data'));
  const concurrency = r.int('worker.concurrency', 'ORDERCAP_WORKER_CONCURRENCY', 4, 1, 256);
  const ocrWorkers = r.int('ocr.workers', 'ORDERCAP_OCR_WORKERS', Math.max(1, availableParallelism()), 1, 64);
  const config: Config = {
    roles: r.someOf('roles', 'ORDERCAP_ROLES', ROLES),
    databaseUrl: r.optStr('databaseUrl', 'DATABASE_URL'),
    dataDir,
    host: r.str('host', 'HOST', '127.0.0.1'),
    port: r.int('port', 'PORT', 3000, 0, 65535),
    acceptThreshold: r.num('acceptThreshold', 'ORDERCAP_ACCEPT_THRESHOLD', 0.9, 0, 1),
    validation: {
      priceTolerance: r.num('validation.priceTolerance', 'ORDERCAP_PRICE_TOLERANCE', 0.02, 0, 1),
      quantityAnomalyFactor: r.num(
        'validation.quantityAnomalyFactor',
        'ORDERCAP_QTY_ANOMALY_FACTOR',
        5,
        1,
        1e6,
      ),
      quantityHistoryMin: r.int('validation.quantityHistoryMin', 'ORDERCAP_QTY_HISTORY_MIN', 3, 1, 1000),
      totalTolerance: r.num('validation.totalTolerance', 'ORDERCAP_TOTAL_TOLERANCE', 0.005, 0, 1),
    },
    worker: {
      concurrency,
      pollMs: r.int('worker.pollMs', 'ORDERCAP_WORKER_POLL_MS', 500, 10, 60_000),
      leaseMs: r.int('worker.leaseMs', 'ORDERCAP_WORKER_LEASE_MS', 60_000, 1000, 3_600_000),
      maxAttempts: r.int('worker.maxAttempts', 'ORDERCAP_WORKER_MAX_ATTEMPTS', 5, 1, 100),
      // Sized like the OCR pool: a thread waits while OCR reads its pages, and each costs memory.
      readerThreads: r.int(
        'worker.readerThreads',
        'ORDERCAP_READER_THREADS',
        Math.min(concurrency, ocrWorkers, 4),
        0,
        64,
      ),
      readBudgetMs: r.int('worker.readBudgetMs', 'ORDERCAP_READ_BUDGET_MS', 120_000, 100, 3_600_000),
    },
    erp: readErpConfig(r, { dataDir }),
    edifact: {
      enabled: r.bool('edifact.enabled', 'ORDERCAP_EDI_DROP', true),
      dropDir: resolve(r.str('edifact.dropDir', 'ORDERCAP_EDI_DROP_DIR', `${dataDir}/inbox/edifact`)),
      stableMs: r.int('edifact.stableMs', 'ORDERCAP_DROP_STABLE_MS', 1000, 0, 600_000),
      pollMs: r.int('edifact.pollMs', 'ORDERCAP_DROP_POLL_MS', 1000, 10, 600_000),
    },
    as2: {
      certificates: loadAs2Certificates(
        list(r.str('as2.certificates', 'ORDERCAP_AS2_CERTIFICATES', '')),
        problems,
      ),
    },
    fax: {
      enabled: r.bool('fax.enabled', 'ORDERCAP_FAX_DROP', true),
      dropDir: resolve(r.str('fax.dropDir', 'ORDERCAP_FAX_DROP_DIR', `${dataDir}/inbox/fax`)),
      stableMs: r.int('fax.stableMs', 'ORDERCAP_DROP_STABLE_MS', 1000, 0, 600_000),
      pollMs: r.int('fax.pollMs', 'ORDERCAP_DROP_POLL_MS', 1000, 10, 600_000),
      trusted: r.bool('fax.trusted', 'ORDERCAP_FAX_TRUSTED', false),
    },
    mail: {
      enabled: r.bool('mail.enabled', 'ORDERCAP_MAIL_DROP', true),
      dropDir: resolve(r.str('mail.dropDir', 'ORDERCAP_MAIL_DROP_DIR', `${dataDir}/inbox/mail`)),
      stableMs: r.int('mail.stableMs', 'ORDERCAP_DROP_STABLE_MS', 1000, 0, 600_000),
      pollMs: r.int('mail.pollMs', 'ORDERCAP_DROP_POLL_MS', 1000, 10, 600_000),
    },
    sla: {
      defaultHours: r.num('sla.defaultHours', 'ORDERCAP_SLA_DEFAULT_HOURS', 24, 0.1, 10_000),
      calendar: calendarOf(
        {
          timeZone: r.str('sla.timeZone', 'ORDERCAP_SLA_TIMEZONE', 'Europe/Madrid'),
          hours: r.str('sla.hours', 'ORDERCAP_SLA_HOURS', '08:00-18:00'),
          days: r.str('sla.days', 'ORDERCAP_SLA_DAYS', '1-5'),
          holidays: r.str('sla.holidays', 'ORDERCAP_SLA_HOLIDAYS', ''),
        },
        problems,
      ),
    },
    confirm: readConfirmConfig(r, { dataDir }),
    smtp: {
      port: r.optInt('smtp.port', 'ORDERCAP_SMTP_PORT', 2525, 0, 65535),
      host: r.str('smtp.host', 'ORDERCAP_SMTP_HOST', '127.0.0.1'),
      allowNetworks: list(r.str('smtp.allowNetworks', 'ORDERCAP_SMTP_ALLOW', '127.0.0.0/8,::1')),
      allowSenders: list(r.str('smtp.allowSenders', 'ORDERCAP_SMTP_SENDERS', '')),
      users: list(r.str('smtp.users', 'ORDERCAP_SMTP_USERS', '')),
      socketTimeoutMs: r.int('smtp.socketTimeoutMs', 'ORDERCAP_SMTP_TIMEOUT_MS', 60_000, 100, 3_600_000),
    },
    imap: {
      mailboxes: mailboxes(r.optStr('imap.urls', 'ORDERCAP_IMAP_URLS'), problems),
      pollMs: r.int('imap.pollMs', 'ORDERCAP_IMAP_POLL_MS', 30_000, 100, 3_600_000),
    },
    templatesDir: resolve(r.str('templatesDir', 'ORDERCAP_TEMPLATES_DIR', projectPath('templates'))),
    ocr: {
      workers: ocrWorkers,
    },
    http: {
      bodyLimitBytes: r.int('http.bodyLimitMb', 'ORDERCAP_MAX_UPLOAD_MB', 20, 1, 1024) * 1024 * 1024,
      syncWaitMs: r.int('http.syncWaitMs', 'ORDERCAP_HTTP_SYNC_WAIT_MS', 5000, 0, 120_000),
      headersTimeoutMs: r.int(
        'http.headersTimeoutMs',
        'ORDERCAP_HTTP_HEADERS_TIMEOUT_MS',
        30_000,
        100,
        600_000,
      ),
      requestTimeoutMs: r.int(
        'http.requestTimeoutMs',
        'ORDERCAP_HTTP_REQUEST_TIMEOUT_MS',
        120_000,
        100,
        3_600_000,
      ),
      idleTimeoutMs: r.int('http.idleTimeoutMs', 'ORDERCAP_HTTP_IDLE_TIMEOUT_MS', 30_000, 100, 3_600_000),
      trustProxy: list(r.str('http.trustProxy', 'ORDERCAP_TRUST_PROXY', '')),
    },
    documents: {
      maxPages: r.int('documents.maxPages', 'ORDERCAP_MAX_PAGES', 50, 1, 10_000),
      maxDocumentPages: r.int(
        'documents.maxDocumentPages',
        'ORDERCAP_MAX_DOCUMENT_PAGES',
        1000,
        1,
        1_000_000,
      ),
      maxPixels: r.int('documents.maxMegapixels', 'ORDERCAP_MAX_MEGAPIXELS', 40, 1, 1000) * 1e6,
    },
    monitor: {
      metricsPort: r.optInt('monitor.metricsPort', 'ORDERCAP_METRICS_PORT', 9464, 0, 65535),
      heartbeatMs: r.int('monitor.heartbeatMs', 'ORDERCAP_HEARTBEAT_MS', 10_000, 100, 600_000),
    },
    retention: {
      days: r.optInt('retention.days', 'ORDERCAP_RETENTION_DAYS', 3650, 1, 100_000),
      sweepMs: r.int('retention.sweepMs', 'ORDERCAP_RETENTION_SWEEP_MS', 3_600_000, 100, 86_400_000),
      batch: r.int('retention.batch', 'ORDERCAP_RETENTION_BATCH', 100, 1, 10_000),
    },
    identity: {
      faxGateways: list(r.str('identity.faxGateways', 'ORDERCAP_FAX_GATEWAYS', '')).map((a) =>
        a.toLowerCase(),
      ),
      authServIds: list(r.str('identity.authServIds', 'ORDERCAP_TRUSTED_AUTHSERV_IDS', '')).map((a) =>
        a.toLowerCase(),
      ),
      requireAuthenticatedMail: r.bool(
        'identity.requireAuthenticatedMail',
        'ORDERCAP_REQUIRE_AUTHENTICATED_MAIL',
        false,
      ),
    },
    logLevel: r.oneOf('logLevel', 'ORDERCAP_LOG_LEVEL', LOG_LEVELS, 'info'),
  };
  r.checkUnknown();
  onNames?.(r.names);
  checkErpConfig(config.erp, problems);
  if (config.http.headersTimeoutMs > config.http.requestTimeoutMs) {
    problems.push('http.headersTimeoutMs must not be longer than http.requestTimeoutMs');
  }
  if (config.documents.maxDocumentPages < config.documents.maxPages) {
    problems.push('documents.maxDocumentPages must not be smaller than documents.maxPages');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
