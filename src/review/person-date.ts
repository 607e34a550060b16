/**
 * A date as a person types it in a filter: ISO `2026-11-30` (what a date input sends) or the
 * day-first forms used in Spain and Britain (`30/11/2026`, `30-11-26`, `30.11.2026`).
 */
export type PersonDate = { ok: true; iso: string } | { ok: false; typed: string };

export function personDate(raw: string | undefined): PersonDate | null {
  const v = raw?.trim() ?? '';
  if (v === '') return null;
  let y: number;
  let m: number;
  let d: number;
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(v);
  const dayFirst = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})$/.exec(v);
  if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (dayFirst) {
    const year = Number(dayFirst[3]);
    [y, m, d] = [dayFirst[3]!.length === 2 ? 2000 + year : year, Number(dayFirst[2]), Number(dayFirst[1])];
  } else return { ok: false, typed: v };
  const at = new Date(Date.UTC(y, m - 1, d));
  // 2026-02-30 rolls over to March: no such day.
  if (at.getUTCFullYear() !== y || at.getUTCMonth() !== m - 1 || at.getUTCDate() !== d || y < 1900) {
    return { ok: false, typed: v };
  }
  return { ok: true, iso: at.toISOString().slice(0, 10) };
}
