/**
 * The archive: every document kept with its orders, found by customer, PO number, article
 * (SKU, their reference or description), date range, status, channel, and the full text of its
 * pages and its orders (Spanish and English stemming, accents ignored; migration 009).
 */
import type { Queryable } from '../db/db.ts';

export interface SearchQuery {
  /** Words anywhere in the document's text (pages, EDI segments, e-mail body). */
  text?: string;
  /** Customer id, or part of the customer's name. */
  customer?: string;
  /** The start of the PO number. */
  po?: string;
  /** Our SKU or their reference (start), or part of a line's description. */
  article?: string;
  /** Received on or after / on or before (YYYY-MM-DD). */
  from?: string;
  to?: string;
  /** An order status (accepted, review, ...) or a document status (rejected, ...). */
  status?: string;
  channel?: string;
  limit?: number;
}

export interface SearchHit {
  id: number;
  channel: string;
  received_at: Date;
  filename: string | null;
  sender: string | null;
  status: string;
  status_reason: string | null;
  orders: Array<{
    id: number;
    po_number: string | null;
    status: string;
    customer_id: string | null;
    customer_name: string | null;
  }>;
  snippet: string | null;
}

const empty = (s: string | undefined) => (s ?? '').trim() === '';

/** Documents checked one by one, newest first, before the full-text index is asked instead. */
const RECENT_WINDOW = 2000;

/** LIKE pattern characters typed by a person are characters. */
const literal = (v: string) => v.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Each filter narrows the documents through its own index (full-text GIN, prefix b-trees,
 * customer), as an `IN (...)` the planner can run first; only the newest matches are then
 * fetched with their orders and a highlighted snippet.
 */
export async function searchArchive(q: Queryable, s: SearchQuery): Promise<SearchHit[]> {
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  // Every filter in two forms: as a set of matching documents taken from its index (fast when
  // few match), and as a check of one document through its own orders and pages (fast when many
  // match: the newest documents hold enough hits). A scalar subquery keeps the check per row;
  // an EXISTS would be planned as one hashed subplan that collects every match first.
  const sets: string[] = [];
  const rows: string[] = [];
  const both = (condition: string) => {
    sets.push(condition);
    rows.push(condition);
  };
  const onOrders = (cond: string) =>
    `coalesce((SELECT bool_or(${cond}) FROM orders o WHERE o.document_id = d.id), false)`;
  const tsq = (v: string) => {
    const x = p(v);
    return `(plainto_tsquery('spanish', oc_fold(${x}::text)) || plainto_tsquery('english', oc_fold(${x}::text)))`;
  };
  const text = empty(s.text) ? null : s.text!.trim();
  let textQuery: string | null = null;
  if (text) {
    textQuery = tsq(text);
    sets.push(`d.id IN (SELECT p.document_id FROM document_pages p WHERE p.tsv @@ ${textQuery}
                        UNION SELECT o.document_id FROM orders o WHERE o.tsv @@ ${textQuery})`);
    rows.push(`(coalesce((SELECT bool_or(p.tsv @@ ${textQuery}) FROM document_pages p WHERE p.document_id = d.id), false)
                OR ${onOrders(`o.tsv @@ ${textQuery}`)})`);
  }
  if (!empty(s.customer)) {
    const c = s.customer!.trim();
    const ids = `(SELECT id FROM customers WHERE id = ${p(c)} OR oc_fold(name) LIKE '%' || oc_fold(${p(literal(c))}) || '%')`;
    sets.push(`d.id IN (SELECT o.document_id FROM orders o WHERE o.customer_id IN ${ids})`);
    rows.push(onOrders(`o.customer_id IN ${ids}`));
  }
  if (!empty(s.po)) {
    // The whole pattern as one value, so the planner sees its fixed prefix and uses the index.
    const cond = `lower(o.po_number) LIKE ${p(`${literal(s.po!.trim().toLowerCase())}%`)}`;
    sets.push(`d.id IN (SELECT o.document_id FROM orders o WHERE ${cond})`);
    rows.push(onOrders(cond));
  }
  if (!empty(s.article)) {
    const a = s.article!.trim();
    // An article code by its start, their reference exactly, or words of the description.
    const line = `lower(l.sku) LIKE ${p(`${literal(a.toLowerCase())}%`)} OR l.customer_ref = ${p(a)}`;
    const words = tsq(a);
    sets.push(`d.id IN (SELECT o.document_id FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE ${line}
                        UNION SELECT o.document_id FROM orders o WHERE o.tsv @@ ${words})`);
    rows.push(`coalesce((SELECT bool_or(${line} OR o.tsv @@ ${words}) FROM orders o
                          LEFT JOIN order_lines l ON l.order_id = o.id WHERE o.document_id = d.id), false)`);
  }
  if (!empty(s.from)) both(`d.received_at >= ${p(s.from)}::date`);
  if (!empty(s.to)) both(`d.received_at < ${p(s.to)}::date + 1`);
  if (!empty(s.status)) {
    const st = p(s.status);
    sets.push(`(d.status = ${st} OR d.id IN (SELECT o.document_id FROM orders o WHERE o.status = ${st}))`);
    rows.push(`(d.status = ${st} OR ${onOrders(`o.status = ${st}`)})`);
  }
  if (!empty(s.channel)) both(`d.channel = ${p(s.channel)}`);
  const n = Math.min(500, Math.max(1, s.limit ?? 100));
  const limit = p(n);
  const whereOf = (all: string[]) => (all.length ? `WHERE ${all.join(' AND ')}` : '');
  let found = `SELECT d.id FROM documents d ${whereOf(sets)} ORDER BY d.received_at DESC, d.id DESC LIMIT ${limit}`;
  if (rows.length > 0) {
    const recent = `SELECT d.id FROM (SELECT * FROM documents ORDER BY received_at DESC, id DESC LIMIT ${RECENT_WINDOW}) d
                     ${whereOf(rows)} ORDER BY d.received_at DESC, d.id DESC LIMIT ${limit}`;
    const hits = await q.query<{ id: number }>(recent, params);
    if (hits.length === n) found = recent;
  }
  return q.query<SearchHit>(
    `WITH found AS (${found})
     SELECT d.id, d.channel, d.received_at, d.filename, d.sender, d.status, d.status_reason,
            coalesce((SELECT json_agg(json_build_object('id', o.id, 'po_number', o.po_number, 'status', o.status,
                                                        'customer_id', o.customer_id, 'customer_name', c.name) ORDER BY o.seq)
                        FROM orders o LEFT JOIN customers c ON c.id = o.customer_id
                       WHERE o.document_id = d.id), '[]') AS orders,
            ${
              textQuery
                ? `(SELECT ts_headline('spanish', p.text, ${textQuery}, 'MaxFragments=1, MaxWords=18, MinWords=6, StartSel=«, StopSel=»')
                      FROM document_pages p WHERE p.document_id = d.id AND p.tsv @@ ${textQuery} ORDER BY p.page_no LIMIT 1)`
                : 'NULL::text'
            } AS snippet
       FROM found JOIN documents d ON d.id = found.id
      ORDER BY d.received_at DESC, d.id DESC`,
    params,
  );
}
