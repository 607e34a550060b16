import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import { errorResponse, HttpError, pathOf } from '../http/errors.ts';
import { verifyToken } from '../customers/tokens.ts';
import { dayIn } from '../sla/calendar.ts';
import {
  clearSessionCookie,
  csrfTokenFor,
  csrfValid,
  endPortalSession,
  findPrincipal,
  openPortalSession,
  type Principal,
  portalSessionOwner,
  principalOf,
  readCookie,
  SESSION_COOKIE,
  setSessionCookie,
  signedInCustomer,
  signInWithSession,
} from '../../connectors/http/auth.ts';
import { searchProducts } from './catalog.ts';
import { emptyForm, type FormValues, formToOrderInput, readForm } from './form.ts';
import { chooseLang, textsFor } from './i18n.ts';
import {
  findOwnOrder,
  IDEMPOTENCY_KEY,
  listOwnOrders,
  listPendingDocuments,
  parseId,
  submitWebOrder,
} from '../../connectors/http/orders.ts';
import { validateOrderInput } from '../formats/order-json/schema.ts';
import {
  confirmationView,
  messageView,
  orderDetailView,
  orderFormView,
  ordersView,
  signedInView,
  switchAccountView,
  type View,
} from './views.ts';

interface Options {
  ctx: AppContext;
}

/** Per-route flags: `open` needs no session, `json` answers errors as JSON instead of a page. */
interface RouteFlags {
  open?: boolean;
  json?: boolean;
}

const flags = (request: FastifyRequest) => (request.routeOptions.config ?? {}) as RouteFlags;

function viewOf(request: FastifyRequest): View {
  const lang = chooseLang(request.headers['accept-language']);
  const p = findPrincipal(request);
  return {
    lang,
    t: textsFor(lang),
    ...(p ? { session: { customerName: p.customerName, csrf: csrfTokenFor(p) } } : {}),
  };
}

const sendHtml = (reply: FastifyReply, body: string) => reply.type('text/html; charset=utf-8').send(body);

/** The one request that may come without a session: the link carrying `?token=`. */
const tokenInQuery = (request: FastifyRequest): string | null => {
  const token = (request.query as { token?: unknown } | undefined)?.token;
  return request.method === 'GET' && pathOf(request) === '/portal' && typeof token === 'string'
    ? token
    : null;
};

/** A form post that did not come from a page of this site (no Origin, or another one). */
function notFromHere(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (!origin) return true;
  try {
    return new URL(origin).host !== request.headers.host;
  } catch {
    return true;
  }
}

/**
 * The customer portal: order form, order list and status. The token arrives once in the link
 * (`/portal?token=`) and opens a portal session of its own (hashed, expiring, ended by logout)
 * kept in an HttpOnly SameSite=Strict cookie; every form post carries a CSRF token bound to that
 * session. A link for another customer than the browser's session asks before switching.
 */
export async function portalRoutes(app: FastifyInstance, { ctx }: Options): Promise<void> {
  await app.register(formbody);
  const asset = (name: string) => readFile(new URL(`./assets/${name}`, import.meta.url), 'utf8');
  const [script, style] = await Promise.all([asset('portal.js'), asset('portal.css')]);

  app.addHook('onRequest', async (request) => {
    if (flags(request).open || tokenInQuery(request)) return;
    if (!(await signInWithSession(ctx, request))) {
      throw new HttpError('unauthorized', 'open the portal with the link that carries your access token');
    }
  });
  app.setErrorHandler((err, request, reply) => {
    const r = errorResponse(ctx, request, err);
    if (flags(request).json) return reply.code(r.status).send(r.body);
    const v = viewOf(request);
    const text = r.status === 401 ? v.t.signInNeeded : r.status === 404 ? v.t.notFound : r.body.error.message;
    return sendHtml(reply.code(r.status), messageView(v, v.t.error, text));
  });

  const open = { config: { open: true } };
  app.get('/portal/assets/portal.js', open, (_req, reply) =>
    reply.type('text/javascript; charset=utf-8').header('Cache-Control', 'public, max-age=300').send(script),
  );
  app.get('/portal/assets/portal.css', open, (_req, reply) =>
    reply.type('text/css; charset=utf-8').header('Cache-Control', 'public, max-age=300').send(style),
  );

  const openSession = async (request: FastifyRequest, reply: FastifyReply, token: string) => {
    const v = viewOf(request);
    const session = await openPortalSession(ctx.db, token);
    if (!session) return sendHtml(reply.code(401), messageView(v, v.t.error, v.t.linkInvalid));
    setSessionCookie(request, reply, session.cookie, session.owner.customerId);
    return sendHtml(reply, signedInView(v));
  };

  app.get('/portal', async (request, reply) => {
    const token = tokenInQuery(request);
    if (token === null) return sendHtml(reply, formPage(request, emptyForm(), []));
    const v = viewOf(request);
    const owner = await verifyToken(ctx.db, token);
    if (!owner) return sendHtml(reply.code(401), messageView(v, v.t.error, v.t.linkInvalid));
    // A followed link from another site brings the Lax "who" cookie, not the Strict session one.
    const current =
      (await portalSessionOwner(ctx.db, readCookie(request, SESSION_COOKIE)))?.customerId ??
      signedInCustomer(request);
    if (current !== null && current !== owner.customerId) {
      return sendHtml(reply, switchAccountView(v, owner.customerName, token));
    }
    return openSession(request, reply, token);
  });

  app.post('/portal/switch', open, async (request, reply) => {
    const v = viewOf(request);
    if (notFromHere(request)) return sendHtml(reply.code(403), messageView(v, v.t.error, v.t.formExpired));
    const token = (request.body as Record<string, unknown> | undefined)?.token;
    if (typeof token !== 'string')
      return sendHtml(reply.code(401), messageView(v, v.t.error, v.t.linkInvalid));
    await endPortalSession(ctx.db, readCookie(request, SESSION_COOKIE));
    return openSession(request, reply, token);
  });

  app.get('/portal/products', { config: { json: true } }, async (request) => {
    const q = (request.query as { q?: unknown }).q;
    return searchProducts(ctx.db, principalOf(request).customerId, typeof q === 'string' ? q : '');
  });

  app.post('/portal/orders', async (request, reply) => postOrder(ctx, request, reply));

  app.get('/portal/orders', async (request, reply) => {
    const { customerId } = principalOf(request);
    const [orders, pending] = [
      await listOwnOrders(ctx.db, customerId),
      await listPendingDocuments(ctx.db, customerId),
    ];
    const v = { ...viewOf(request), timeZone: ctx.config.sla.calendar.timeZone };
    return sendHtml(reply, ordersView(v, orders, pending));
  });

  app.get('/portal/orders/:id', async (request, reply) => {
    const id = parseId((request.params as { id?: unknown }).id);
    const own = id === null ? null : await findOwnOrder(ctx.db, principalOf(request).customerId, id);
    if (!own) throw new HttpError('not_found', 'no such order');
    return sendHtml(
      reply,
      orderDetailView({ ...viewOf(request), timeZone: ctx.config.sla.calendar.timeZone }, own),
    );
  });

  app.post('/portal/logout', async (request, reply) => {
    checkCsrf(request);
    const v = viewOf(request);
    await endPortalSession(ctx.db, readCookie(request, SESSION_COOKIE));
    clearSessionCookie(reply);
    return sendHtml(reply, messageView({ t: v.t, lang: v.lang }, v.t.signedOut, v.t.signedOut));
  });
}

function checkCsrf(request: FastifyRequest): Principal {
  const principal = principalOf(request);
  const given = (request.body as Record<string, unknown> | undefined)?._csrf;
  if (!csrfValid(principal, given)) throw new HttpError('forbidden', viewOf(request).t.formExpired);
  return principal;
}

function formPage(
  request: FastifyRequest,
  values: FormValues,
  errors: Array<{ field: string; message: string }>,
) {
  const raw = (request.body as Record<string, unknown> | undefined)?.submissionId;
  const submissionId = typeof raw === 'string' && IDEMPOTENCY_KEY.test(raw) ? raw : randomUUID();
  return orderFormView(viewOf(request), { values, errors, submissionId });
}

async function postOrder(ctx: AppContext, request: FastifyRequest, reply: FastifyReply) {
  const principal = checkCsrf(request);
  const values = readForm(request.body);
  const today = dayIn(new Date(), ctx.config.sla.calendar.timeZone);
  const checked = validateOrderInput({ ...formToOrderInput(values), orderDate: today });
  if (!checked.ok) return sendHtml(reply.code(400), formPage(request, values, checked.errors));
  const raw = (request.body as Record<string, unknown>).submissionId;
  const key = typeof raw === 'string' && IDEMPOTENCY_KEY.test(raw) ? raw : null;
  const out = await submitWebOrder(ctx, principal, checked.order, { key, via: 'portal' }).catch((err) => {
    // Back, edit, send again: the browser kept the submission id, but this is a new order.
    if (err instanceof HttpError && err.code === 'idempotency_conflict') {
      return submitWebOrder(ctx, principal, checked.order, { key: null, via: 'portal' });
    }
    throw err;
  });
  // The same form sent twice (a double click, a reload): the first order's page, said as the API says it.
  if (out.replayed) reply.header('Idempotent-Replayed', 'true');
  return sendHtml(reply, confirmationView(viewOf(request), out.receipt, checked.order.poNumber));
}
