import { randomUUID } from 'node:crypto';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { AppContext } from '../context.ts';
import type { Logger } from '../log.ts';
import { errorResponse, HttpError, pathOf } from './errors.ts';
import { httpSeconds } from '../metrics.ts';
import { openApiRoutes, registerOpenApi } from './openapi.ts';

/** No external sources at all: scripts, styles and forms come from this server only. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  // same-origin, not no-referrer: with no-referrer browsers send `Origin: null` on our own form
  // posts, and the Origin check of the sign-in form could no longer tell them from foreign ones.
  'Referrer-Policy': 'same-origin',
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * A part of the HTTP application (intake, portal, review, health): what it adds to the server.
 * src/app.ts lists them; the server itself knows none.
 */
export interface HttpPlugin {
  readonly name: string;
  /** Adds the plugin's routes, each part in its own encapsulated context if it needs one. */
  register(app: FastifyInstance, ctx: AppContext): Promise<void>;
  /**
   * Unknown paths under `prefix` are answered by `handler` (a page in the person's language)
   * instead of the JSON 404.
   */
  notFound?: {
    prefix: string;
    handler: (ctx: AppContext) => (err: HttpError, request: FastifyRequest, reply: FastifyReply) => unknown;
  };
}

/** Who the request acted for, in the request log: set by the plugin that signed the customer in. */
const customers = new WeakMap<FastifyRequest, string>();

export function noteCustomer(request: FastifyRequest, customerId: string): void {
  customers.set(request, customerId);
}

/**
 * The HTTP server with the given plugins. Not listening yet: the caller listens (service) or
 * injects requests (tests). It owns no resource of its own; the database in `ctx` belongs to the
 * caller.
 */
export async function buildHttpServer(
  ctx: AppContext,
  plugins: readonly HttpPlugin[],
): Promise<FastifyInstance> {
  const { headersTimeoutMs, requestTimeoutMs, idleTimeoutMs } = ctx.config.http;
  const app = Fastify({
    bodyLimit: ctx.config.http.bodyLimitBytes,
    // Slow clients (slowloris): headers and the whole request each have a deadline (408), and a
    // connection on which nothing moves is closed. Node checks the deadlines every
    // connectionsCheckingInterval, so that interval is kept well under the shortest of them.
    requestTimeout: requestTimeoutMs,
    connectionTimeout: idleTimeoutMs,
    http: {
      headersTimeout: headersTimeoutMs,
      requestTimeout: requestTimeoutMs,
      connectionsCheckingInterval: Math.max(25, Math.min(30_000, Math.floor(headersTimeoutMs / 4))),
    },
    logger: false,
    return503OnClosing: true,
    // Ids are ours; a client-chosen id could forge or collide with log lines.
    requestIdHeader: false,
    genReqId: () => randomUUID(),
    // Only the configured proxy may say who the client is; anyone else could forge the header.
    trustProxy: ctx.config.http.trustProxy.length > 0 ? ctx.config.http.trustProxy : false,
  });
  app.addHook('onSend', async (_request, reply) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
    // Every answer here is about one customer's orders unless a route says otherwise.
    if (!reply.hasHeader('Cache-Control')) reply.header('Cache-Control', 'no-store');
  });
  app.addHook('onResponse', async (request, reply) => {
    logRequest(ctx.log, request, reply);
    httpSeconds.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status_code: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const r = errorResponse(ctx, request, err);
    if (r.body.error.code === 'unauthorized')
      reply.header('WWW-Authenticate', 'Bearer realm="order-capture"');
    return reply.code(r.status).type('application/json; charset=utf-8').send(r.body);
  });
  app.setNotFoundHandler((request, reply) => {
    const message = `no route for ${request.method} ${pathOf(request)}`;
    // A person who mistyped a page's address gets a page in their language.
    const plugin = plugins.find((p) => p.notFound && pathOf(request).startsWith(p.notFound.prefix));
    if (plugin?.notFound)
      return plugin.notFound.handler(ctx)(new HttpError('not_found', message), request, reply);
    return reply.code(404).send({ error: { code: 'not_found', message } });
  });
  // Before the routes: it learns them as they are added.
  await registerOpenApi(app);
  for (const plugin of plugins) await plugin.register(app, ctx);
  await app.register(openApiRoutes);
  return app;
}

function logRequest(log: Logger, request: FastifyRequest, reply: FastifyReply): void {
  const fields = {
    reqId: request.id,
    method: request.method,
    path: pathOf(request),
    status: reply.statusCode,
    ms: Math.round(reply.elapsedTime),
    customer: customers.get(request) ?? null,
  };
  // Requests at debug: at info they scroll the start-up banner (URL, token, password) away.
  if (reply.statusCode >= 500) log.warn('http request', fields);
  else log.debug('http request', fields);
}
