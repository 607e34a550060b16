import { AsyncLocalStorage } from 'node:async_hooks';

/** Structured JSON logs, one object per line on stderr; `documentId` wherever a document is involved. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Fields every line carries while a piece of work runs (the document being processed). */
const scope = new AsyncLocalStorage<Record<string, unknown>>();

/**
 * Runs `fn` with `fields` on every log line written inside it, by any logger, down to the
 * deepest module that knows nothing of the document: a worker wraps each job in
 * `withLogFields({ documentId })`, so every line about a document can be found by its id.
 */
export function withLogFields<T>(fields: Record<string, unknown>, fn: () => T): T {
  return scope.run({ ...scope.getStore(), ...fields }, fn);
}

/** Fields whose value is a credential by name: never written, whatever they hold. */
const SECRET_KEY = /^(authorization|cookie|set-cookie|password|pass|secret|token|accesstoken|apikey)$/i;

/**
 * Defence in depth for values that carry a credential inside a longer text (an error message
 * quoting a URL, a header echoed back): URL user-info, Bearer/Basic credentials, customer tokens.
 */
export function redactSecrets(text: string): string {
  return text
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/]*@/gi, '$1***@')
    .replace(/\b(Bearer|Basic)\s+[^\s"',;]+/gi, '$1 ***')
    .replace(/\b(ocs?_)[A-Za-z0-9_-]{16,}/g, '$1***');
}

const redact = (key: string, value: unknown): unknown =>
  typeof value === 'string' ? (SECRET_KEY.test(key) ? '***' : redactSecrets(value)) : value;

export function createLogger(
  level: LogLevel | 'silent' = 'info',
  base: Record<string, unknown> = {},
  write: (line: string) => void = (line) => process.stderr.write(line),
): Logger {
  const min = level === 'silent' ? Number.POSITIVE_INFINITY : ORDER[level];
  const emit = (lvl: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[lvl] < min) return;
    const f = fields ?? {};
    const err =
      f.err instanceof Error
        ? { err: { message: f.err.message, code: (f.err as { code?: unknown }).code } }
        : {};
    const entry = {
      time: new Date().toISOString(),
      level: lvl,
      msg,
      ...scope.getStore(),
      ...base,
      ...f,
      ...err,
    };
    write(`${JSON.stringify(entry, redact)}\n`);
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger(level, { ...base, ...fields }, write),
  };
}

export const silentLogger: Logger = createLogger('silent');
