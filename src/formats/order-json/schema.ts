import { createRequire } from 'node:module';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import type { Address, CanonicalOrder, CustomerRef, OrderLine } from '../../domain/order.ts';

/** Text limits: generous for real orders, small enough that nobody stores a novel in a field. */
export const LIMITS = { text: 200, description: 500, notes: 2000, lines: 1000, maxErrors: 100 } as const;

/** One problem with an order input, named by its canonical path (`lines[2].quantity`). */
export interface FieldError {
  field: string;
  message: string;
}

/** A complete canonical order, or every problem found (at most 100). */
export type OrderInputResult = { ok: true; order: CanonicalOrder } | { ok: false; errors: FieldError[] };

const text = (maxLength: number = LIMITS.text) => ({ type: ['string', 'null'], maxLength });
const amount = (maximum: number) => ({
  type: ['number', 'null'],
  minimum: 0,
  maximum,
  message: `must be a number from 0 to ${maximum}`,
});
const date = {
  type: ['string', 'null'],
  format: 'date',
  message: 'must be a real calendar date written YYYY-MM-DD',
};

const lineSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['quantity'],
  properties: {
    lineNo: { type: 'integer', minimum: 1, maximum: 100_000 },
    sku: text(),
    customerRef: text(),
    gtin: { type: ['string', 'null'], pattern: '^[0-9]{8,14}$', message: 'must be 8 to 14 digits' },
    description: text(LIMITS.description),
    quantity: {
      type: 'number',
      exclusiveMinimum: 0,
      maximum: 1e9,
      message: 'must be a number greater than 0',
    },
    unit: text(20),
    unitPrice: amount(1e9),
    amount: amount(1e12),
  },
  // An article the supplier can resolve: its SKU, the customer's own reference or a GTIN.
  anyOf: ['sku', 'customerRef', 'gtin'].map((k) => ({
    required: [k],
    properties: { [k]: { type: 'string', pattern: '\\S' } },
  })),
  message: 'needs at least one of sku, customerRef or gtin',
};

/**
 * JSON Schema (draft-07) of the canonical order (CONTRACTS.md section 1) as input to the web form
 * and the JSON API. Optional fields may be absent or null; numbers must be JSON numbers.
 */
export const orderInputSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://order-capture/schemas/order-input.json',
  type: 'object',
  additionalProperties: false,
  required: ['poNumber', 'lines'],
  properties: {
    customer: {
      type: ['object', 'null'],
      additionalProperties: false,
      properties: { id: text(), name: text(), taxId: text(40) },
    },
    poNumber: {
      type: 'string',
      minLength: 1,
      maxLength: LIMITS.text,
      pattern: '\\S',
      message: 'must not be empty',
    },
    orderDate: date,
    deliveryDate: date,
    currency: {
      type: ['string', 'null'],
      pattern: '^[A-Z]{3}$',
      message: 'must be a three-letter currency code such as EUR',
    },
    shipTo: {
      type: ['object', 'null'],
      additionalProperties: false,
      properties: { name: text(), street: text(), postalCode: text(20), city: text(), country: text(60) },
    },
    lines: { type: 'array', minItems: 1, maxItems: LIMITS.lines, items: lineSchema },
    total: amount(1e12),
    notes: text(LIMITS.notes),
  },
} as const;

let compiled: ValidateFunction<unknown> | null = null;
/**
 * Compiled on first use, not at start-up: a run that reads no order JSON (`extract` of an EDIFACT
 * file) never needs it. ajv itself is loaded then too (synchronously, it is CommonJS): loading it
 * and ajv-formats costs ~60-100 ms of a start that has about a second.
 */
function validator(): ValidateFunction<unknown> {
  if (compiled) return compiled;
  const require = createRequire(import.meta.url);
  const { Ajv: AjvClass } = require('ajv') as typeof import('ajv');
  const formatsPlugin = require('ajv-formats') as typeof import('ajv-formats');
  const ajv = new AjvClass({ allErrors: true, allowUnionTypes: true, verbose: true, strict: true });
  (formatsPlugin as unknown as (a: Ajv, f: string[]) => void)(ajv, ['date']);
  // `message` is our own annotation: the plain-words text shown when a field breaks its rule.
  ajv.addVocabulary(['message']);
  compiled = ajv.compile<unknown>(orderInputSchema);
  return compiled;
}

/** Validates an order input and returns it as a complete canonical order (absent fields null). */
export function validateOrderInput(value: unknown): OrderInputResult {
  const validate = validator();
  if (validate(value)) {
    const errors = repeatedLineNumbers(value as Input);
    return errors.length > 0 ? { ok: false, errors } : { ok: true, order: toCanonicalOrder(value as Input) };
  }
  return { ok: false, errors: describeErrors(validate.errors ?? []) };
}

type Input = Record<string, unknown>;

/** Line numbers key the stored lines, so two lines may not share one. */
function repeatedLineNumbers(value: Input): FieldError[] {
  const seen = new Set<number>();
  const errors: FieldError[] = [];
  (value.lines as Input[]).forEach((line, i) => {
    const n = typeof line.lineNo === 'number' ? line.lineNo : i + 1;
    if (seen.has(n)) errors.push({ field: `lines[${i}].lineNo`, message: `repeats line number ${n}` });
    seen.add(n);
  });
  return errors;
}

/** Maps ajv errors to canonical paths and plain messages, one per field. */
export function describeErrors(errors: ErrorObject[]): FieldError[] {
  const out: FieldError[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    // The anyOf branches' own failures only restate the anyOf error itself.
    if (e.schemaPath.includes('/anyOf/')) continue;
    const err = describeError(e);
    if (seen.has(err.field)) continue;
    seen.add(err.field);
    out.push(err);
    if (out.length >= LIMITS.maxErrors) break;
  }
  return out;
}

function describeError(e: ErrorObject): FieldError {
  const at = canonicalPath(e.instancePath);
  const child = (name: string) => (at === '' ? name : `${at}.${name}`);
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { field: child(String(params.missingProperty)), message: 'is required' };
    case 'additionalProperties':
      return { field: child(String(params.additionalProperty)), message: 'is not a known field' };
    default:
      return { field: at === '' ? 'order' : at, message: messageFor(e) };
  }
}

/** `/lines/2/quantity` -> `lines[2].quantity`. */
export function canonicalPath(pointer: string): string {
  let path = '';
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    path += /^\d+$/.test(part) ? `[${part}]` : path === '' ? part : `.${part}`;
  }
  return path;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a text',
  number: 'a number',
  integer: 'a whole number',
  object: 'an object',
  array: 'a list',
  boolean: 'true or false',
};

function messageFor(e: ErrorObject): string {
  const custom = (e.parentSchema as { message?: unknown } | undefined)?.message;
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'type': {
      const types = String(params.type).split(',');
      const words = types.filter((t) => t !== 'null').map((t) => TYPE_WORDS[t] ?? t);
      return `must be ${words.join(' or ')}${types.includes('null') ? ' or null' : ''}`;
    }
    case 'maxLength':
      return `must be at most ${params.limit} characters`;
    case 'minItems':
      return 'must have at least one line';
    case 'maxItems':
      return `must have at most ${params.limit} lines`;
  }
  if (typeof custom === 'string') return custom;
  switch (e.keyword) {
    case 'minimum':
      return `must be at least ${params.limit}`;
    case 'maximum':
      return `must be at most ${params.limit}`;
    case 'minLength':
    case 'pattern':
      return 'must not be empty';
    default:
      return e.message ?? 'is not valid';
  }
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const obj = (v: unknown): Input | null =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Input) : null;

/**
 * Builds a canonical order from input, null wherever a value is absent or of the wrong type.
 * Safe on unvalidated input (the file reader salvages what it can with it).
 */
export function toCanonicalOrder(input: Input): CanonicalOrder {
  const lines = Array.isArray(input.lines) ? input.lines : [];
  return {
    customer: toCustomer(obj(input.customer)),
    poNumber: str(input.poNumber),
    orderDate: str(input.orderDate),
    deliveryDate: str(input.deliveryDate),
    currency: str(input.currency),
    shipTo: toAddress(obj(input.shipTo)),
    lines: lines.map((l, i) => toLine(obj(l) ?? {}, i)),
    total: num(input.total),
    notes: str(input.notes),
  };
}

function toCustomer(c: Input | null): CustomerRef {
  return { id: str(c?.id), name: str(c?.name), taxId: str(c?.taxId) };
}

function toAddress(a: Input | null): Address | null {
  if (!a) return null;
  return {
    name: str(a.name),
    street: str(a.street),
    postalCode: str(a.postalCode),
    city: str(a.city),
    country: str(a.country),
  };
}

function toLine(l: Input, i: number): OrderLine {
  const lineNo = num(l.lineNo);
  return {
    lineNo: lineNo !== null && Number.isInteger(lineNo) && lineNo > 0 ? lineNo : i + 1,
    sku: str(l.sku),
    customerRef: str(l.customerRef),
    gtin: str(l.gtin),
    description: str(l.description),
    quantity: num(l.quantity),
    unit: str(l.unit),
    unitPrice: num(l.unitPrice),
    amount: num(l.amount),
  };
}
