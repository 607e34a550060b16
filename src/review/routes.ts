/**
 * The review workspace under `/review`: sign-in (auth-routes.ts), the queue, the review screen,
 * approve / reject / hold, page images; the dashboard, archive and admin pages are in
 * ops-routes.ts. Operators only: a customer token or portal cookie opens nothing
 * here, and every post carries the session's CSRF token.
 */
import { readFile } from 'node:fs/promises';
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import { fieldText, findingText, type TextLang } from '../domain/finding-texts.ts';
import { HttpError } from '../http/errors.ts';
import { getBlob } from '../store/blobs.ts';
import { pagesOf } from '../store/pages.ts';
import { authRoutes, reviewErrorHandler } from './auth-routes.ts';
import { checkCsrf, type LoginRateLimiter, operatorOf, requireOperator } from './auth.ts';
import { opsRoutes } from './ops-routes.ts';
import { ageParam, checkReviewInput, isIsoDate } from './input.ts';
import { idParam, LANG_COOKIE, pageOf, sendHtml } from './page.ts';
import { html } from '../web/html.ts';
import { approveOrder, type Correction, parkOrder, rejectOrder } from './decisions.ts';
import {
  holdOrder,
  listQueue,
  listRejectedDocuments,
  loadReviewOrder,
  nextInQueue,
  orderContext,
  type QueueFilters,
} from './queue.ts';
import { layout, queueView, rejectedView, reviewView } from './views.ts';

/** A number as people type it: `1.234,5`, `1234.5`, `0,12`; null when empty; NaN when not a number. */
export function humanNumber(raw: unknown): number | null {
  const s = String(raw ?? '').replace(/\s/g, '');
  if (s === '') return null;
  const lastComma = s.lastIndexOf(',');
  const lastDot = s.lastIndexOf('.');
  const decimal = lastComma > lastDot ? ',' : '.';
  const thousands = decimal === ',' ? '.' : ',';
  const normal = s.split(thousands).join('').replace(decimal, '.');
  return /^-?\d+(\.\d+)?$/.test(normal) ? Number(normal) : Number.NaN;
}

/** The order version a form carries; -1 (matches no order) when it is no whole number. */
const versionOf = (v: unknown): number => {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : -1;
};

const text = (v: unknown): string | null => {
  const s = String(v ?? '').trim();
  return s === '' ? null : s;
};

/** The review form as a Correction; the line inputs arrive as `lines[i][field]`. */
export function correctionOf(
  body: Record<string, unknown>,
  lang: TextLang = 'en',
): { correction: Correction; problems: string[] } {
  const problems: string[] = [];
  const lines = new Map<number, Record<string, unknown>>();
  for (const [k, v] of Object.entries(body)) {
    const m = /^lines\[(\d+)\]\[(\w+)\]$/.exec(k);
    if (!m) continue;
    const i = Number(m[1]);
    if (!lines.has(i)) lines.set(i, {});
    lines.get(i)![m[2]!] = v;
  }
  const num = (v: unknown, what: string) => {
    const n = humanNumber(v);
    if (Number.isNaN(n))
      problems.push(
        lang === 'es'
          ? `${fieldText(what, lang)}: «${String(v)}» no es un número`
          : `${fieldText(what, lang)}: "${String(v)}" is not a number`,
      );
    return Number.isNaN(n) ? null : n;
  };
  const date = (v: unknown, what: string) => {
    const s = text(v);
    if (s && !isIsoDate(s))
      problems.push(
        lang === 'es'
          ? `${fieldText(what, lang)}: «${s}» no es una fecha (AAAA-MM-DD)`
          : `${fieldText(what, lang)}: "${s}" is not a date (YYYY-MM-DD)`,
      );
    return s;
  };
  const correction: Correction = {
    version: versionOf(body.version),
    customerId: text(body.customerId),
    poNumber: text(body.poNumber),
    orderDate: date(body.orderDate, 'orderDate'),
    deliveryDate: date(body.deliveryDate, 'deliveryDate'),
    currency: text(body.currency)?.toUpperCase() ?? null,
    remember: body.remember === '1' || body.remember === 'on',
    lines: [...lines.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([i, l]) => ({
        sku: text(l.sku),
        customerRef: text(l.customerRef),
        description: text(l.description),
        quantity: num(l.quantity, `lines[${i}].quantity`),
        unit: text(l.unit)?.toUpperCase() ?? null,
        unitPrice: num(l.unitPrice, `lines[${i}].unitPrice`),
      }))
      // A row left completely empty (added and not used) is no line.
      .filter((l) => Object.values(l).some((v) => v !== null)),
  };
  return { correction, problems };
}

export async function reviewRoutes(
  app: FastifyInstance,
  { ctx, limiter }: { ctx: AppContext; limiter?: LoginRateLimiter },
): Promise<void> {
  if (!app.hasContentTypeParser('application/x-www-form-urlencoded')) await app.register(formbody);
  // Bad input is a readable 400 page on every review route, never a 500 from a query.
  app.addHook('preHandler', checkReviewInput);
  app.setErrorHandler(reviewErrorHandler(ctx));
  await app.register(authRoutes, { ctx, ...(limiter ? { limiter } : {}) });

  const asset = (name: string) => readFile(new URL(`./assets/${name}`, import.meta.url), 'utf8');
  app.get('/review/assets/review.css', async (_r, reply) =>
    reply
      .type('text/css; charset=utf-8')
      .header('Cache-Control', 'public, max-age=300')
      .send(await asset('review.css')),
  );
  app.get('/review/assets/review.js', async (_r, reply) =>
    reply
      .type('text/javascript; charset=utf-8')
      .header('Cache-Control', 'public, max-age=300')
      .send(await asset('review.js')),
  );

  await app.register(opsRoutes, { ctx });

  await app.register(async (scoped) => {
    scoped.addHook('onRequest', requireOperator(ctx));

    scoped.get('/review', async (request, reply) => {
      const op = operatorOf(request);
      const q = request.query as Record<string, string | undefined>;
      const age = ageParam(q.age);
      const filters: QueueFilters = {
        channel: q.channel,
        customer: q.customer,
        code: q.code,
        ...(age !== undefined ? { olderThanHours: age } : {}),
      };
      const items = await listQueue(ctx.db, filters, op.id);
      const p = pageOf(request, op, ctx.config.sla.calendar.timeZone);
      const flash = typeof q.done === 'string' ? q.done : null;
      // Admins also see what was rejected without an order (a drop-folder file nobody could read).
      const rejected = op.role === 'admin' ? rejectedView(p, await listRejectedDocuments(ctx.db)) : html``;
      return sendHtml(reply, layout(p, p.t.title, html`${queueView(p, items, filters)}${rejected}`, flash));
    });

    scoped.get('/review/lang', async (request, reply) => {
      const to = (request.query as { to?: string }).to === 'en' ? 'en' : 'es';
      reply.header(
        'Set-Cookie',
        `${LANG_COOKIE}=${to}; Path=/review; HttpOnly; SameSite=Strict; Max-Age=31536000`,
      );
      return reply.redirect('/review', 303);
    });

    scoped.get('/review/next', async (request, reply) => {
      const op = operatorOf(request);
      const q = request.query as { after?: string; done?: string };
      const after = Number(q.after);
      const next = await nextInQueue(ctx.db, op.id, Number.isSafeInteger(after) ? after : undefined);
      // What was just done stays said on the page the operator lands on, the next order too.
      const done = q.done ? `?done=${encodeURIComponent(q.done)}` : '';
      return reply.redirect(next ? `/review/orders/${next}${done}` : `/review${done}`, 303);
    });

    const showOrder = async (
      request: FastifyRequest,
      reply: FastifyReply,
      id: number,
      errors: string[] = [],
      status = 200,
    ) => {
      const op = operatorOf(request);
      const mine = await holdOrder(ctx.db, id, op.id);
      const order = await loadReviewOrder(ctx.db, id);
      if (!order) throw new HttpError('not_found', `order ${id} does not exist`);
      const [pages, catalog, history] = await Promise.all([
        pagesOf(ctx.db, order.document_id),
        ctx.db.query<{ sku: string; description: string; unit: string; price: number }>(
          `SELECT p.sku, p.description, p.unit, coalesce(pr.unit_price, p.unit_price)::float8 AS price
             FROM products p LEFT JOIN prices pr ON pr.sku = p.sku AND pr.customer_id = $1
            ORDER BY p.sku LIMIT 2000`,
          [order.data.customer.id],
        ),
        ctx.db.query<{
          at: Date;
          actor: string;
          kind: string;
          field: string | null;
          old_value: unknown;
          new_value: unknown;
        }>(
          `SELECT at, actor, kind, field, old_value, new_value FROM events
            WHERE order_id = $1 ORDER BY id`,
          [id],
        ),
      ]);
      const p = pageOf(request, op, ctx.config.sla.calendar.timeZone);
      const context = await orderContext(ctx.db, order.data);
      const readOnly = order.status !== 'review' || !mine;
      const body = reviewView(p, {
        order,
        pages: pages.map((pg) => ({ ...pg, has_image: pg.image_sha256 !== null })),
        catalog,
        readOnly,
        errors,
        history,
        context,
      });
      const done = (request.query as { done?: unknown }).done;
      const flash = typeof done === 'string' && errors.length === 0 ? done : null;
      return sendHtml(reply, layout(p, order.data.poNumber ?? `#${id}`, body, flash), status);
    };

    scoped.get('/review/orders/:id', async (request, reply) => showOrder(request, reply, idParam(request)));

    scoped.get('/review/documents/:doc/pages/:page', async (request, reply) => {
      const { doc, page } = request.params as { doc: string; page: string };
      const docId = Number(doc);
      const pageNo = Number(page.replace(/\.png$/, ''));
      const [row] = await ctx.db.query<{ image_sha256: string | null }>(
        `SELECT image_sha256 FROM document_pages WHERE document_id = $1 AND page_no = $2`,
        [Number.isSafeInteger(docId) ? docId : 0, Number.isSafeInteger(pageNo) ? pageNo : 0],
      );
      const bytes = row?.image_sha256 ? await getBlob(ctx.db, row.image_sha256) : null;
      if (!bytes) throw new HttpError('not_found', 'no such page image');
      return reply.type('image/png').header('Cache-Control', 'private, max-age=3600').send(bytes);
    });

    scoped.post('/review/orders/:id/approve', async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      checkCsrf(request, body._csrf);
      const op = operatorOf(request);
      const id = idParam(request);
      const { t, lang } = pageOf(request, op, ctx.config.sla.calendar.timeZone);
      const { correction, problems } = correctionOf(body, lang);
      if (problems.length > 0) return showOrder(request, reply, id, problems, 422);
      const r = await approveOrder(ctx, op, id, correction);
      if (r.ok)
        return reply.redirect(`/review/next?after=${id}&done=${encodeURIComponent(t.approved(id))}`, 303);
      if (r.reason === 'invalid') {
        const said = r.findings?.map((f) => findingText(f, lang)) ?? r.messages;
        return showOrder(request, reply, id, said, 422);
      }
      const message =
        r.reason === 'decided'
          ? t.alreadyDecided(r.messages[0] ?? '')
          : r.reason === 'held'
            ? t.heldByOther(r.messages[0] ?? '')
            : t.changed;
      return showOrder(request, reply, id, [message], 409);
    });

    scoped.post('/review/orders/:id/hold', async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      checkCsrf(request, body._csrf);
      const op = operatorOf(request);
      const id = idParam(request);
      const r = await parkOrder(ctx, op, id, versionOf(body.version), text(body.reason));
      if (!r.ok)
        return showOrder(
          request,
          reply,
          id,
          [pageOf(request, op, ctx.config.sla.calendar.timeZone).t.changed],
          409,
        );
      return reply.redirect(`/review/next?after=${id}`, 303);
    });

    scoped.post('/review/orders/:id/reject', async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      checkCsrf(request, body._csrf);
      const op = operatorOf(request);
      const id = idParam(request);
      const t = pageOf(request, op, ctx.config.sla.calendar.timeZone).t;
      const reason = text(body.reason);
      if (!reason) return showOrder(request, reply, id, [t.reasonNeeded], 422);
      const r = await rejectOrder(ctx, op, id, versionOf(body.version), reason);
      if (!r.ok) return showOrder(request, reply, id, [t.changed], 409);
      return reply.redirect(`/review/next?after=${id}&done=${encodeURIComponent(t.rejected(id))}`, 303);
    });
  });
}
