/**
 * Priority orders rise to the top of the review queue so SLAs hold: urgent wording in the
 * document or the e-mail subject (Spanish and English), or a requested delivery date within two
 * working days of arrival.
 */

/** Urgent wording, accents folded, as whole words. */
const URGENT =
  /\b(urgente|urgentes|urgencia|urgent|urgently|express|expres|asap|inmediato|inmediata|immediately|rush|prioritario|prioritaria|priority)\b/;

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/** Days from Monday-Friday arrival to delivery, weekends not counted. */
function workingDaysBetween(from: Date, toIso: string): number {
  const to = new Date(`${toIso}T23:59:59Z`);
  let days = 0;
  const d = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()));
  while (d < to && days < 30) {
    d.setUTCDate(d.getUTCDate() + 1);
    const wd = d.getUTCDay();
    if (wd !== 0 && wd !== 6 && d <= to) days++;
  }
  return days;
}

export interface PriorityInput {
  sourceText: string | null;
  subject: string | null;
  deliveryDate: string | null;
  receivedAt: Date;
}

/** Why an order is a priority, in words for the queue; null when it is not one. */
export function priorityOf(p: PriorityInput): string | null {
  const word = URGENT.exec(fold(`${p.subject ?? ''}\n${p.sourceText ?? ''}`));
  if (word)
    return `"${word[1]}" in the ${p.subject && URGENT.test(fold(p.subject)) ? 'subject' : 'document'}`;
  if (p.deliveryDate && workingDaysBetween(p.receivedAt, p.deliveryDate) <= 2) {
    return `delivery requested for ${p.deliveryDate}`;
  }
  return null;
}
