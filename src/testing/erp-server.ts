import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ErpServerOptions {
  /** The first this many requests fail as `failWith` says, before any is looked at. */
  failFirst?: number;
  /** 503 (with `retryAfter` if given), a connection reset, or no answer at all. Default 503. */
  failWith?: 503 | 'reset' | 'timeout';
  /** Sent as Retry-After with a 503. */
  retryAfter?: string;
  /** Every request (after the failures) is refused with this status and body; nothing is stored. */
  rejectWith?: { status: number; body: string };
  /** Every answer waits this long, so that concurrent senders really overlap. */
  delayMs?: number;
  /**
   * Refuses the orders it returns an answer for (a 4xx with a body, as an ERP refuses one order
   * it finds wrong); the others are stored as usual. Looked at after any failure above.
   */
  refuse?: (body: unknown) => { status: number; body: string; contentType?: string } | null;
  /**
   * OAuth2 client credentials: the server also answers `POST /token` (grant_type
   * client_credentials, HTTP Basic client id and secret) with tokens that live `tokenTtlS`
   * seconds, and refuses orders (401) that do not carry a token it issued.
   */
  oauth?: { clientId: string; clientSecret: string; tokenTtlS?: number };
}

export interface ErpServerRequest {
  key: string | null;
  authorization: string | null;
  contentType: string | null;
}

export interface ErpServer {
  /** POST orders here. */
  url: string;
  /** With `oauth`: the token endpoint. */
  tokenUrl: string;
  /** With `oauth`: tokens issued so far; `revokeTokens()` makes the server forget them. */
  readonly tokensIssued: number;
  revokeTokens(): void;
  /** Orders stored, one per Idempotency-Key, in the order they were first received. */
  received: Array<{ key: string; body: unknown }>;
  /** Every request that reached the server, failed and replayed ones included. */
  readonly calls: number;
  /** Requests answered from the idempotency store (same key seen before). */
  readonly replays: number;
  requests: ErpServerRequest[];
  /** How the server behaves from now on (see `ErpMode`); resolves once it holds. */
  setMode(mode: ErpMode): Promise<void>;
  close(): Promise<void>;
}

/**
 * An outage, switched on and off while the test runs: `refuse` stops listening (connection
 * refused: nothing on the port), `timeout` accepts and never answers, `reset` drops the
 * connection, 503 answers "unavailable"; `ok` listens again, on the same port, with the same store.
 */
export type ErpMode = 'ok' | 'refuse' | 'timeout' | 'reset' | 503;

interface Stored {
  status: number;
  body: string;
}

/**
 * A small real ERP API on 127.0.0.1 for tests. It honours `Idempotency-Key` the way real APIs
 * do: the first request with a key creates the order (201), a repeat gets the same answer back
 * (200, `Idempotent-Replayed: true`) and creates nothing.
 */
export async function startErpServer(options: ErpServerOptions = {}): Promise<ErpServer> {
  const byKey = new Map<string, Stored>();
  const state = { calls: 0, replays: 0 };
  const received: ErpServer['received'] = [];
  const requests: ErpServerRequest[] = [];
  let mode: ErpMode = 'ok';
  const tokens = new Set<string>();
  let tokensIssued = 0;

  const handleToken = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const form = new URLSearchParams(await readBody(req));
    const basic = header(req, 'authorization')?.replace(/^Basic /, '') ?? '';
    const [id, secret] = Buffer.from(basic, 'base64').toString('utf8').split(':').map(decodeURIComponent);
    const o = options.oauth!;
    if (form.get('grant_type') !== 'client_credentials')
      return send(res, 400, JSON.stringify({ error: 'unsupported_grant_type' }), 'application/json');
    if (id !== o.clientId || secret !== o.clientSecret)
      return send(res, 401, JSON.stringify({ error: 'invalid_client' }), 'application/json');
    tokensIssued += 1;
    const token = `tok-${tokensIssued}-${Math.random().toString(36).slice(2)}`;
    tokens.add(token);
    const body = { access_token: token, token_type: 'Bearer', expires_in: o.tokenTtlS ?? 3600 };
    return send(res, 200, JSON.stringify(body), 'application/json');
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (options.oauth && req.url === '/token') return handleToken(req, res);
    state.calls += 1;
    const key = header(req, 'idempotency-key');
    requests.push({
      key,
      authorization: header(req, 'authorization'),
      contentType: header(req, 'content-type'),
    });
    const text = await readBody(req);
    if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
    if (state.calls <= (options.failFirst ?? 0)) return fail(req, res, options);
    if (mode !== 'ok' && mode !== 'refuse') return fail(req, res, { ...options, failWith: mode });
    if (options.rejectWith)
      return send(res, options.rejectWith.status, options.rejectWith.body, 'text/plain');
    if (options.oauth) {
      const bearer = header(req, 'authorization')?.replace(/^Bearer /, '') ?? '';
      if (!tokens.has(bearer))
        return send(res, 401, JSON.stringify({ error: 'invalid_token' }), 'application/json');
    }
    if (req.method !== 'POST') return send(res, 405, 'POST only', 'text/plain');
    if (!key) return send(res, 400, 'Idempotency-Key header required', 'text/plain');
    const seen = byKey.get(key);
    if (seen) {
      state.replays += 1;
      return send(res, 200, seen.body, 'application/json', { 'Idempotent-Replayed': 'true' });
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return send(res, 400, 'body is not JSON', 'text/plain');
    }
    const refused = options.refuse?.(body);
    if (refused) return send(res, refused.status, refused.body, refused.contentType ?? 'application/json');
    const id = `ERP-${String(received.length + 1).padStart(6, '0')}`;
    const stored = { status: 201, body: JSON.stringify({ id }) };
    byKey.set(key, stored);
    received.push({ key, body });
    send(res, stored.status, stored.body, 'application/json', { Location: `/orders/${id}` });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  const stopListening = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  await listen(0);
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/orders`,
    tokenUrl: `http://127.0.0.1:${port}/token`,
    get tokensIssued() {
      return tokensIssued;
    },
    revokeTokens: () => tokens.clear(),
    received,
    requests,
    get calls() {
      return state.calls;
    },
    get replays() {
      return state.replays;
    },
    setMode: async (next) => {
      if (next === 'refuse' && mode !== 'refuse') await stopListening();
      if (next !== 'refuse' && mode === 'refuse') await listen(port);
      // Requests left hanging by `timeout` are cut: the client has given up on them anyway.
      if (mode === 'timeout' && next !== 'timeout') server.closeAllConnections();
      mode = next;
    },
    close: () => (mode === 'refuse' ? Promise.resolve() : stopListening()),
  };
}

function fail(req: IncomingMessage, res: ServerResponse, options: ErpServerOptions): void {
  const how = options.failWith ?? 503;
  if (how === 'reset') {
    req.socket.destroy();
  } else if (how === 'timeout') {
    // Say nothing; the client gives up on its own timeout, close() drops the connection.
  } else {
    const extra: Record<string, string> = options.retryAfter ? { 'Retry-After': options.retryAfter } : {};
    send(res, 503, 'ERP temporarily unavailable', 'text/plain', extra);
  }
}

function send(
  res: ServerResponse,
  status: number,
  body: string,
  contentType: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'Content-Type': contentType, ...headers });
  res.end(body);
}

function header(req: IncomingMessage, name: string): string | null {
  const v = req.headers[name];
  return typeof v === 'string' ? v : null;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
