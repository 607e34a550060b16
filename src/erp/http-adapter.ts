import type { ErpConfig } from '../config.ts';
import { OrderCaptureError } from '../errors.ts';
import type { Delivery, DeliveryResult, ErpAdapter } from './adapter.ts';
import { canonicalOrderJson } from '../domain/canonical-json.ts';

export interface HttpAdapterOptions {
  /** http(s) URL the canonical order is POSTed to. */
  url: string;
  /** Sent as the `Authorization` header when set (e.g. `Bearer ...`). */
  authorization?: string | null;
  /** Whole request, body included; past it the attempt counts as a timeout and is retried. */
  timeoutMs: number;
}

/** How much of an ERP's error body is kept in events and last_error. */
const MAX_ERROR_CHARS = 500;

/**
 * POSTs the canonical order to the ERP with an `Idempotency-Key`, so that a resend after a crash
 * finds the first request's result instead of creating a second order.
 */
export class HttpErpAdapter implements ErpAdapter {
  static readonly identifier = 'http' as const;
  readonly identifier = HttpErpAdapter.identifier;
  private readonly url: URL;

  constructor(private readonly options: HttpAdapterOptions) {
    this.url = parseUrl(options.url);
    if (!Number.isInteger(options.timeoutMs) || options.timeoutMs <= 0) {
      throw new OrderCaptureError('config_invalid', 'http ERP adapter: timeoutMs must be a positive integer');
    }
  }

  static fromConfig(config: ErpConfig): HttpErpAdapter {
    return new HttpErpAdapter({
      url: config.httpUrl ?? '',
      authorization: config.httpAuthorization,
      timeoutMs: config.timeoutMs,
    });
  }

  async deliver(delivery: Delivery): Promise<DeliveryResult> {
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: 'POST',
        headers: this.headers(delivery.idempotencyKey),
        body: canonicalOrderJson(delivery.order),
        signal,
      });
    } catch (err) {
      return { kind: 'retry', error: describeFetchError(err, this.options.timeoutMs) };
    }
    let body: string;
    try {
      body = await res.text();
    } catch (err) {
      if (res.ok) return { kind: 'delivered', reference: res.headers.get('location') };
      return { kind: 'retry', error: `HTTP ${res.status}, body unreadable: ${describeFetchError(err)}` };
    }
    return classify(res, body);
  }

  private headers(idempotencyKey: string): Record<string, string> {
    const h: Record<string, string> = {
      'Content-Type': 'application/json',
      Accept: 'application/json',
      'Idempotency-Key': idempotencyKey,
    };
    if (this.options.authorization) h.Authorization = this.options.authorization;
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

/** 2xx delivered; 408, 429 and 5xx worth another try; any other answer is the ERP saying no. */
export function classify(res: Response, body: string): DeliveryResult {
  if (res.ok) return { kind: 'delivered', reference: referenceFrom(body, res.headers.get('location')) };
  const error = `HTTP ${res.status}: ${truncate(body.trim() || res.statusText)}`;
  if (res.status === 408 || res.status === 429 || res.status >= 500) {
    const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
    return retryAfterMs === null ? { kind: 'retry', error } : { kind: 'retry', error, retryAfterMs };
  }
  return { kind: 'failed', error };
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
