/**
 * The header labels a correction teaches (part of the learner, src/learn/store.ts), for the generic
 * reader's templates. Learning where a customer's documents put a header value. When an operator corrects or fills
 * in the PO number or a date of a paper document, the value is looked for among the words read
 * on its pages; the words before it on its line are the label this customer uses for it. That
 * label is stored as a learned field (versioned) and joins the customer's template, so the next
 * document of the same layout is read without a person.
 */
import type { Queryable } from '../db/db.ts';
import type { CanonicalOrder } from '../domain/order.ts';
import type { Page, Word } from '../domain/page.ts';
import { type DateOrder, dateAtStart } from '../extract/dates.ts';
import { cellsOf, groupLines } from '../extract/layout.ts';

export const LEARNABLE = ['poNumber', 'orderDate', 'deliveryDate'] as const;
export type LearnableField = (typeof LEARNABLE)[number];

/** The label in front of `value` on the pages (the cell before it, or the words before it in its cell). */
export function labelFor(
  pages: Page[],
  field: LearnableField,
  value: string,
  dateOrder: DateOrder = 'dmy',
): string | null {
  const trim = (t: string) => t.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
  for (const line of groupLines(pages)) {
    const words = line.words;
    for (let i = 0; i < words.length; i++) {
      const hit =
        field === 'poNumber'
          ? trim(words[i]!.text) === value
          : dateAtStart(
              words.slice(i).map((w) => w.text),
              dateOrder,
            )?.iso === value;
      if (!hit) continue;
      const cells = cellsOf(words);
      const at = cells.findIndex((c) => c.words.includes(words[i]!));
      const inCell = cells[at]!.words.slice(0, cells[at]!.words.indexOf(words[i]!));
      const before: Word[] = inCell.length > 0 ? inCell : (cells[at - 1]?.words ?? []);
      const label = before
        .map((w) => w.text)
        .join(' ')
        .trim();
      // A label has letters; a number or a date in front is no label.
      if (/\p{L}{2,}/u.test(label)) return label.replace(/[:\s]+$/, '');
    }
  }
  return null;
}

/**
 * After an approval: for each header field the operator changed to a value found on the pages,
 * stores the label as the customer's newest learned field. Returns what was learned.
 */
export async function learnHeaderFields(
  tx: Queryable,
  p: {
    customerId: string;
    documentId: number;
    orderId: number;
    before: CanonicalOrder;
    after: CanonicalOrder;
    actor: string;
    pages: Page[];
  },
): Promise<Array<{ field: LearnableField; label: string }>> {
  const changed = LEARNABLE.filter((f) => p.after[f] !== null && p.after[f] !== p.before[f]);
  if (changed.length === 0) return [];
  if (p.pages.length === 0) return [];
  const pages = p.pages;
  const learned: Array<{ field: LearnableField; label: string }> = [];
  for (const field of changed) {
    const label = labelFor(pages, field, p.after[field]!);
    if (!label) continue;
    const [current] = await tx.query<{ label: string; version: number }>(
      `SELECT label, version FROM learned_fields WHERE customer_id = $1 AND field = $2 AND active
        ORDER BY version DESC LIMIT 1`,
      [p.customerId, field],
    );
    if (current?.label === label) continue;
    await tx.query(
      `INSERT INTO learned_fields (customer_id, field, label, version, order_id, created_by)
       VALUES ($1, $2, $3, (SELECT coalesce(max(version), 0) + 1 FROM learned_fields WHERE customer_id = $1 AND field = $2), $4, $5)`,
      [p.customerId, field, label, p.orderId, p.actor],
    );
    learned.push({ field, label });
  }
  return learned;
}
