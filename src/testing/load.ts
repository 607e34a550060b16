/**
 * HTTP intake under load: the real server on 127.0.0.1 with its database, autocannon against
 * `POST /api/orders` and `POST /api/edifact` for a bounded time each, every request a distinct
 * order, then a check in the database that every 2xx answer's document is stored exactly once
 * and, with the worker in this process (as in `serve`), that every one ended accepted, review or
 * rejected. Shared by scripts/bench-load.ts (prints the speed) and src/http/load.db.test.ts.
 */
import autocannon from 'autocannon';
import type { Config } from '../config.ts';
import { issueToken } from '../customers/tokens.ts';
import type { Db } from '../db/db.ts';
import { buildServer } from '../app.ts';
import { createLogger } from '../log.ts';
import { importMasterData } from '../masterdata/import.ts';
import { DocumentWorker } from '../worker/document-worker.ts';
import { type CheckInput, checkEndpoint, type EndpointCheck, waitForPipeline } from './load-check.ts';
import { interchange } from './edifact-gen.ts';
import { DEMO_MASTER_DATA } from './pipeline.ts';

/** The customer whose token sends every request; its GLN is the EDIFACT buyer. */
const CUSTOMER = 'C042';
const CUSTOMER_GLN = '8412345000003';

export interface LoadOptions {
  /** Seconds of load per endpoint. */
  seconds: number;
  /** Concurrent connections (one request in flight on each). */
  connections: number;
  /** Runs a document worker in this process, as `serve` does, and waits for it afterwards. */
  worker: boolean;
  /** How long to wait for the worker to finish the backlog after the load (ms). */
  drainTimeoutMs: number;
  /** Seconds autocannon waits for an answer before counting a timeout. */
  requestTimeoutS?: number;
  /** Receives every warning and error line of the server and the worker (they are also problems). */
  onLogLine?: (line: string) => void;
}

/** One endpoint's figures, as autocannon measured them and the database confirmed them. */
export interface EndpointResult extends EndpointCheck {
  endpoint: string;
  /** Requests sent, each a distinct order. */
  sent: number;
  answered2xx: number;
  /** Responses received. */
  requests: number;
  seconds: number;
  reqPerSec: number;
  /** Milliseconds. */
  latency: { p50: number; p90: number; p99: number; max: number };
  /** Responses by HTTP status. */
  statuses: Record<string, number>;
  non2xx: number;
  /** Connection errors, timeouts included. */
  errors: number;
  timeouts: number;
}

export interface LoadReport {
  engine: Db['engine'];
  endpoints: EndpointResult[];
  /** Seconds the worker needed after the load to finish the backlog; null: no worker, or not in time. */
  drainS: number | null;
  /** Warning and error lines logged by the server and the worker. */
  logged: string[];
  /** Everything that went wrong; empty when the run passed. */
  problems: string[];
}

/** How one endpoint's requests are made: a distinct order from a sequence number. */
interface EndpointSpec {
  endpoint: string;
  path: string;
  channel: 'web' | 'edi';
  contentType: string;
  /** The stored document's source reference for an Idempotency-Key. */
  sourceRef: (key: string) => string;
  body: (po: string) => string;
}

const ENDPOINTS: EndpointSpec[] = [
  {
    endpoint: 'POST /api/orders',
    path: '/api/orders',
    channel: 'web',
    contentType: 'application/json',
    sourceRef: (key) => `api:${CUSTOMER}:${key}`,
    body: (po) =>
      JSON.stringify({
        poNumber: po,
        orderDate: '2026-11-20',
        deliveryDate: '2026-12-01',
        currency: 'EUR',
        lines: [
          { sku: 'TOR-M8-40', quantity: 200, unitPrice: 0.12 },
          { sku: 'TUE-M8', quantity: 300, unitPrice: 0.045 },
        ],
      }),
  },
  {
    endpoint: 'POST /api/edifact',
    path: '/api/edifact',
    channel: 'edi',
    contentType: 'application/edifact',
    sourceRef: (key) => `http:${CUSTOMER}:${key}`,
    body: (po) =>
      interchange(
        [
          {
            poNumber: po,
            buyerGln: CUSTOMER_GLN,
            deliveryDate: '20261201',
            lines: [
              { gtin: '8412345678905', quantity: 200, unitPrice: 0.12 },
              { sku: 'TUE-M8', quantity: 300, unitPrice: 0.045 },
            ],
          },
        ],
        { controlRef: po.replace(/\D/g, '').slice(-14) || '1' },
      ),
  },
];

/**
 * Loads the demo master data into `db` (a fresh, migrated database), serves it on 127.0.0.1 and
 * runs the load. Closes the server and stops the worker; the database stays the caller's.
 */
export async function runLoad(db: Db, config: Config, opts: LoadOptions): Promise<LoadReport> {
  const logged: string[] = [];
  const log = createLogger('warn', { component: 'load' }, (line) => {
    logged.push(line);
    opts.onLogLine?.(line);
  });
  await importMasterData(db, DEMO_MASTER_DATA);
  // Thousands of orders would exhaust the customer's demo credit limit; as scripts/bench.ts, lift
  // the limit rather than remove the check.
  await db.query(`UPDATE customers SET credit_limit = 1e12 WHERE id = $1`, [CUSTOMER]);
  const token = await issueToken(db, CUSTOMER);

  const app = await buildServer({ db, config, log });
  // The default formats (EDIFACT, JSON, text): web and EDI documents never go near OCR.
  const worker = opts.worker
    ? new DocumentWorker(
        {
          db,
          log,
          validation: config.validation,
          acceptThreshold: config.acceptThreshold,
          deliverTo: config.erp.adapter,
          sla: config.sla,
        },
        config.worker,
        log,
      )
    : null;
  const runs: Array<{ spec: EndpointSpec; answers: Answers; result: EndpointResult }> = [];
  let drainS: number | null = null;
  try {
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    worker?.start();
    for (const spec of ENDPOINTS) {
      const answers: Answers = { sent: new Set(), ok: new Map(), other: new Map() };
      runs.push({ spec, answers, result: await hammer(url, token, spec, answers, opts) });
    }
    if (worker) drainS = await waitForPipeline(db, opts.drainTimeoutMs);
    // Without a worker, the web requests cut off at the end still wait out the sync wait on the
    // server: let them finish before the check, and before the database goes.
    else await new Promise((r) => setTimeout(r, config.http.syncWaitMs + 100));
    await worker?.stop();
    for (const run of runs) {
      const check = await checkEndpoint(db, checkInput(run.spec, run.answers, opts));
      run.result = { ...run.result, ...check, problems: [...run.result.problems, ...check.problems] };
    }
  } finally {
    await worker?.stop();
    await app.close();
  }
  const endpoints = runs.map((r) => r.result);
  const problems = endpoints.flatMap(problemsOf);
  if (worker && drainS === null)
    problems.push(`the worker had not finished the backlog ${opts.drainTimeoutMs} ms after the load`);
  if (logged.length > 0) problems.push(`${logged.length} warnings or errors logged`);
  return { engine: db.engine, endpoints, drainS, logged, problems };
}

/** What the database check needs to know; each request's Idempotency-Key is its PO number. */
function checkInput(spec: EndpointSpec, a: Answers, opts: LoadOptions): CheckInput {
  return {
    channel: spec.channel,
    sent: new Map([...a.sent].map((po) => [spec.sourceRef(po), po])),
    answered: new Map([...a.ok].map(([po, id]) => [spec.sourceRef(po), id])),
    refused: new Set([...a.other.keys()].map(spec.sourceRef)),
    inFlightAtStop: opts.connections,
    processed: opts.worker,
  };
}

function problemsOf(e: EndpointResult): string[] {
  const problems: string[] = [];
  if (e.errors > 0) problems.push(`${e.errors} connection errors (${e.timeouts} timeouts)`);
  if (e.non2xx > 0) problems.push(`${e.non2xx} non-2xx answers ${JSON.stringify(e.statuses)}`);
  if (e.requests === 0) problems.push('no answer at all');
  return [...problems, ...e.problems].map((p) => `${e.endpoint}: ${p}`);
}

/** What came back for one endpoint: keys sent, 2xx answers (key -> document id), other answers. */
interface Answers {
  sent: Set<string>;
  ok: Map<string, number>;
  other: Map<string, number>;
}

/** Runs autocannon against one endpoint, each request a new PO number and Idempotency-Key. */
async function hammer(
  url: string,
  token: string,
  spec: EndpointSpec,
  answers: Answers,
  opts: LoadOptions,
): Promise<EndpointResult> {
  let next = 0;
  const prefix = spec.channel === 'web' ? 'LOAD-W-' : 'LOAD-E-';
  // One request in flight per connection, so a connection's context names the request answered.
  const result = await autocannon({
    url,
    connections: opts.connections,
    pipelining: 1,
    duration: opts.seconds,
    timeout: opts.requestTimeoutS ?? 30,
    requests: [
      {
        method: 'POST',
        path: spec.path,
        setupRequest: (request, context) => {
          const po = `${prefix}${String(++next).padStart(7, '0')}`;
          (context as { po?: string }).po = po;
          answers.sent.add(po);
          return {
            ...request,
            headers: {
              ...request.headers,
              authorization: `Bearer ${token}`,
              'content-type': spec.contentType,
              'idempotency-key': po,
            },
            body: spec.body(po),
          };
        },
        onResponse: (status, body, context) => {
          const po = (context as { po?: string }).po;
          if (po === undefined) return;
          if (status >= 200 && status < 300) answers.ok.set(po, documentIdOf(body));
          else answers.other.set(po, status);
        },
      },
    ],
  });
  const statuses: Record<string, number> = {};
  for (const [code, s] of Object.entries(result.statusCodeStats ?? {})) statuses[code] = s.count ?? 0;
  return {
    endpoint: spec.endpoint,
    requests: result.requests.total,
    seconds: result.duration,
    reqPerSec: result.duration > 0 ? result.requests.total / result.duration : 0,
    latency: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    statuses,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    sent: answers.sent.size,
    answered2xx: result['2xx'],
    ...NOT_CHECKED,
    problems:
      answers.ok.size === result['2xx']
        ? []
        : [`${answers.ok.size} 2xx answers seen, autocannon counted ${result['2xx']}`],
  };
}

const NOT_CHECKED: Omit<EndpointCheck, 'problems'> = {
  stored: 0,
  lost: 0,
  duplicated: 0,
  unanswered: 0,
  unansweredStored: 0,
  outcomes: {},
};

/** The document id of a 2xx answer (`{ documentId }`), NaN when the body has none. */
function documentIdOf(body: string): number {
  try {
    return Number((JSON.parse(body) as { documentId?: unknown }).documentId);
  } catch {
    return Number.NaN;
  }
}
