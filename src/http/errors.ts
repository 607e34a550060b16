import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import { OrderCaptureError } from '../errors.ts';

/** Stable error codes of the HTTP interface, each with one HTTP status. Add, never rename. */
export const HTTP_ERRORS = {
  invalid_json: 400,
  validation_failed: 400,
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  idempotency_conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  internal: 500,
  service_unavailable: 503,
} as const;

export type HttpErrorCode = keyof typeof HTTP_ERRORS;

/** A field-level problem in a request, named by canonical path (`lines[2].quantity`). */
export interface FieldProblem {
  field: string;
  message: string;
}

/** The JSON body of every error response. */
export interface ErrorBody {
  error: { code: HttpErrorCode; message: string; fields?: FieldProblem[] };
}

/** An expected refusal raised by a route: mapped to its status and body as it is. */
export class HttpError extends Error {
  constructor(
    readonly code: HttpErrorCode,
    message: string,
    readonly fields?: FieldProblem[],
  ) {
    super(message);
    this.name = 'HttpError';
  }

  get status(): number {
    return HTTP_ERRORS[this.code];
  }
}

/** An error mapped for the wire: status and body, and whether it must be logged as a failure. */
export interface ErrorResponse {
  status: number;
  body: ErrorBody;
  /** True for failures of the program itself: logged with their cause, never shown. */
  internal: boolean;
}

const body = (code: HttpErrorCode, message: string, fields?: FieldProblem[]): ErrorBody => ({
  error: fields ? { code, message, fields } : { code, message },
});

/** Fastify's own request errors, by their code. */
const FASTIFY: Record<string, (limitMb: number) => [HttpErrorCode, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: (mb) => ['payload_too_large', `upload is larger than the ${mb} MB limit`],
  FST_ERR_CTP_INVALID_JSON_BODY: () => ['invalid_json', 'the request body is not valid JSON'],
  FST_ERR_CTP_EMPTY_JSON_BODY: () => ['invalid_json', 'the request body is empty'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => ['unsupported_media_type', 'this content type is not accepted here'],
};

/** Maps any error thrown while serving a request to a stable code, status and safe message. */
export function toErrorResponse(err: unknown, bodyLimitBytes: number): ErrorResponse {
  if (err instanceof HttpError) {
    return { status: err.status, body: body(err.code, err.message, err.fields), internal: false };
  }
  const e = (err ?? {}) as { code?: unknown; statusCode?: unknown; message?: unknown };
  const known = typeof e.code === 'string' ? FASTIFY[e.code] : undefined;
  if (known) {
    const [code, message] = known(Math.round(bodyLimitBytes / (1024 * 1024)));
    return { status: HTTP_ERRORS[code], body: body(code, message), internal: false };
  }
  if (err instanceof OrderCaptureError && err.code === 'database_unavailable') {
    return {
      status: 503,
      body: body('service_unavailable', 'the database is not answering; try again shortly'),
      internal: true,
    };
  }
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status >= 400 && status < 500 && typeof e.message === 'string') {
    // Fastify's other 4xx (bad Content-Length, forbidden __proto__ keys...): their text is safe.
    const code = status === 404 ? 'not_found' : status === 405 ? 'method_not_allowed' : 'bad_request';
    return { status, body: body(code, e.message), internal: false };
  }
  return { status: 500, body: body('internal', 'internal error; it has been logged'), internal: true };
}

/** The path without its query string: `?token=` must never reach a log line. */
export const pathOf = (request: FastifyRequest): string => request.url.split('?')[0] ?? '';

/**
 * Maps an error to its response and logs failures of the program with their cause. Used by the
 * server's error handler and by the portal, which shows the same response as a page.
 */
export function errorResponse(ctx: AppContext, request: FastifyRequest, err: unknown): ErrorResponse {
  const r = toErrorResponse(err, ctx.config.http.bodyLimitBytes);
  if (r.internal) {
    ctx.log.error('request failed', {
      reqId: request.id,
      method: request.method,
      path: pathOf(request),
      err,
    });
  }
  return r;
}
