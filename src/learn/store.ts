/**
 * The learner's memory (learned_layouts, migration 016): one learner for the review screen's
 * approvals, `teach` and `extract --teach`. Each records the same thing, a stored document read as
 * a confirmed order; from it the layout of that customer's document is learned (a new one, the
 * same one again, or a contradiction that replaces it, logged), with the customer's printed codes
 * as cross-references.
 */
import { parseMessage } from '../formats/email/message.ts';
import { textPage } from '../formats/email/format.ts';
import type { Queryable } from '../db/db.ts';
import type { CanonicalOrder } from '../domain/order.ts';
import type { Page, Word } from '../domain/page.ts';
import { getBlob } from '../store/blobs.ts';
import { type EventInput, logEvents } from '../store/events.ts';
import { SAME_LAYOUT, similarity, TokenIndex } from './fingerprint.ts';
import { LEARNABLE, learnHeaderFields } from './labels.ts';
import { type Learned, type LineCodes, learnLayout } from './learn.ts';
import { HEADER_FIELDS, type KnownLayout, type LayoutModel, withoutParts } from './model.ts';
import { sameToken } from './words.ts';

export type TeachSource = 'review' | 'teach' | 'history';

interface LayoutRow {
  id: number;
  customer_id: string;
  layout_key: string;
  version: number;
  fingerprint: string[];
  model: LayoutModel;
  disabled: string[];
  document_id: number | null;
}

/** The layouts the readers use: active, not replaced, without the parts switched off. */
export async function activeLayouts(q: Queryable): Promise<KnownLayout[]> {
  const rows = await q.query<LayoutRow>(
    `SELECT id, customer_id, layout_key, version, fingerprint, model, disabled, document_id
       FROM learned_layouts WHERE active AND replaced_at IS NULL ORDER BY id`,
  );
  return rows.map((r) => ({
    id: r.id,
    customerId: r.customer_id,
    fingerprint: r.fingerprint,
    model: withoutParts(r.model, r.disabled),
    documentId: r.document_id,
  }));
}

/** A layout source for the readers that reads the table at most every `ttlMs`. */
export function learnedLayouts(q: Queryable, ttlMs = 3000): () => Promise<KnownLayout[]> {
  let cached: { at: number; layouts: Promise<KnownLayout[]> } | null = null;
  return () => {
    if (!cached || Date.now() - cached.at > ttlMs) {
      const layouts = activeLayouts(q);
      layouts.catch(() => {
        cached = null;
      });
      cached = { at: Date.now(), layouts };
    }
    return cached.layouts;
  };
}

/** The pages read from a stored document; for an e-mail with no attached document, its typed body. */
export async function pagesOfDocument(q: Queryable, documentId: number): Promise<Page[]> {
  const rows = await q.query<{
    page_no: number;
    width: number;
    height: number;
    source: string;
    words: Word[];
  }>(
    `SELECT page_no, width, height, source, words FROM document_pages WHERE document_id = $1 ORDER BY page_no`,
    [documentId],
  );
  if (rows.length > 0) {
    return rows.map((r) => ({
      number: r.page_no,
      width: r.width,
      height: r.height,
      words: r.words,
      source: r.source === 'ocr' ? 'ocr' : 'text-layer',
      image: null,
      confidence: 1,
    }));
  }
  const [doc] = await q.query<{ sha256: string; format: string | null }>(
    `SELECT sha256, format FROM documents WHERE id = $1`,
    [documentId],
  );
  if (doc?.format !== 'email') return [];
  const bytes = await getBlob(q, doc.sha256);
  if (!bytes) return [];
  try {
    const msg = await parseMessage(bytes);
    return msg.body ? [textPage(msg.body, 1)] : [];
  } catch {
    return [];
  }
}

export interface Taught {
  /** The layout row now in use; null when nothing about the layout could be learned. */
  layoutId: number | null;
  layoutKey: string | null;
  outcome: 'new' | 'same' | 'replaced' | 'none';
  crossRefs: Array<{ customerRef: string; sku: string }>;
  /** Confirmed values the pages do not show (nothing to learn about where they sit). */
  missed: string[];
}

/**
 * Records a confirmed order for a stored document, inside the caller's transaction: its layout
 * learned (or confirmed, or replaced when the order contradicts it), its printed codes saved as
 * cross-references. `before` is what the system had read, when there was a reading: only codes the
 * person changed are cross-references then; without it every printed code is.
 */
export async function recordConfirmed(
  tx: Queryable,
  p: {
    documentId: number;
    orderId: number | null;
    order: CanonicalOrder;
    before?: CanonicalOrder;
    actor: string;
    source: TeachSource;
  },
): Promise<Taught> {
  const customerId = p.order.customer.id;
  const none: Taught = { layoutId: null, layoutKey: null, outcome: 'none', crossRefs: [], missed: [] };
  if (!customerId) return none;
  const crossRefs = await learnCrossRefs(tx, customerId, p.order, p.before);
  const pages = await pagesOfDocument(tx, p.documentId);
  // A correction also teaches the generic reader the customer's labels (learned_fields, templates).
  const labels =
    p.before && p.orderId !== null
      ? await learnHeaderFields(tx, {
          customerId,
          documentId: p.documentId,
          orderId: p.orderId,
          before: p.before,
          after: p.order,
          actor: p.actor,
          pages,
        })
      : [];
  const events: EventInput[] = [
    ...labels.map((l) => ({
      actor: p.actor,
      kind: 'template.learned',
      documentId: p.documentId,
      orderId: p.orderId,
      field: l.field,
      detail: { customerId, label: l.label },
    })),
    ...crossRefs.map((l) => ({
      actor: p.actor,
      kind: 'cross_ref.learned',
      documentId: p.documentId,
      orderId: p.orderId,
      detail: { customerId, ...l },
    })),
  ];
  if (pages.length === 0) {
    if (events.length > 0) await logEvents(tx, events);
    return { ...none, crossRefs };
  }
  const [customer] = await tx.query<{ tax_id: string | null }>(`SELECT tax_id FROM customers WHERE id = $1`, [
    customerId,
  ]);
  const learned = learnLayout(
    pages,
    p.order,
    await codesOf(tx, customerId, p.order),
    customer?.tax_id ?? null,
  );
  const hasAnything = Object.keys(learned.model.header).length > 0 || learned.model.table !== null;
  if (!hasAnything) {
    if (events.length > 0) await logEvents(tx, events);
    return { ...none, crossRefs, missed: learned.missed };
  }
  const result = await storeLayout(tx, customerId, learned, p, events);
  if (events.length > 0) await logEvents(tx, events);
  return { ...result, crossRefs, missed: learned.missed };
}

/** What each line's article may be printed as: the customer's cross-references to it, its GTIN. */
async function codesOf(tx: Queryable, customerId: string, order: CanonicalOrder): Promise<LineCodes[]> {
  const skus = [...new Set(order.lines.map((l) => l.sku).filter((s): s is string => s !== null))];
  if (skus.length === 0) return [];
  const refs = await tx.query<{ sku: string; customer_ref: string }>(
    `SELECT sku, customer_ref FROM cross_refs WHERE customer_id = $1 AND sku = ANY($2)`,
    [customerId, skus],
  );
  const products = await tx.query<{ sku: string; gtin: string | null; unit: string | null }>(
    `SELECT sku, gtin, unit FROM products WHERE sku = ANY($1)`,
    [skus],
  );
  return order.lines.map((l) => {
    const product = products.find((g) => g.sku === l.sku);
    return {
      refs: refs.filter((r) => r.sku === l.sku).map((r) => r.customer_ref),
      gtins: product?.gtin ? [product.gtin] : [],
      unit: product?.unit ?? null,
    };
  });
}

async function storeLayout(
  tx: Queryable,
  customerId: string,
  learned: Learned,
  p: { documentId: number; orderId: number | null; actor: string; source: TeachSource },
  events: EventInput[],
): Promise<Omit<Taught, 'crossRefs' | 'missed'>> {
  const existing = await tx.query<LayoutRow>(
    `SELECT id, customer_id, layout_key, version, fingerprint, model, disabled, document_id
       FROM learned_layouts WHERE customer_id = $1 AND replaced_at IS NULL ORDER BY id`,
    [customerId],
  );
  // The same layout: the fingerprints hold each other (either way, as the order lengths differ).
  const mine = new TokenIndex(learned.fingerprint);
  const same = existing
    .map((r) => ({
      r,
      score: Math.max(
        similarity(r.fingerprint, mine),
        similarity(learned.fingerprint, new TokenIndex(r.fingerprint)),
      ),
    }))
    .filter((x) => x.score >= SAME_LAYOUT)
    .sort((a, b) => b.score - a.score)[0]?.r;
  const base = { documentId: p.documentId, orderId: p.orderId };
  if (same) {
    const conflicts = contradictions(same.model, learned.model);
    if (conflicts.length === 0) {
      const model = widened(same.model, learned.model);
      await tx.query(`UPDATE learned_layouts SET model = $2::jsonb WHERE id = $1`, [
        same.id,
        JSON.stringify(model),
      ]);
      return { layoutId: same.id, layoutKey: same.layout_key, outcome: 'same' };
    }
    // What an admin switched off stays off, unless this order teaches that part anew.
    const disabled = same.disabled.filter((part) => !conflicts.some((c) => c.startsWith(`${part}:`)));
    const id = await insertLayout(tx, customerId, same.layout_key, same.version + 1, learned, p, disabled);
    await tx.query(`UPDATE learned_layouts SET replaced_at = now(), replaced_by = $2 WHERE id = $1`, [
      same.id,
      id,
    ]);
    events.push({
      actor: p.actor,
      kind: 'layout.replaced',
      ...base,
      detail: { customerId, layout: same.layout_key, from: same.id, to: id, conflicts },
    });
    return { layoutId: id, layoutKey: same.layout_key, outcome: 'replaced' };
  }
  const key = `${customerId}/${p.documentId}`;
  const id = await insertLayout(tx, customerId, key, 1, learned, p, []);
  events.push({
    actor: p.actor,
    kind: 'layout.learned',
    ...base,
    detail: {
      customerId,
      layout: key,
      id,
      fields: Object.keys(learned.model.header),
      table: learned.model.table !== null,
    },
  });
  return { layoutId: id, layoutKey: key, outcome: 'new' };
}

async function insertLayout(
  tx: Queryable,
  customerId: string,
  key: string,
  version: number,
  learned: Learned,
  p: { documentId: number; orderId: number | null; actor: string; source: TeachSource },
  disabled: string[],
): Promise<number> {
  const [row] = await tx.query<{ id: number }>(
    `INSERT INTO learned_layouts (customer_id, layout_key, version, fingerprint, model, disabled, document_id,
                                  order_id, source, created_by)
     VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7, $8, $9, $10) RETURNING id`,
    [
      customerId,
      key,
      version,
      JSON.stringify(learned.fingerprint),
      JSON.stringify(learned.model),
      disabled,
      p.documentId,
      p.orderId,
      p.source,
      p.actor,
    ],
  );
  return row!.id;
}

const sameLabel = (a: string[], b: string[]) =>
  a.length === b.length && a.every((t, i) => sameToken(t, b[i]!));

/** Where a newly confirmed document says otherwise than what was learned: what changed, in words. */
export function contradictions(old: LayoutModel, now: LayoutModel): string[] {
  const out: string[] = [];
  for (const f of HEADER_FIELDS) {
    const a = old.header[f];
    const b = now.header[f];
    if (!a || !b) continue;
    if (a.where !== b.where || !sameLabel(a.label, b.label)) {
      out.push(`${f}: ${a.where} "${a.label.join(' ')}" -> ${b.where} "${b.label.join(' ')}"`);
    }
  }
  if (old.formats.number !== now.formats.number)
    out.push(`numbers: ${old.formats.number} -> ${now.formats.number}`);
  if (old.formats.date !== now.formats.date) out.push(`dates: ${old.formats.date} -> ${now.formats.date}`);
  const ta = old.table;
  const tb = now.table;
  if (ta && tb) {
    if (ta.code && tb.code && ta.code !== tb.code) out.push(`code column: ${ta.code} -> ${tb.code}`);
    if (ta.price !== tb.price) out.push(`unit price: from ${ta.price} -> from ${tb.price}`);
    for (const c of tb.columns) {
      const o = ta.columns.find((x) => x.column === c.column);
      if (o && (c.x1 < o.x0 - 0.05 || c.x0 > o.x1 + 0.05)) out.push(`${c.column} column moved`);
    }
  }
  return out;
}

/** The learned model, its columns widened to hold the new lines too, codes and ignored words added. */
function widened(old: LayoutModel, now: LayoutModel): LayoutModel {
  const table =
    old.table && now.table
      ? {
          ...old.table,
          columns: [
            ...old.table.columns.map((c) => {
              const n = now.table!.columns.find((x) => x.column === c.column);
              return n ? { ...c, x0: Math.min(c.x0, n.x0), x1: Math.max(c.x1, n.x1) } : c;
            }),
            ...now.table.columns.filter((c) => !old.table!.columns.some((o) => o.column === c.column)),
          ],
          sequence: old.table.sequence ?? now.table.sequence,
          ...(old.table.units || now.table.units
            ? {
                units: [
                  ...new Map(
                    [...(now.table.units ?? []), ...(old.table.units ?? [])].map((u) => [u.printed, u]),
                  ).values(),
                ],
              }
            : {}),
          code: old.table.code ?? now.table.code,
        }
      : (old.table ?? now.table);
  const refs = new Map([...old.crossRefs, ...now.crossRefs].map((c) => [c.ref, c]));
  return {
    ...old,
    header: { ...now.header, ...old.header },
    table,
    formats: { ...old.formats, poShape: old.formats.poShape ?? now.formats.poShape },
    crossRefs: [...refs.values()],
    ignore: [...new Set([...old.ignore, ...now.ignore])],
  };
}

/**
 * The customer's codes tied to an article in the confirmed order, saved as cross-references; with
 * a `before` reading only those the person tied anew.
 */
export async function learnCrossRefs(
  tx: Queryable,
  customerId: string,
  after: CanonicalOrder,
  before?: CanonicalOrder,
): Promise<Array<{ customerRef: string; sku: string }>> {
  const learned: Array<{ customerRef: string; sku: string }> = [];
  for (const [i, l] of after.lines.entries()) {
    if (!l.customerRef || !l.sku || l.customerRef === l.sku) continue;
    const was = before?.lines[i];
    if (was && was.sku === l.sku && was.customerRef === l.customerRef) continue;
    const [existing] = await tx.query<{ sku: string }>(
      `SELECT sku FROM cross_refs WHERE customer_id = $1 AND customer_ref = $2`,
      [customerId, l.customerRef],
    );
    if (existing?.sku === l.sku) continue;
    await tx.query(
      `INSERT INTO cross_refs (customer_id, customer_ref, sku) VALUES ($1, $2, $3)
       ON CONFLICT (customer_id, customer_ref) DO UPDATE SET sku = EXCLUDED.sku`,
      [customerId, l.customerRef, l.sku],
    );
    learned.push({ customerRef: l.customerRef, sku: l.sku });
  }
  return learned;
}

export interface LearnedLayoutRow {
  id: number;
  customer_id: string;
  layout_key: string;
  version: number;
  model: LayoutModel;
  disabled: string[];
  active: boolean;
  document_id: number | null;
  order_id: number | null;
  source: TeachSource;
  created_by: string;
  created_at: Date;
  replaced_at: Date | null;
}

/** Every layout version, newest first per customer, for the admin page. */
export function listLayouts(q: Queryable): Promise<LearnedLayoutRow[]> {
  return q.query<LearnedLayoutRow>(
    `SELECT id, customer_id, layout_key, version, model, disabled, active, document_id, order_id, source,
            created_by, created_at, replaced_at
       FROM learned_layouts ORDER BY customer_id, layout_key, version DESC`,
  );
}

/**
 * Switches a layout off (`part` null) or one part of it, logged with the admin as actor. Switching
 * the cross-references off removes those still pointing where this layout learned them.
 */
export async function switchOff(
  tx: Queryable,
  id: number,
  part: string | null,
  actor: string,
): Promise<boolean> {
  const [row] = await tx.query<LayoutRow & { active: boolean; order_id: number | null }>(
    `SELECT id, customer_id, layout_key, version, fingerprint, model, disabled, document_id, active, order_id
       FROM learned_layouts WHERE id = $1`,
    [id],
  );
  if (!row?.active) return false;
  // The header labels the same confirmed order taught the generic reader (learned_fields) are part
  // of what was learned from it: they go off with the layout, or with the field switched off.
  const labelsOff =
    row.order_id === null || (part !== null && !(LEARNABLE as readonly string[]).includes(part))
      ? []
      : await tx.query<{ id: number; field: string; label: string }>(
          `UPDATE learned_fields SET active = false
            WHERE customer_id = $1 AND order_id = $2 AND active AND ($3::text IS NULL OR field = $3)
        RETURNING id, field, label`,
          [row.customer_id, row.order_id, part],
        );
  if (part === null) {
    await tx.query(`UPDATE learned_layouts SET active = false WHERE id = $1`, [id]);
  } else {
    if (row.disabled.includes(part)) return false;
    await tx.query(`UPDATE learned_layouts SET disabled = array_append(disabled, $2) WHERE id = $1`, [
      id,
      part,
    ]);
    if (part === 'crossRefs') {
      for (const c of row.model.crossRefs) {
        await tx.query(`DELETE FROM cross_refs WHERE customer_id = $1 AND customer_ref = $2 AND sku = $3`, [
          row.customer_id,
          c.ref,
          c.sku,
        ]);
      }
    }
  }
  await logEvents(tx, [
    {
      actor,
      kind: 'layout.switched_off',
      documentId: row.document_id,
      field: part,
      detail: { customerId: row.customer_id, layout: row.layout_key, id, part, labelsOff },
    },
  ]);
  return true;
}
