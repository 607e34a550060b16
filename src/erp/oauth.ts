import type { Reader } from '../config-source.ts';
import { OrderCaptureError } from '../errors.ts';

export interface ErpOAuthConfig {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Space-separated scopes, sent as `scope` when set. */
  scope: string | null;
}

/** OAuth2 client credentials for the http ERP adapter: all of URL, id and secret, or none. */
export function readOAuthOptions(r: Reader): ErpOAuthConfig | null {
  const tokenUrl = r.optStr('erp.oauth.tokenUrl', 'ORDERCAP_ERP_OAUTH_TOKEN_URL');
  const clientId = r.optStr('erp.oauth.clientId', 'ORDERCAP_ERP_OAUTH_CLIENT_ID');
  const clientSecret = r.optStr('erp.oauth.clientSecret', 'ORDERCAP_ERP_OAUTH_CLIENT_SECRET');
  const scope = r.optStr('erp.oauth.scope', 'ORDERCAP_ERP_OAUTH_SCOPE');
  const set = [tokenUrl, clientId, clientSecret].filter((v) => v !== null).length;
  if (set === 0) return null;
  if (!tokenUrl || !clientId || !clientSecret) {
    r.problem(
      'ERP OAuth2 needs all of ORDERCAP_ERP_OAUTH_TOKEN_URL, ORDERCAP_ERP_OAUTH_CLIENT_ID and ORDERCAP_ERP_OAUTH_CLIENT_SECRET',
    );
    return null;
  }
  return { tokenUrl, clientId, clientSecret, scope };
}

/** A token is renewed this long before the `expires_in` the server gave, so none expires mid-request. */
const EARLY_RENEWAL_MS = 60_000;

/**
 * OAuth2 client credentials (RFC 6749 section 4.4) for the http ERP adapter: fetches an access
 * token from `tokenUrl` with the client id and secret (HTTP Basic, as section 2.3.1 prefers),
 * keeps it until shortly before it expires, and shares one request among callers that ask at
 * once. `invalidate()` drops it (the ERP answered 401), so the next call fetches a new one.
 */
export class ClientCredentials {
  private token: { value: string; until: number } | null = null;
  private pending: Promise<string> | null = null;

  constructor(
    private readonly config: ErpOAuthConfig,
    private readonly timeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {
    try {
      const u = new URL(config.tokenUrl);
      if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('not http(s)');
    } catch {
      throw new OrderCaptureError('config_invalid', 'ERP OAuth2: the token URL must be an http(s) URL');
    }
  }

  /** A valid access token: the cached one, or a new one. Throws `erp_unavailable` with the reason. */
  async accessToken(): Promise<string> {
    if (this.token && this.token.until > this.now()) return this.token.value;
    this.pending ??= this.fetchToken().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  invalidate(): void {
    this.token = null;
  }

  private async fetchToken(): Promise<string> {
    const { tokenUrl, clientId, clientSecret, scope } = this.config;
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (scope) form.set('scope', scope);
    const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString(
      'base64',
    );
    let res: Response;
    try {
      res = await fetch(tokenUrl, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          Accept: 'application/json',
          Authorization: `Basic ${basic}`,
        },
        body: form,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new OrderCaptureError(
        'erp_unavailable',
        `OAuth2 token request failed: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
    const text = await res.text().catch(() => '');
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // An answer that is not JSON is reported below by its status.
    }
    if (!res.ok || typeof json.access_token !== 'string') {
      // RFC 6749 section 5.2: `error` and `error_description` say why, never the secret.
      const why = [json.error, json.error_description].filter((v) => typeof v === 'string').join(': ');
      throw new OrderCaptureError(
        res.status === 400 || res.status === 401 ? 'erp_rejected' : 'erp_unavailable',
        `OAuth2 token request: HTTP ${res.status}${why ? ` (${why})` : ''}`,
      );
    }
    const expiresIn = Number(json.expires_in);
    const lifetimeMs = Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn * 1000 : 3_600_000;
    this.token = {
      value: json.access_token,
      until: this.now() + Math.max(lifetimeMs - EARLY_RENEWAL_MS, lifetimeMs / 2),
    };
    return json.access_token;
  }
}
