/**
 * What the review workspace accepts from a request before any route reads it: one value per
 * query parameter, no NUL characters (PostgreSQL refuses them in text), dates that exist and
 * numbers in range. Anything else is the operator's typing or a crafted link: a 400 with a
 * sentence, never a 500 from deep inside a query.
 */
import type { FastifyRequest } from 'fastify';
import { HttpError } from '../http/errors.ts';

const bad = (message: string): never => {
  throw new HttpError('bad_request', message);
};

function hasNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (depth > 4 || value === null || typeof value !== 'object') return false;
  for (const [k, v] of Object.entries(value)) if (k.includes('\u0000') || hasNul(v, depth + 1)) return true;
  return false;
}

/** preHandler of every review route: query, path and form values a route can safely read. */
export async function checkReviewInput(request: FastifyRequest): Promise<void> {
  const query = (request.query ?? {}) as Record<string, unknown>;
  for (const [name, value] of Object.entries(query)) {
    if (Array.isArray(value)) bad(`the parameter "${name.slice(0, 40)}" was given more than once`);
  }
  if (hasNul(query) || hasNul(request.params)) bad('the address contains a NUL character');
  if (hasNul(request.body)) bad('the form contains a NUL character');
}

/** `YYYY-MM-DD` of a day that exists, years 1900 to 9999. */
export function isIsoDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1900) return false;
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** An optional date parameter: undefined when absent or empty, 400 when it is no real day. */
export function dateParam(raw: unknown, what: string): string | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const s = String(raw).trim();
  if (!isIsoDate(s)) bad(`${what}: "${s.slice(0, 40)}" is not a date (YYYY-MM-DD, a day that exists)`);
  return s;
}

/** Longest waiting time one can filter the queue by: 100 years, in hours. */
const MAX_AGE_HOURS = 100 * 366 * 24;

/** The queue's `age` filter in hours: undefined when absent, empty or 0; 400 when not a sensible number. */
export function ageParam(raw: unknown): number | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || n > MAX_AGE_HOURS) {
    bad(`age: "${String(raw).slice(0, 40)}" is not a number of hours from 0 to ${MAX_AGE_HOURS}`);
  }
  return n > 0 ? n : undefined;
}
