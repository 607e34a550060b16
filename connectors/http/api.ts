import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../src/context.ts';
import { HttpError } from '../../src/http/errors.ts';
import { submit } from '../../src/pipeline/submit.ts';
import { sha256 } from '../../src/store/blobs.ts';
import { getDocument } from '../../src/store/documents.ts';
import { principalOf, requireBearer } from './auth.ts';
import { findOwnOrder, IDEMPOTENCY_KEY, ownsDocument, parseId, receiptOf, submitWebOrder } from './orders.ts';
import { validateOrderInput } from '../../src/formats/order-json/schema.ts';

interface Options {
  ctx: AppContext;
}

/**
 * The JSON API of the web channel. Every route needs `Authorization: Bearer <token>`, checked
 * before the body is read, and acts only for the token's customer.
 */
export async function apiRoutes(app: FastifyInstance, { ctx }: Options): Promise<void> {
  app.addHook('onRequest', requireBearer(ctx));

  app.post('/api/orders', async (request, reply) => postOrder(ctx, request, reply));

  app.get('/api/orders/:id', async (request) => {
    const { customerId } = principalOf(request);
    const id = parseId((request.params as { id?: unknown }).id);
    const own = id === null ? null : await findOwnOrder(ctx.db, customerId, id);
    if (!own) throw new HttpError('not_found', 'no such order');
    return {
      id: own.id,
      documentId: own.documentId,
      status: own.status,
      order: own.order,
      findings: own.findings,
    };
  });

  app.get('/api/documents/:id', async (request) => {
    const { customerId } = principalOf(request);
    const id = parseId((request.params as { id?: unknown }).id);
    if (id === null || !(await ownsDocument(ctx.db, customerId, id))) {
      throw new HttpError('not_found', 'no such document');
    }
    return receiptOf(ctx.db, id);
  });

  await app.register(edifactRoutes, { ctx });
}

function idempotencyKey(request: FastifyRequest): string | null {
  const raw = request.headers['idempotency-key'];
  if (raw === undefined) return null;
  if (typeof raw !== 'string' || !IDEMPOTENCY_KEY.test(raw)) {
    throw new HttpError('validation_failed', 'the Idempotency-Key header is not valid', [
      { field: 'Idempotency-Key', message: 'must be 1 to 200 visible ASCII characters' },
    ]);
  }
  return raw;
}

async function postOrder(ctx: AppContext, request: FastifyRequest, reply: FastifyReply) {
  const principal = principalOf(request);
  const key = idempotencyKey(request);
  if (request.body === undefined || request.body === null) {
    throw new HttpError('invalid_json', 'the request body is empty');
  }
  if (typeof request.body === 'string') {
    throw new HttpError('unsupported_media_type', 'send the order as application/json');
  }
  const checked = validateOrderInput(request.body);
  if (!checked.ok) throw new HttpError('validation_failed', 'the order has errors', checked.errors);
  const claimed = checked.order.customer.id;
  if (claimed !== null && claimed !== principal.customerId) {
    throw new HttpError('forbidden', 'this token can only place orders for its own customer');
  }
  const out = await submitWebOrder(ctx, principal, checked.order, { key, via: 'api' });
  if (out.replayed) reply.header('Idempotent-Replayed', 'true');
  if (out.receipt.id) reply.header('Location', `/api/orders/${out.receipt.id}`);
  return reply.code(out.finished ? 201 : 202).send(out.receipt);
}

const EDIFACT_TYPES = ['application/edifact', 'text/plain', 'application/octet-stream'];

/** UNA service string advice or UNB interchange header, after an optional BOM and whitespace. */
function isInterchange(bytes: Buffer): boolean {
  const head = bytes
    .subarray(0, 64)
    .toString('latin1')
    .replace(/^\xEF\xBB\xBF/, '')
    .trimStart();
  return head.startsWith('UNA') || head.startsWith('UNB');
}

/** EDIFACT pushed over HTTP: stored raw; the interchange names its parties, the token its sender. */
async function edifactRoutes(app: FastifyInstance, { ctx }: Options): Promise<void> {
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser(EDIFACT_TYPES, { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.post('/api/edifact', async (request, reply) => {
    const { customerId } = principalOf(request);
    const key = idempotencyKey(request);
    const body = request.body;
    if (!Buffer.isBuffer(body)) {
      throw new HttpError('unsupported_media_type', `send the interchange as ${EDIFACT_TYPES.join(', ')}`);
    }
    if (!isInterchange(body)) {
      throw new HttpError('validation_failed', 'the body is not an EDIFACT interchange', [
        { field: 'body', message: 'must begin with UNA or UNB' },
      ]);
    }
    const { documentId, created } = await submit(ctx.db, {
      channel: 'edi',
      sourceRef: `http:${customerId}:${key ?? sha256(body)}`,
      sender: customerId,
      receivedAt: new Date(),
      filename: null,
      contentType: request.headers['content-type'] ?? null,
      bytes: body,
      meta: { via: 'http', authenticatedCustomer: customerId, ...(key ? { idempotencyKey: key } : {}) },
    });
    if (!created) {
      const earlier = await getDocument(ctx.db, documentId);
      if (key && earlier && earlier.sha256 !== sha256(body)) {
        throw new HttpError(
          'idempotency_conflict',
          'this Idempotency-Key was already used for a different interchange',
        );
      }
      reply.header('Idempotent-Replayed', 'true');
    }
    return reply.code(202).send({ documentId: String(documentId), status: 'received' });
  });
}
