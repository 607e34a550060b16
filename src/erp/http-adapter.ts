import { resolve } from 'node:path';
import type { ErpConfig } from '../config.ts';
import type { OptionsContext, Reader } from '../config-source.ts';
import { OrderCaptureError } from '../errors.ts';
import type { Delivery, DeliveryResult, ErpAdapter } from './adapter.ts';
import { canonicalOrderJson } from '../domain/canonical-json.ts';
import { loadMapping, type OrderMapping } from './mapping.ts';
import { ClientCredentials, type ErpOAuthConfig, readOAuthOptions } from './oauth.ts';

export interface HttpAdapterOptions {
  /** http(s) URL the canonical order is POSTed to. */
  url: string;
  /** Sent as the `Authorization` header when set (e.g. `Bearer ...`). */
  authorization?: string | null;
  /** Whole request, body included; past it the attempt counts as a timeout and is retried. */
  timeoutMs: number;
  /** A JSON template or module turning the canonical order into the ERP's body (mapping.ts). */
  mappingPath?: string | null;
  /** OAuth2 client credentials: a Bearer token fetched and renewed for each request. */
  oauth?: ErpOAuthConfig | null;
}

/** How much of an ERP's error body is kept in events and last_error. */
const MAX_ERROR_CHARS = 500;

/**
 * POSTs the canonical order to the ERP with an `Idempotency-Key`, so that a resend after a crash
 * finds the first request's result instead of creating a second order.
 */
export interface HttpErpOptions {
  httpUrl: string | null;
  httpAuthorization: string | null;
  /**
   * A JSON template or a JavaScript/TypeScript module that turns the canonical order into the
   * ERP's body (docs/erp-mapping.md); null posts the canonical order.
   */
  mappingPath: string | null;
  /** OAuth2 client credentials; null: none (`httpAuthorization` or nothing). */
  oauth: ErpOAuthConfig | null;
}

export class HttpErpAdapter implements ErpAdapter {
  static readonly identifier = 'http' as const;
  readonly identifier = HttpErpAdapter.identifier;
  private readonly url: URL;
  private readonly oauth: ClientCredentials | null;
  private readonly mapping: Promise<OrderMapping | null>;

  constructor(private readonly options: HttpAdapterOptions) {
    this.url = parseUrl(options.url);
    if (!Number.isInteger(options.timeoutMs) || options.timeoutMs <= 0) {
      throw new OrderCaptureError('config_invalid', 'http ERP adapter: timeoutMs must be a positive integer');
    }
    if (options.oauth && options.authorization) {
      throw new OrderCaptureError(
        'config_invalid',
        'http ERP adapter: OAuth2 or an Authorization header, not both',
      );
    }
    this.oauth = options.oauth ? new ClientCredentials(options.oauth, options.timeoutMs) : null;
    this.mapping = options.mappingPath ? loadMapping(options.mappingPath) : Promise.resolve(null);
    // Awaited by ready() at start-up; kept from being reported as unhandled before that.
    this.mapping.catch(() => {});
  }

  /** Its settings, read whichever adapter is chosen (so their names are known). */
  static readOptions(r: Reader, _ctx: OptionsContext): HttpErpOptions {
    const mapping = r.optStr('erp.mapping', 'ORDERCAP_ERP_MAPPING');
    return {
      httpUrl: r.optStr('erp.httpUrl', 'ORDERCAP_ERP_URL'),
      httpAuthorization: r.optStr('erp.httpAuthorization', 'ORDERCAP_ERP_AUTHORIZATION'),
      mappingPath: mapping === null ? null : resolve(mapping),
      oauth: readOAuthOptions(r),
    };
  }

  /** What needs the whole ERP configuration: a URL when chosen, one kind of authorization. */
  static check(config: ErpConfig, problems: string[]): void {
    if (config.adapter === 'http' && !config.httpUrl) {
      problems.push('erp.adapter is "http" but no ERP URL is set (ORDERCAP_ERP_URL or erp.httpUrl)');
    }
    if (config.oauth && config.httpAuthorization) {
      problems.push('set either ERP OAuth2 (ORDERCAP_ERP_OAUTH_*) or ORDERCAP_ERP_AUTHORIZATION, not both');
    }
  }

  static fromConfig(config: ErpConfig): HttpErpAdapter {
    return new HttpErpAdapter({
      url: config.httpUrl ?? '',
      authorization: config.httpAuthorization,
      timeoutMs: config.timeoutMs,
      mappingPath: config.mappingPath,
      oauth: config.oauth,
    });
  }

  /** Resolves once the mapping is loaded and checked; rejects with `config_invalid` otherwise. */
  async ready(): Promise<void> {
    await this.mapping;
  }

  async deliver(delivery: Delivery): Promise<DeliveryResult> {
    let body: string;
    try {
      body = await this.body(delivery);
    } catch (err) {
      // A mapping that throws for one order cannot send that order, however often it is tried.
      return { kind: 'failed', error: `the ERP mapping failed for this order: ${(err as Error).message}` };
    }
    const first = await this.post(delivery.idempotencyKey, body);
    // An OAuth2 token the ERP no longer takes (revoked, rotated): one new token, one more try.
    if (this.oauth && 'status' in first && first.status === 401) {
      this.oauth.invalidate();
      return (await this.post(delivery.idempotencyKey, body)).result;
    }
    return first.result;
  }

  private async body(delivery: Delivery): Promise<string> {
    const mapping = await this.mapping;
    if (!mapping) return canonicalOrderJson(delivery.order);
    const { orderId, documentId, idempotencyKey, receivedAt } = delivery;
    const mapped = await mapping(delivery.order, {
      orderId,
      documentId,
      idempotencyKey,
      receivedAt: receivedAt.toISOString(),
    });
    if (mapped === undefined) throw new Error('the mapping returned nothing');
    return JSON.stringify(mapped);
  }

  private async post(
    idempotencyKey: string,
    body: string,
  ): Promise<{ result: DeliveryResult; status?: number }> {
    let headers: Record<string, string>;
    try {
      headers = await this.headers(idempotencyKey);
    } catch (err) {
      // No token: nothing was sent; the ERP (or its identity provider) may be back later.
      return { result: { kind: 'retry', error: truncate((err as Error).message) } };
    }
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (err) {
      return { result: { kind: 'retry', error: describeFetchError(err, this.options.timeoutMs) } };
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      if (res.ok) return { result: { kind: 'delivered', reference: res.headers.get('location') } };
      return {
        result: { kind: 'retry', error: `HTTP ${res.status}, body unreadable: ${describeFetchError(err)}` },
        status: res.status,
      };
    }
    return { result: classify(res, text), status: res.status };
  }

  private async headers(idempotencyKey: string): Promise<Record<string, string>> {
    const h: Record<string, string> = {
      'Content-Type': 'application/json',
      Accept: 'application/json',
      'Idempotency-Key': idempotencyKey,
    };
    if (this.options.authorization) h.Authorization = this.options.authorization;
    if (this.oauth) h.Authorization = `Bearer ${await this.oauth.accessToken()}`;
    return h;
  }
}

function parseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OrderCaptureError(
      'config_invalid',
      `http ERP adapter: invalid URL ${JSON.stringify(raw.replace(/\/\/.*@/, '//***@'))}`,
    );
  }
  // fetch() refuses such a URL and its error quotes it whole, password included, into logs.
  if (url.username || url.password) {
    throw new OrderCaptureError(
      'config_invalid',
      'http ERP adapter: the URL must not hold credentials; set ORDERCAP_ERP_AUTHORIZATION instead',
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new OrderCaptureError(
      'config_invalid',
      `http ERP adapter: URL must be http(s), got ${url.protocol}`,
    );
  }
  return url;
}

/**
 * 2xx delivered; 408, 429 and 5xx worth another try, and so are 401 and 403: the ERP refusing our
 * credentials says nothing about the order, and failing every order until someone fixes the
 * token would turn a configuration slip into a pile of failed orders. Any other answer is the
 * ERP refusing this order.
 */
export function classify(res: Response, body: string): DeliveryResult {
  if (res.ok) return { kind: 'delivered', reference: referenceFrom(body, res.headers.get('location')) };
  const error = `HTTP ${res.status}: ${truncate(answerInWords(body) || res.statusText || 'no message')}`;
  if ([401, 403, 408, 429].includes(res.status) || res.status >= 500) {
    const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
    return retryAfterMs === null ? { kind: 'retry', error } : { kind: 'retry', error, retryAfterMs };
  }
  return { kind: 'failed', error };
}

/**
 * What the ERP said, for a person: the message of a JSON error (RFC 9457 problem details
 * `title`/`detail`, or the usual `message`, `error`, `error.message`, `errors[].message` shapes
 * of ERP APIs), else the body as text.
 */
export function answerInWords(body: string): string {
  const text = body.trim();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return text;
  }
  const words = messagesOf(json);
  return words.length > 0 ? [...new Set(words)].join('; ') : text;
}

function messagesOf(json: unknown, depth = 0): string[] {
  if (depth > 3 || json === null || typeof json !== 'object') return [];
  if (Array.isArray(json)) return json.flatMap((v) => messagesOf(v, depth + 1));
  const j = json as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
  const problem = [str(j.title), str(j.detail)].filter((v): v is string => v !== null);
  if (problem.length > 0) return [problem.join(': ')];
  for (const k of ['message', 'error_description', 'description', 'error']) {
    const v = str(j[k]);
    if (v) return [v];
  }
  for (const k of ['error', 'errors', 'messages']) {
    const inner = messagesOf(j[k], depth + 1);
    if (inner.length > 0) return inner;
  }
  return [];
}

function referenceFrom(body: string, location: string | null): string | null {
  try {
    const json: unknown = JSON.parse(body);
    if (json && typeof json === 'object') {
      const j = json as Record<string, unknown>;
      for (const v of [j.id, j.orderId, j.reference]) {
        if (typeof v === 'string' && v !== '') return v;
        if (typeof v === 'number') return String(v);
      }
    }
  } catch {
    // Not JSON: the Location header is all there is.
  }
  return location;
}

/** Retry-After is either delta-seconds or an HTTP date (RFC 9110 section 10.2.3). */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (value === null || value.trim() === '') return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function describeFetchError(err: unknown, timeoutMs?: number): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
    return timeoutMs === undefined ? 'timed out' : `no answer within ${timeoutMs} ms`;
  }
  const e = err as { message?: string; cause?: { code?: string; message?: string } };
  const cause = e.cause ? ` (${[e.cause.code, e.cause.message].filter(Boolean).join(': ')})` : '';
  return truncate(`network error: ${e.message ?? String(err)}${cause}`);
}

function truncate(s: string): string {
  return s.length > MAX_ERROR_CHARS ? `${s.slice(0, MAX_ERROR_CHARS - 1)}…` : s;
}
