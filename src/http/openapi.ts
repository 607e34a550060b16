/**
 * The HTTP API as an OpenAPI 3.1 document (@fastify/swagger), at `/api/openapi.json`, with a
 * readable page at `/api/docs`. The routes validate their bodies themselves (ajv, for the
 * plain-words field errors), so their schemas are attached here for the document only, taken from
 * the very objects they validate with; routes without an entry (HTML pages) are left out.
 */
import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { html } from '../web/html.ts';
import { orderInputSchema } from '../formats/order-json/schema.ts';

/** A schema for the document: the JSON Schema annotations of our validator taken out. */
function forDocument(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(forDocument);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === '$schema' || k === '$id') continue;
    // `message` is our own keyword (the words shown for a broken rule): a description for readers.
    if (k === 'message') out.description = v;
    else out[k] = forDocument(v);
  }
  return out;
}

const ORDER = forDocument(orderInputSchema);

const IDEMPOTENCY_RULES =
  'Optional. 1 to 200 visible ASCII characters. The first request with a key is processed; a ' +
  'repeat with the same key and the same body gets the first answer back (header ' +
  '`Idempotent-Replayed: true`) and creates nothing; the same key with a different body is ' +
  'refused with 409 `idempotency_conflict`. Keys are per customer.';

const idempotencyHeader = {
  type: 'string',
  pattern: '^[\\x21-\\x7e]{1,200}$',
  description: IDEMPOTENCY_RULES,
};

const error = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'stable code: validation_failed, unauthorized, not_found, ...' },
        message: { type: 'string' },
        fields: {
          type: 'array',
          items: {
            type: 'object',
            properties: { field: { type: 'string' }, message: { type: 'string' } },
          },
        },
      },
    },
  },
};

const finding = {
  type: 'object',
  properties: {
    code: { type: 'string' },
    severity: { type: 'string', enum: ['error', 'warning', 'info'] },
    field: { type: ['string', 'null'] },
    message: { type: 'string' },
  },
};

const receipt = {
  type: 'object',
  required: ['documentId', 'status'],
  properties: {
    id: { type: ['string', 'null'], description: 'the order id; null until read, or when rejected' },
    documentId: { type: 'string' },
    status: { type: 'string', enum: ['received', 'accepted', 'review', 'rejected', 'delivered', 'failed'] },
    findings: { type: 'array', items: finding },
  },
};

const idParam = {
  type: 'object',
  properties: { id: { type: 'string', pattern: '^[1-9][0-9]{0,14}$' } },
  required: ['id'],
};

const security = [{ bearer: [] }];
const errors = { 400: error, 401: error, 404: error, 409: error, 413: error };

/** What the document says of each route, by `METHOD url`. */
const ROUTES: Record<string, Record<string, unknown>> = {
  'POST /api/orders': {
    tags: ['orders'],
    summary: 'Send a purchase order (the web-form / JSON channel)',
    description:
      "The canonical order (docs/CONTRACTS.md section 1) of the token's customer. Answers 201 when the " +
      "pipeline decided within the server's wait (ORDERCAP_HTTP_SYNC_WAIT_MS), else 202 with status " +
      '`received`; poll GET /api/documents/{id}.',
    security,
    headers: { type: 'object', properties: { 'idempotency-key': idempotencyHeader } },
    body: ORDER,
    response: { 201: receipt, 202: receipt, ...errors },
  },
  'GET /api/orders/:id': {
    tags: ['orders'],
    summary: "One of the customer's orders, with its findings",
    security,
    params: idParam,
    response: {
      200: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          documentId: { type: 'string' },
          status: { type: 'string' },
          order: ORDER,
          findings: { type: 'array', items: finding },
        },
      },
      401: error,
      404: error,
    },
  },
  'GET /api/documents/:id': {
    tags: ['orders'],
    summary: 'What became of a document the customer sent (receipt)',
    security,
    params: idParam,
    response: { 200: receipt, 401: error, 404: error },
  },
  'POST /api/edifact': {
    tags: ['orders'],
    summary: 'Send a UN/EDIFACT interchange (ORDERS)',
    security,
    headers: { type: 'object', properties: { 'idempotency-key': idempotencyHeader } },
    consumes: ['application/edifact', 'application/EDIFACT', 'text/plain'],
    body: { type: 'string', description: 'the interchange, beginning with UNA or UNB' },
    response: { 200: receipt, 202: receipt, ...errors, 415: error },
  },
  'GET /health': {
    tags: ['operations'],
    summary: 'Health: 200 while the database answers, 503 otherwise; what needs a person in `problems`',
    response: {
      200: {
        type: 'object',
        properties: {
          status: { type: 'string', enum: ['ok'] },
          database: { type: 'string' },
          outbox: {
            type: 'object',
            properties: {
              pending: { type: 'integer' },
              failed: { type: 'integer' },
              oldestUndeliveredSeconds: {
                type: 'integer',
                description: 'age of the oldest order not yet in the ERP (pending or failed)',
              },
            },
          },
        },
      },
      503: { type: 'object', properties: { status: { type: 'string', enum: ['error'] } } },
    },
  },
  'GET /livez': {
    tags: ['operations'],
    summary: 'Liveness: 200 whenever the process answers (it looks at nothing else)',
  },
  'GET /readyz': {
    tags: ['operations'],
    summary: 'Readiness: 200 when the database answers within 3 s, 503 otherwise',
  },
  'GET /metrics': {
    tags: ['operations'],
    summary: 'Prometheus text format',
    produces: ['text/plain'],
  },
};

/**
 * The request the `http` ERP adapter sends (an OpenAPI webhook: we call it, the ERP serves it),
 * for whoever builds the receiving side.
 */
const ERP_WEBHOOK = {
  post: {
    summary: 'An accepted order, sent to ORDERCAP_ERP_URL by the http ERP adapter',
    description:
      'The body is the canonical order, or what the mapping (ORDERCAP_ERP_MAPPING, docs/erp-mapping.md) ' +
      'makes of it. The `Idempotency-Key` is the same for every send of one order (retries, crash ' +
      "recovery, an operator's `order-capture erp retry`): the ERP must create the order once per key and " +
      'answer a repeat with the first result. 2xx: delivered (the reference is taken from `id`, `orderId` ' +
      'or `reference` of a JSON body, else the Location header). 401, 403, 408, 429 and 5xx: tried again with ' +
      'capped backoff (Retry-After honoured) for ORDERCAP_ERP_GIVE_UP_HOURS. Any other 4xx: the ERP ' +
      'refuses that order; its message (RFC 9457 title/detail, or message/error) is shown on the order.',
    parameters: [
      {
        name: 'Idempotency-Key',
        in: 'header',
        required: true,
        schema: { type: 'string', pattern: '^oc-[0-9]+-[0-9a-f]{24}$' },
      },
      {
        name: 'Authorization',
        in: 'header',
        required: false,
        description: 'ORDERCAP_ERP_AUTHORIZATION, or `Bearer <token>` from OAuth2 client credentials',
        schema: { type: 'string' },
      },
    ],
    requestBody: { required: true, content: { 'application/json': { schema: ORDER } } },
    responses: {
      '201': { description: 'created' },
      '200': { description: 'already created under this key (a repeat)' },
      '422': { description: 'the ERP refuses this order (not retried)' },
      '503': { description: 'unavailable (retried)' },
    },
  },
};

export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'order-capture',
        version: '0.1.0',
        description:
          'Purchase orders in from every channel, validated sales orders out to the ERP. Customer ' +
          "routes take the customer's access token (`order-capture token CUSTOMER_ID`) as a Bearer token. " +
          `Idempotency-Key: ${IDEMPOTENCY_RULES}`,
        license: { name: 'MIT', identifier: 'MIT' },
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'customer access token' } },
      },
    },
    transform: ({ schema, url, route }) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      const doc = ROUTES[`${methods[0]} ${url}`];
      return { schema: (doc ?? { hide: true }) as typeof schema, url };
    },
    transformObject: (documentObject) => {
      const spec =
        'openapiObject' in documentObject ? documentObject.openapiObject : documentObject.swaggerObject;
      return { ...spec, webhooks: { erpOrder: ERP_WEBHOOK } } as typeof spec;
    },
  });
}

type Doc = {
  info: { title: string; description?: string };
  paths: Record<string, Record<string, { summary?: string; description?: string; tags?: string[] }>>;
  webhooks?: Record<string, Record<string, { summary?: string; description?: string }>>;
};

/** `GET /api/openapi.json` and `GET /api/docs`: the document, and a page a person can read. */
export async function openApiRoutes(app: FastifyInstance): Promise<void> {
  app.get('/api/openapi.json', async (_request, reply) =>
    reply.header('Cache-Control', 'public, max-age=300').send(app.swagger()),
  );
  app.get('/api/docs', async (_request, reply) => {
    const doc = app.swagger() as unknown as Doc;
    const ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
    );
    const hooks = Object.entries(doc.webhooks ?? {}).flatMap(([name, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ name, method: method.toUpperCase(), op })),
    );
    const page = html`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${doc.info.title} API</title></head>
<body><main><h1>${doc.info.title} HTTP API</h1><p>${doc.info.description ?? ''}</p>
<p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1).</p>
${ops.map(
  ({ path, method, op }) =>
    html`<section><h2><code>${method} ${path}</code></h2><p>${op.summary ?? ''}</p>${op.description ? html`<p>${op.description}</p>` : ''}</section>`,
)}
<h2>Called by order-capture (webhooks)</h2>
${hooks.map(
  ({ name, method, op }) =>
    html`<section><h3><code>${method}</code> ${name}</h3><p>${op.summary ?? ''}</p><p>${op.description ?? ''}</p></section>`,
)}
</main></body></html>`;
    return reply
      .type('text/html; charset=utf-8')
      .header('Cache-Control', 'public, max-age=300')
      .send(String(page));
  });
}
