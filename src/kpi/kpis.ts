/**
 * The indicators a sales-administration manager asks for, computed from the audit trail and the
 * outboxes: backlog now, SLA kept, time from arrival to the ERP, touchless rate, operators'
 * corrections, volume per day, why orders went to review, operator throughput. A period covers
 * the documents received in it (`from` inclusive, `to` exclusive).
 */
import type { Queryable } from '../db/db.ts';

export interface Period {
  from: Date;
  to: Date;
  /** Whose days `perDay` counts (default UTC): the business's time zone on the dashboard. */
  timeZone?: string;
}

export interface Kpis {
  backlog: Array<{ stage: string; channel: string; count: number }>;
  sla: { delivered: number; withinSla: number; rate: number | null };
  arrivalToErp: { median: number | null; p90: number | null };
  touchlessByChannel: Array<{ channel: string; orders: number; touchless: number; rate: number }>;
  touchlessByCustomer: Array<{ customer: string; orders: number; touchless: number; rate: number }>;
  corrections: { reviewedOrders: number; corrections: number; perOrder: number | null };
  correctionsByField: Array<{ field: string; count: number }>;
  perDay: Array<{ day: string; orders: number; lines: number }>;
  reviewReasons: Array<{ code: string; orders: number }>;
  operators: Array<{ operator: string; approved: number; rejected: number; corrected: number }>;
}

const rate = (a: number, b: number) => (b === 0 ? null : a / b);

export async function computeKpis(q: Queryable, p: Period): Promise<Kpis> {
  const span = [p.from, p.to];
  const inPeriod = `d.received_at >= $1 AND d.received_at < $2`;

  const backlog = await q.query<{ stage: string; channel: string; count: number }>(
    `SELECT 'document ' || status AS stage, channel, count(*)::int AS count FROM documents
      WHERE status IN ('received', 'processing') GROUP BY status, channel
     UNION ALL
     SELECT 'order ' || o.status, d.channel, count(*)::int FROM orders o JOIN documents d ON d.id = o.document_id
      WHERE o.status IN ('review', 'accepted') GROUP BY o.status, d.channel
     UNION ALL
     SELECT 'erp ' || b.status, d.channel, count(*)::int FROM erp_outbox b JOIN orders o ON o.id = b.order_id
       JOIN documents d ON d.id = o.document_id WHERE b.status IN ('pending', 'failed') GROUP BY b.status, d.channel
     ORDER BY 1, 2`,
  );

  const [sla] = await q.query<{
    delivered: number;
    within: number;
    median: number | null;
    p90: number | null;
  }>(
    `SELECT count(*)::int AS delivered,
            count(*) FILTER (WHERE b.delivered_at <= o.due_at)::int AS within,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM b.delivered_at - d.received_at))::float8 AS median,
            percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM b.delivered_at - d.received_at))::float8 AS p90
       FROM erp_outbox b JOIN orders o ON o.id = b.order_id JOIN documents d ON d.id = o.document_id
      WHERE b.status = 'delivered' AND ${inPeriod}`,
    span,
  );

  // Touchless: accepted by the machine (nobody decided it), out of every order not rejected.
  const touchless = `count(*) FILTER (WHERE o.decided_by IS NULL AND o.status IN ('accepted', 'delivered'))::int`;
  const byChannel = await q.query<{ channel: string; orders: number; touchless: number }>(
    `SELECT d.channel, count(*)::int AS orders, ${touchless} AS touchless
       FROM orders o JOIN documents d ON d.id = o.document_id
      WHERE o.status <> 'rejected' AND ${inPeriod} GROUP BY d.channel ORDER BY d.channel`,
    span,
  );
  const byCustomer = await q.query<{ customer: string; orders: number; touchless: number }>(
    `SELECT coalesce(o.customer_id, '?') AS customer, count(*)::int AS orders, ${touchless} AS touchless
       FROM orders o JOIN documents d ON d.id = o.document_id
      WHERE o.status <> 'rejected' AND ${inPeriod} GROUP BY 1 ORDER BY 1`,
    span,
  );

  const [corr] = await q.query<{ reviewed: number; corrections: number }>(
    `SELECT count(DISTINCT o.id)::int AS reviewed,
            (SELECT count(*)::int FROM events e JOIN orders o2 ON o2.id = e.order_id JOIN documents d ON d.id = o2.document_id
              WHERE e.kind = 'order.field_corrected' AND ${inPeriod}) AS corrections
       FROM orders o JOIN documents d ON d.id = o.document_id
      WHERE o.decided_by IS NOT NULL AND ${inPeriod}`,
    span,
  );
  const byField = await q.query<{ field: string; count: number }>(
    `SELECT regexp_replace(e.field, '\\[\\d+\\]', '[]', 'g') AS field, count(*)::int AS count
       FROM events e JOIN orders o ON o.id = e.order_id JOIN documents d ON d.id = o.document_id
      WHERE e.kind = 'order.field_corrected' AND ${inPeriod}
      GROUP BY 1 ORDER BY count DESC, field`,
    span,
  );

  const perDay = await q.query<{ day: string; orders: number; lines: number }>(
    `SELECT to_char(d.received_at AT TIME ZONE $3, 'YYYY-MM-DD') AS day, count(DISTINCT o.id)::int AS orders,
            count(l.*)::int AS lines
       FROM orders o JOIN documents d ON d.id = o.document_id LEFT JOIN order_lines l ON l.order_id = o.id
      WHERE ${inPeriod} GROUP BY 1 ORDER BY 1`,
    [...span, p.timeZone ?? 'UTC'],
  );

  // Why orders went to a person: the machine's findings that kept them from passing, not what is
  // left after the operator's approval re-validated the order.
  const reasons = await q.query<{ code: string; orders: number }>(
    `SELECT f.code, count(DISTINCT o.id)::int AS orders
       FROM orders o JOIN documents d ON d.id = o.document_id JOIN findings f ON f.order_id = o.id
      WHERE (o.decided_by IS NOT NULL OR o.status = 'review') AND f.origin = 'machine'
        AND f.severity <> 'info' AND ${inPeriod}
      GROUP BY f.code ORDER BY orders DESC, f.code`,
    span,
  );

  const operators = await q.query<{
    operator: string;
    approved: number;
    rejected: number;
    corrected: number;
  }>(
    `SELECT substr(e.actor, 6) AS operator,
            count(*) FILTER (WHERE e.kind = 'order.approved')::int AS approved,
            count(*) FILTER (WHERE e.kind = 'order.rejected')::int AS rejected,
            count(*) FILTER (WHERE e.kind = 'order.field_corrected')::int AS corrected
       FROM events e
      WHERE e.actor LIKE 'user:%' AND e.kind IN ('order.approved', 'order.rejected', 'order.field_corrected')
        AND e.at >= $1 AND e.at < $2
      GROUP BY 1 ORDER BY approved DESC, operator`,
    span,
  );

  return {
    backlog,
    sla: {
      delivered: sla?.delivered ?? 0,
      withinSla: sla?.within ?? 0,
      rate: rate(sla?.within ?? 0, sla?.delivered ?? 0),
    },
    arrivalToErp: { median: sla?.median ?? null, p90: sla?.p90 ?? null },
    touchlessByChannel: byChannel.map((r) => ({ ...r, rate: r.touchless / r.orders })),
    touchlessByCustomer: byCustomer.map((r) => ({ ...r, rate: r.touchless / r.orders })),
    corrections: {
      reviewedOrders: corr?.reviewed ?? 0,
      corrections: corr?.corrections ?? 0,
      perOrder: rate(corr?.corrections ?? 0, corr?.reviewed ?? 0),
    },
    correctionsByField: byField,
    perDay,
    reviewReasons: reasons,
    operators,
  };
}

/** One KPI table as CSV (RFC 4180), for the dashboard's export links. */
export function toCsv(rows: Array<Record<string, unknown>>): string {
  if (rows.length === 0) return '';
  const cols = Object.keys(rows[0]!);
  const cell = (v: unknown) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [cols.join(','), ...rows.map((r) => cols.map((c) => cell(r[c])).join(','))].join('\r\n') + '\r\n';
}
