/**
 * The operations pages of the workspace: the KPI dashboard (and its CSV), the archive search,
 * the download of an original document, and, for admins, what operators taught the system.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type SearchQuery, searchArchive } from '../archive/search.ts';
import type { AppContext } from '../context.ts';
import { HttpError } from '../http/errors.ts';
import { computeKpis, toCsv } from '../kpi/kpis.ts';
import { getBlob } from '../store/blobs.ts';
import { logEvents } from '../store/events.ts';
import { oldestUndeliveredSeconds } from '../erp/outbox.ts';
import { retryFailedDeliveries } from '../erp/retry.ts';
import { checkCsrf, operatorOf, requireOperator } from './auth.ts';
import { dateParam } from './input.ts';
import { idParam, pageOf, sendHtml } from './page.ts';
import { problemsOf, processReports } from '../monitor/status.ts';
import {
  dashboardView,
  type LearnedFieldRow,
  layout,
  rejectedView,
  learnedView,
  searchView,
  type SystemState,
} from './views.ts';
import type { Queryable } from '../db/db.ts';
import { dayIn, startOfDay } from '../sla/calendar.ts';
import { html } from '../web/html.ts';
import { personDate } from './person-date.ts';
import { listRejectedDocuments } from './queue.ts';
import { layoutsView } from './learned-layouts-view.ts';
import { PARTS } from '../learn/model.ts';
import { listLayouts, switchOff } from '../learn/store.ts';

/** Types an original is served as; anything else (say, text/html from a sender) as bytes. */
const SERVED_AS = new Set([
  'application/pdf',
  'image/tiff',
  'image/png',
  'image/jpeg',
  'message/rfc822',
  'application/json',
  'application/edifact',
  'text/plain',
]);

export async function opsRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  // What the system learned from operators, for admins to see and switch off.
  await app.register(async (admin) => {
    admin.addHook('onRequest', requireOperator(ctx, { admin: true }));
    admin.get('/review/admin/learned', async (request, reply) => {
      const op = operatorOf(request);
      const p = pageOf(request, op, ctx.config.sla.calendar.timeZone);
      const fields = await ctx.db.query<LearnedFieldRow>(
        `SELECT id, customer_id, field, label, version, active, created_by, created_at, order_id
           FROM learned_fields ORDER BY customer_id, field, version DESC`,
      );
      const refs = await ctx.db.query<{
        customer_id: string;
        customer_ref: string;
        sku: string;
        updated_at: Date;
      }>(
        `SELECT customer_id, customer_ref, sku, updated_at FROM cross_refs ORDER BY updated_at DESC LIMIT 200`,
      );
      const layouts = layoutsView(p, await listLayouts(ctx.db));
      return sendHtml(reply, layout(p, p.t.learned, html`${learnedView(p, fields, refs)}${layouts}`));
    });
    // A learned layout, or one part of it (`part`), switched off; logged with the admin as actor.
    admin.post('/review/admin/layouts/:id/off', async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      checkCsrf(request, body._csrf);
      const part = typeof body.part === 'string' && body.part !== '' ? body.part : null;
      if (part !== null && !(PARTS as readonly string[]).includes(part)) {
        throw new HttpError('bad_request', `no layout part "${part}"`);
      }
      const op = operatorOf(request);
      const id = idParam(request);
      await ctx.db.transaction((tx) => switchOff(tx, id, part, `user:${op.login}`));
      return reply.redirect(`/review/admin/learned#layout-${id}`, 303);
    });
    admin.post('/review/admin/learned/:id/deactivate', async (request, reply) => {
      checkCsrf(request, ((request.body ?? {}) as Record<string, unknown>)._csrf);
      const op = operatorOf(request);
      const id = idParam(request);
      await ctx.db.transaction(async (tx) => {
        const rows = await tx.query<{ customer_id: string; field: string; label: string }>(
          `UPDATE learned_fields SET active = false WHERE id = $1 AND active RETURNING customer_id, field, label`,
          [id],
        );
        if (rows[0]) {
          await logEvents(tx, [
            { actor: `user:${op.login}`, kind: 'template.unlearned', field: rows[0].field, detail: rows[0] },
          ]);
        }
      });
      return reply.redirect('/review/admin/learned', 303);
    });
    // Failed ERP deliveries sent again: one order's (order screen) or all (dashboard).
    admin.post('/review/admin/erp/retry', async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      checkCsrf(request, body._csrf);
      const raw = body.order_id;
      const orderId = raw === undefined || raw === '' ? null : Number(raw);
      if (orderId !== null && (!Number.isSafeInteger(orderId) || orderId <= 0)) {
        throw new HttpError('bad_request', 'order_id must be an order id');
      }
      const report = await retryFailedDeliveries(
        ctx.db,
        orderId === null ? { all: true } : { orderIds: [orderId] },
        `user:${operatorOf(request).login}`,
      );
      ctx.log.info('failed ERP deliveries sent again', {
        orderIds: report.queued.map((q) => q.orderId),
        by: operatorOf(request).login,
      });
      return reply.redirect(orderId === null ? '/review/dashboard' : `/review/orders/${orderId}`, 303);
    });
  });

  await app.register(async (scoped) => {
    scoped.addHook('onRequest', requireOperator(ctx));

    const periodOf = (request: FastifyRequest) => {
      const raw = request.query as Record<string, string | undefined>;
      // A day-first date is read; one that is no real day is a 400 page, never silently dropped.
      const ok = (v: string | undefined, what: string) => {
        const d = personDate(v);
        if (d && !d.ok) dateParam(d.typed, what);
        return d?.ok ? d.iso : null;
      };
      // Days are the business's days (its time zone), as every time a person reads.
      const zone = ctx.config.sla.calendar.timeZone;
      const shift = (day: string, days: number) =>
        new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
      const to = ok(raw.to, 'to') ?? dayIn(new Date(), zone);
      const from = ok(raw.from, 'from') ?? shift(to, -6);
      // `to` is inclusive for people: the period ends at the start of the next day.
      return {
        from,
        to,
        range: { from: startOfDay(from, zone), to: startOfDay(shift(to, 1), zone), timeZone: zone },
      };
    };

    scoped.get('/review/dashboard', async (request, reply) => {
      const op = operatorOf(request);
      const p = pageOf(request, op, ctx.config.sla.calendar.timeZone);
      const period = periodOf(request);
      const k = await computeKpis(ctx.db, period.range);
      const system = await systemState(ctx.db);
      const rejected = rejectedView(p, await listRejectedDocuments(ctx.db));
      return sendHtml(
        reply,
        layout(p, p.t.dashboard, html`${dashboardView(p, k, period, system)}${rejected}`),
      );
    });

    scoped.get('/review/dashboard.csv', async (request, reply) => {
      const period = periodOf(request);
      const table = (request.query as { table?: string }).table ?? '';
      const k = await computeKpis(ctx.db, period.range);
      const rows = (k as unknown as Record<string, unknown>)[table];
      if (!Array.isArray(rows)) throw new HttpError('not_found', `no KPI table "${table}"`);
      return reply
        .type('text/csv; charset=utf-8')
        .header('Content-Disposition', `attachment; filename="${table}-${period.from}-${period.to}.csv"`)
        .send(toCsv(rows));
    });

    scoped.get('/review/search', async (request, reply) => {
      const op = operatorOf(request);
      const p = pageOf(request, op, ctx.config.sla.calendar.timeZone);
      const raw = request.query as Record<string, string | undefined>;
      // A date the person typed and we cannot read is said, never silently dropped nor a 500.
      const problems: string[] = [];
      const date = (v: string | undefined) => {
        const d = personDate(v);
        if (d && !d.ok) problems.push(p.t.badDate(d.typed));
        return d?.ok ? d.iso : undefined;
      };
      const query: SearchQuery = {
        text: raw.text,
        customer: raw.customer,
        po: raw.po,
        article: raw.article,
        from: date(raw.from),
        to: date(raw.to),
        status: raw.status,
        channel: raw.channel,
      };
      const asked = Object.values(query).some((v) => v !== undefined && v.trim() !== '');
      const hits = asked && problems.length === 0 ? await searchArchive(ctx.db, query) : null;
      const shown = { ...query, from: query.from ?? raw.from, to: query.to ?? raw.to };
      return sendHtml(
        reply,
        layout(p, p.t.searchTitle, searchView(p, shown, hits, problems)),
        problems.length > 0 ? 400 : 200,
      );
    });

    scoped.get('/review/documents/:id/original', async (request, reply) => {
      const id = idParam(request);
      const [doc] = await ctx.db.query<{
        sha256: string;
        filename: string | null;
        content_type: string | null;
        channel: string;
      }>(`SELECT sha256, filename, content_type, channel FROM documents WHERE id = $1`, [id]);
      const bytes = doc ? await getBlob(ctx.db, doc.sha256) : null;
      if (!doc || !bytes) throw new HttpError('not_found', `document ${id} has no stored original`);
      const name = (doc.filename ?? `document-${id}`).replace(/[^\w.\-+@]/g, '_');
      await logEvents(ctx.db, [
        { actor: `user:${operatorOf(request).login}`, kind: 'document.downloaded', documentId: id },
      ]);
      return reply
        .type(
          SERVED_AS.has(doc.content_type?.split(';')[0]?.trim().toLowerCase() ?? '')
            ? doc.content_type!
            : 'application/octet-stream',
        )
        .header('Content-Disposition', `attachment; filename="${name}"`)
        .send(bytes);
    });
  });
}

/** What needs a person now: parts not running, stale processes, orders the ERP keeps refusing. */
async function systemState(db: Queryable): Promise<SystemState> {
  const problems = problemsOf(await processReports(db));
  const [erp] = await db.query<{ n: number; last_error: string | null }>(
    `SELECT count(*)::int8 AS n,
            (SELECT last_error FROM erp_outbox WHERE status = 'pending' AND last_error IS NOT NULL
              ORDER BY next_attempt_at DESC LIMIT 1) AS last_error
       FROM erp_outbox WHERE status = 'pending' AND last_error IS NOT NULL`,
  );
  const [failed] = await db.query<{ n: number; last_error: string | null }>(
    `SELECT count(*)::int8 AS n,
            (SELECT last_error FROM erp_outbox WHERE status = 'failed' ORDER BY created_at DESC LIMIT 1)
              AS last_error
       FROM erp_outbox WHERE status = 'failed'`,
  );
  return {
    problems,
    erpWaiting: erp?.n ?? 0,
    erpLastError: erp?.last_error ?? null,
    erpFailed: failed?.n ?? 0,
    erpFailedLastError: failed?.last_error ?? null,
    erpOldestSeconds: await oldestUndeliveredSeconds(db),
  };
}
