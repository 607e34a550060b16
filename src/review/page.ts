/** What every review page needs: the operator's language, HTML replies, ids from the path. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from '../http/errors.ts';
import type { Operator } from './auth.ts';
import { chooseReviewLang, type Lang, reviewTexts } from './i18n.ts';
import type { Page } from './views.ts';

export const LANG_COOKIE = 'oc_review_lang';

export function cookie(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k !== name) continue;
    try {
      return decodeURIComponent(v.join('='));
    } catch {
      return undefined; // a malformed cookie (`%E0%A4%A`) is no cookie, not a 500 on every page
    }
  }
  return undefined;
}

/** `timeZone`: the business's (config sla.calendar.timeZone), for every time shown. */
export function pageOf(request: FastifyRequest, op: Operator, timeZone: string): Page {
  const lang: Lang = chooseReviewLang(
    cookie(request, LANG_COOKIE) ?? op.language ?? undefined,
    request.headers['accept-language'],
  );
  return {
    lang,
    t: reviewTexts(lang),
    operator: { name: op.name, csrf: op.csrf, admin: op.role === 'admin' },
    timeZone,
  };
}

export const sendHtml = (reply: FastifyReply, body: string, status = 200) =>
  reply.code(status).type('text/html; charset=utf-8').send(body);

export function idParam(request: FastifyRequest): number {
  const id = Number((request.params as { id?: string }).id);
  if (!Number.isSafeInteger(id) || id <= 0) throw new HttpError('not_found', 'no such order');
  return id;
}
