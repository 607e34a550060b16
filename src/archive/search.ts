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

export async function searchArchive(q: Queryable, s: SearchQuery): Promise<SearchHit[]> {
  const text = empty(s.text) ? null : s.text!.trim();
  return q.query<SearchHit>(
    `WITH q AS (
       SELECT CASE WHEN $1::text IS NULL THEN NULL
                   ELSE plainto_tsquery('spanish', oc_fold($1)) || plainto_tsquery('english', oc_fold($1)) END AS tsq)
     SELECT d.id, d.channel, d.received_at, d.filename, d.sender, d.status, d.status_reason,
            coalesce((SELECT json_agg(json_build_object('id', o.id, 'po_number', o.po_number, 'status', o.status,
                                                        'customer_id', o.customer_id, 'customer_name', c.name) ORDER BY o.seq)
                        FROM orders o LEFT JOIN customers c ON c.id = o.customer_id
                       WHERE o.document_id = d.id), '[]') AS orders,
            CASE WHEN q.tsq IS NULL THEN NULL ELSE
              (SELECT ts_headline('spanish', p.text, q.tsq, 'MaxFragments=1, MaxWords=18, MinWords=6, StartSel=«, StopSel=»')
                 FROM document_pages p WHERE p.document_id = d.id AND p.tsv @@ q.tsq ORDER BY p.page_no LIMIT 1)
            END AS snippet
       FROM documents d, q
      WHERE (q.tsq IS NULL
             OR EXISTS (SELECT 1 FROM document_pages p WHERE p.document_id = d.id AND p.tsv @@ q.tsq)
             OR EXISTS (SELECT 1 FROM orders o WHERE o.document_id = d.id AND o.tsv @@ q.tsq))
        AND ($2::text IS NULL OR EXISTS (
              SELECT 1 FROM orders o LEFT JOIN customers c ON c.id = o.customer_id
               WHERE o.document_id = d.id AND (o.customer_id = $2 OR oc_fold(c.name) LIKE '%' || oc_fold($2) || '%')))
        AND ($3::text IS NULL OR EXISTS (
              SELECT 1 FROM orders o WHERE o.document_id = d.id AND o.po_number ILIKE replace(replace($3, '%', '\\%'), '_', '\\_') || '%'))
        AND ($4::text IS NULL OR EXISTS (
              SELECT 1 FROM orders o JOIN order_lines l ON l.order_id = o.id
               WHERE o.document_id = d.id
                 AND (l.sku ILIKE replace(replace($4, '%', '\\%'), '_', '\\_') || '%' OR l.customer_ref = $4
                      OR oc_fold(l.description) LIKE '%' || oc_fold(replace(replace($4, '%', '\\%'), '_', '\\_')) || '%')))
        AND ($5::date IS NULL OR d.received_at >= $5::date)
        AND ($6::date IS NULL OR d.received_at < $6::date + 1)
        AND ($7::text IS NULL OR d.status = $7 OR EXISTS (SELECT 1 FROM orders o WHERE o.document_id = d.id AND o.status = $7))
        AND ($8::text IS NULL OR d.channel = $8)
      ORDER BY d.received_at DESC, d.id DESC
      LIMIT $9`,
    [
      text,
      empty(s.customer) ? null : s.customer!.trim(),
      empty(s.po) ? null : s.po!.trim(),
      empty(s.article) ? null : s.article!.trim(),
      empty(s.from) ? null : s.from,
      empty(s.to) ? null : s.to,
      empty(s.status) ? null : s.status,
      empty(s.channel) ? null : s.channel,
      Math.min(500, Math.max(1, s.limit ?? 100)),
    ],
  );
}
