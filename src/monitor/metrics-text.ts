import type { Queryable } from '../db/db.ts';
import { oldestUndeliveredSeconds } from '../erp/outbox.ts';
import { CHANNELS, type DocumentStatus, type OrderStatus } from '../domain/document.ts';

const DOCUMENT_STATUSES: DocumentStatus[] = ['received', 'processing', 'processed', 'rejected'];
const ORDER_STATUSES: OrderStatus[] = ['accepted', 'review', 'rejected', 'delivered', 'failed'];

type Labels = Record<string, string>;

interface Metric {
  name: string;
  help: string;
  samples: Array<{ labels: Labels; value: number }>;
}

/** Prometheus label values escape backslash, double quote and newline. */
const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

function render(metrics: Metric[]): string {
  const out: string[] = [];
  for (const m of metrics) {
    out.push(`# HELP ${m.name} ${m.help}`, `# TYPE ${m.name} gauge`);
    for (const { labels, value } of m.samples) {
      const l = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
      out.push(`${m.name}${l.length ? `{${l.join(',')}}` : ''} ${value}`);
    }
  }
  return `${out.join('\n')}\n`;
}

/** channel x status counts with every known pair present, so a series exists before its first event. */
async function byChannelAndStatus(q: Queryable, sql: string, statuses: string[]) {
  const rows = await q.query<{ channel: string; status: string; n: number }>(sql);
  const count = new Map(rows.map((r) => [`${r.channel}/${r.status}`, r.n]));
  for (const r of rows) if (!statuses.includes(r.status)) statuses.push(r.status);
  return CHANNELS.flatMap((channel) =>
    statuses.map((status) => ({
      labels: { channel, status },
      value: count.get(`${channel}/${status}`) ?? 0,
    })),
  );
}

/**
 * The metrics as Prometheus text, computed from the database on each scrape: several processes
 * share one database, so only the database knows the totals. Counts are of current rows (a
 * document moves from `received` to `processed`), hence gauges.
 */
export async function renderMetrics(q: Queryable): Promise<string> {
  const documents = await byChannelAndStatus(
    q,
    `SELECT channel, status, count(*)::int8 AS n FROM documents GROUP BY channel, status`,
    [...DOCUMENT_STATUSES],
  );
  const orders = await byChannelAndStatus(
    q,
    `SELECT d.channel, o.status, count(*)::int8 AS n
       FROM orders o JOIN documents d ON d.id = o.document_id GROUP BY d.channel, o.status`,
    [...ORDER_STATUSES],
  );
  const [jobs] = await q.query<{ pending: number; dead: number; oldest: number | null }>(
    `SELECT count(*) FILTER (WHERE status = 'pending')::int8 AS pending,
            count(*) FILTER (WHERE status = 'dead')::int8 AS dead,
            extract(epoch FROM now() - min(created_at) FILTER (WHERE status = 'pending'))::float8 AS oldest
       FROM jobs`,
  );
  const [outbox] = await q.query<{ pending: number; failed: number }>(
    `SELECT count(*) FILTER (WHERE status = 'pending')::int8 AS pending,
            count(*) FILTER (WHERE status = 'failed')::int8 AS failed
       FROM erp_outbox`,
  );
  const oldestUndelivered = await oldestUndeliveredSeconds(q);
  const one = (value: number | null | undefined) => [{ labels: {}, value: value ?? 0 }];
  // Gauges (rows now in each state), so none ends in _total: that suffix is for counters.
  return render([
    {
      name: 'ordercap_documents',
      help: 'Documents stored now, by channel and status.',
      samples: documents,
    },
    { name: 'ordercap_orders', help: 'Orders stored now, by channel and status.', samples: orders },
    { name: 'ordercap_queue_depth', help: 'Jobs waiting to run.', samples: one(jobs?.pending) },
    { name: 'ordercap_queue_dead', help: 'Jobs that failed their last attempt.', samples: one(jobs?.dead) },
    {
      name: 'ordercap_queue_oldest_seconds',
      help: 'Age of the oldest waiting job in seconds.',
      samples: one(jobs?.oldest === null ? 0 : Math.round((jobs?.oldest ?? 0) * 1000) / 1000),
    },
    {
      name: 'ordercap_outbox_pending',
      help: 'Accepted orders waiting for ERP delivery.',
      samples: one(outbox?.pending),
    },
    {
      name: 'ordercap_outbox_failed',
      help: 'Orders whose ERP delivery gave up.',
      samples: one(outbox?.failed),
    },
    {
      name: 'ordercap_erp_oldest_undelivered_seconds',
      help: 'Age of the oldest order not yet in the ERP (pending or failed), in seconds.',
      samples: one(oldestUndelivered),
    },
  ]);
}
