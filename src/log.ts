import { AsyncLocalStorage } from 'node:async_hooks';
import { pino, type Logger as PinoLogger } from 'pino';

/**
 * Structured JSON logs through pino (the logger fastify ships), one object per line on stderr;
 * `documentId` wherever a document is involved, errors with their stack and `cause` chain, and
 * credentials redacted.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export const LOG_LEVELS: readonly (LogLevel | 'silent')[] = ['debug', 'info', 'warn', 'error', 'silent'];

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

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
const SECRET_KEY =
  /^(authorization|cookie|set-cookie|password|pass|secret|token|accesstoken|apikey|clientsecret)$/i;

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

/**
 * An error as a log field: its type, message, code, stack and the chain of causes, each
 * redacted; `AggregateError`s keep their errors.
 */
function serializeError(err: Error, depth: number): Record<string, unknown> {
  const e = err as Error & { code?: unknown; cause?: unknown; errors?: unknown };
  const out: Record<string, unknown> = { type: e.name, message: redactSecrets(e.message) };
  if (e.code !== undefined) out.code = e.code;
  if (e.stack) out.stack = redactSecrets(e.stack);
  if (e.cause !== undefined) out.cause = clean(e.cause, depth + 1);
  if (Array.isArray(e.errors)) out.errors = e.errors.map((x) => clean(x, depth + 1));
  return out;
}

/** A copy fit for the log: credentials out (by field name and inside texts), errors spelled out. */
function clean(value: unknown, depth = 0, key = ''): unknown {
  if (typeof value === 'string') return SECRET_KEY.test(key) ? '***' : redactSecrets(value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return serializeError(value, depth);
  if (value instanceof Date || Buffer.isBuffer(value)) return value;
  if (Array.isArray(value)) return value.map((v) => clean(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = clean(v, depth + 1, k);
  return out;
}

const cleanFields = (fields: Record<string, unknown> | undefined) =>
  (fields ? clean(fields) : {}) as Record<string, unknown>;

/** Throws, naming the levels there are, for a level that is not one (start-up refuses it). */
export function parseLogLevel(value: string): LogLevel | 'silent' {
  if ((LOG_LEVELS as readonly string[]).includes(value)) return value as LogLevel | 'silent';
  throw new Error(`unknown log level ${JSON.stringify(value)} (known: ${LOG_LEVELS.join(', ')})`);
}

function wrap(p: PinoLogger): Logger {
  const emit = (level: LogLevel) => (msg: string, fields?: Record<string, unknown>) => {
    if (p.isLevelEnabled(level)) p[level](cleanFields(fields), redactSecrets(msg));
  };
  return {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    child: (fields) => wrap(p.child(cleanFields(fields))),
  };
}

/**
 * A logger writing JSON lines (`time`, `level` as a word, `msg`, the scope's fields, the base and
 * child fields, then the call's own) to `write`, by default stderr, synchronously so the last
 * lines before a crash are not lost.
 */
export function createLogger(
  level: LogLevel | 'silent' = 'info',
  base: Record<string, unknown> = {},
  write?: (line: string) => void,
): Logger {
  const p = pino(
    {
      level: parseLogLevel(level),
      base: null,
      messageKey: 'msg',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => cleanFields(scope.getStore()),
      // Errors are spelled out (and redacted) by clean() already; pino's own would redo it unredacted.
      serializers: { err: (v: unknown) => v },
    },
    write ? { write } : pino.destination({ fd: 2, sync: true }),
  );
  return wrap(Object.keys(base).length > 0 ? p.child(cleanFields(base)) : p);
}

export const silentLogger: Logger = createLogger('silent');
