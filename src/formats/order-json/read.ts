/**
 * The web-form JSON format: a canonical order (CONTRACTS.md section 1) as a file or an API body.
 *
 * Rejection policy. Input that is not JSON is `unreadable_document`; JSON that is not an order
 * object is `not_an_order`; both reject the whole document. An order object that breaks the
 * schema (only files get here: the API refuses such bodies with a 400 before storing anything)
 * is salvaged: every invalid value is dropped to null and named in a `missing_field` finding,
 * `error` for what an order needs (PO number, lines, a line's quantity and article) and
 * `warning` for the rest, so a person reviews it instead of losing it. Only when no line says
 * what or how many is the part marked `rejected`.
 *
 * The JSON's `customer.id` is never trusted as the customer: the reader sets it to null, the web
 * channel brings the authenticated customer on the document, and the CLI uses `customerIdOf`.
 */
import type { ExtractedOrder, ExtractOutcome, FieldMeta } from '../../domain/extraction.ts';
import { type Finding, finding } from '../../domain/findings.ts';
import type { CanonicalOrder } from '../../domain/order.ts';
import { type FieldError, toCanonicalOrder, validateOrderInput } from './schema.ts';

type Json = Record<string, unknown>;

const ORDER_KEYS = ['lines', 'poNumber', 'customer'];

/** Paths whose loss leaves an order a person must complete: an `error`, not a `warning`. */
const REQUIRED = /^(poNumber|lines|lines\[\d+\](\.(quantity|sku|customerRef|gtin))?)$/;

function parse(bytes: Buffer): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, '')) };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

const pretty = (v: unknown) => JSON.stringify(v, null, 2);

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Content sniffing: a JSON object carrying at least one of lines, poNumber, customer. */
export function looksLikeOrderJson(bytes: Buffer): boolean {
  const head = bytes
    .subarray(0, 64)
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (!head.startsWith('{')) return false;
  const r = parse(bytes);
  return r.ok && isObject(r.value) && ORDER_KEYS.some((k) => k in (r.value as Json));
}

/** The `customer.id` the JSON names, for files whose channel has no authenticated customer. */
export function customerIdOf(bytes: Buffer): string | null {
  const r = parse(bytes);
  if (!r.ok || !isObject(r.value) || !isObject(r.value.customer)) return null;
  const id = r.value.customer.id;
  return typeof id === 'string' && id.trim() !== '' ? id.trim() : null;
}

/** Reads one web-form JSON document into one extracted order; never throws. */
export function readOrderJson(bytes: Buffer): ExtractOutcome {
  const r = parse(bytes);
  if (!r.ok) {
    const message = `The file is not valid JSON (${r.error}).`;
    return { kind: 'rejected', findings: [finding('unreadable_document', 'error', null, message)] };
  }
  const value = r.value;
  if (!isObject(value) || !ORDER_KEYS.some((k) => k in value)) {
    const message = 'The JSON holds no purchase order (no poNumber, lines or customer).';
    return { kind: 'rejected', findings: [finding('not_an_order', 'error', null, message)] };
  }
  const checked = validateOrderInput(value);
  if (checked.ok) return { kind: 'orders', orders: [extracted(value, checked.order, [])], findings: [] };
  const salvaged = salvage(value, checked.errors);
  const order = toCanonicalOrder(salvaged);
  const part = { ...extracted(salvaged, order, checked.errors.map(toFinding)), sourceText: pretty(value) };
  if (!order.lines.some(usable)) part.rejected = true;
  return { kind: 'orders', orders: [part], findings: [] };
}

function extracted(input: Json, order: CanonicalOrder, findings: Finding[]): ExtractedOrder {
  const untrusted = { ...order, customer: { ...order.customer, id: null } };
  return {
    order: untrusted,
    evidence: {
      partyIds: [],
      taxId: order.customer.taxId,
      name: order.customer.name,
      email: null,
      fax: null,
    },
    fieldMeta: fieldMetaOf(input),
    findings,
    confidence: 1,
    sourceText: pretty(input),
    reference: order.poNumber,
  };
}

/** `{confidence: 1, source: json}` for every non-null leaf the input gave, by canonical path. */
function fieldMetaOf(input: Json): Record<string, FieldMeta> {
  const meta: Record<string, FieldMeta> = {};
  const visit = (value: unknown, path: string): void => {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) {
      for (const [i, v] of value.entries()) visit(v, `${path}[${i}]`);
    } else if (isObject(value)) {
      for (const [k, v] of Object.entries(value)) visit(v, path ? `${path}.${k}` : k);
    } else if (path !== 'customer.id') {
      meta[path] = { confidence: 1, source: { kind: 'json', path } };
    }
  };
  visit(input, '');
  return meta;
}

function toFinding(e: FieldError): Finding {
  const severity = REQUIRED.test(e.field) ? 'error' : 'warning';
  const message =
    e.message === 'is required'
      ? `${e.field} is missing.`
      : e.message === 'is not a known field'
        ? `${e.field} is not a field of the order format and was ignored.`
        : `${e.field} ${e.message}; the value was ignored.`;
  return finding('missing_field', severity, e.field, message);
}

/** A copy of the input without the values the errors name: unknown fields removed, bad ones null. */
function salvage(input: Json, errors: FieldError[]): Json {
  const copy = structuredClone(input);
  for (const { field, message } of errors) {
    const keys = field.split(/\.|\[(\d+)\]/).filter((k) => k !== undefined && k !== '');
    const last = keys.pop();
    let parent: unknown = copy;
    for (const k of keys)
      parent = isObject(parent) || Array.isArray(parent) ? (parent as Json)[k] : undefined;
    if (last === undefined || !isObject(parent) || !(last in parent)) continue;
    if (message === 'is not a known field') delete parent[last];
    else parent[last] = null;
  }
  return copy;
}

/** A line a person can work with: it says how many, or of what. */
const usable = (l: CanonicalOrder['lines'][number]) =>
  l.quantity !== null || l.sku !== null || l.customerRef !== null || l.gtin !== null;
