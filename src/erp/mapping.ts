import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CanonicalOrder } from '../domain/order.ts';
import { OrderCaptureError } from '../errors.ts';

/**
 * What a mapping sees beside the order: the order's identity in order-capture, so that an ERP
 * field can carry the idempotency key or a link back.
 */
export interface MappingContext {
  orderId: number;
  documentId: number;
  idempotencyKey: string;
  /** ISO 8601. */
  receivedAt: string;
}

/** Turns one canonical order into the body the ERP's API takes (any JSON value). */
export type OrderMapping = (order: CanonicalOrder, context: MappingContext) => unknown;

/** The paths a template may name: the canonical order (CONTRACTS.md section 1) and the context. */
const ORDER_PATHS = new Set([
  'customer.id',
  'customer.name',
  'customer.taxId',
  'poNumber',
  'orderDate',
  'deliveryDate',
  'currency',
  'shipTo.name',
  'shipTo.street',
  'shipTo.postalCode',
  'shipTo.city',
  'shipTo.country',
  'total',
  'notes',
  'orderId',
  'documentId',
  'idempotencyKey',
  'receivedAt',
]);
const LINE_FIELDS = [
  'lineNo',
  'sku',
  'customerRef',
  'gtin',
  'description',
  'quantity',
  'unit',
  'unitPrice',
  'amount',
];

const PLACEHOLDER = /\{\{\s*([^}]+?)\s*\}\}/g;
const WHOLE = /^\{\{\s*([^}]+?)\s*\}\}$/;

type Scope = Record<string, unknown>;

/**
 * A JSON template, checked once when loaded:
 * - `"{{poNumber}}"` (the whole string) is replaced by the value with its JSON type (a number
 *   stays a number, a missing value is `null`); `"PO {{poNumber}}"` inside a longer string is
 *   text, a missing value empty;
 * - `"{{deliveryDate ?? orderDate}}"`: the first of the paths that is not null;
 * - `{ "$each": "lines", "as": "line", "template": {...} }` is an array, one element per order
 *   line, where `{{line.sku}}` names the line's fields (and the order's are still there);
 * - everything else (numbers, constants, keys) is copied as it is.
 * A path that names no field of the canonical order is refused when the template is loaded, so
 * a typo stops the start instead of sending nulls to the ERP.
 */
export function compileTemplate(template: unknown, where = 'mapping'): OrderMapping {
  check(template, new Set(ORDER_PATHS), where);
  return (order, context) => render(template, { ...context, ...(order as unknown as Scope) });
}

function check(node: unknown, paths: Set<string>, where: string): void {
  if (typeof node === 'string') {
    for (const m of node.matchAll(PLACEHOLDER)) {
      for (const path of alternatives(m[1]!)) {
        if (!paths.has(path)) {
          throw new OrderCaptureError(
            'config_invalid',
            `${where}: {{${path}}} names no field of the canonical order (known: ${[...paths].join(', ')})`,
          );
        }
      }
    }
  } else if (Array.isArray(node)) {
    for (const [i, v] of node.entries()) check(v, paths, `${where}[${i}]`);
  } else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if ('$each' in o) {
      const as = o.as ?? 'line';
      if (o.$each !== 'lines' || typeof as !== 'string' || !/^[A-Za-z_]\w*$/.test(as) || !('template' in o)) {
        throw new OrderCaptureError(
          'config_invalid',
          `${where}: "$each" takes "lines", an optional "as" name and a "template"`,
        );
      }
      const inner = new Set(paths);
      for (const f of LINE_FIELDS) inner.add(`${as}.${f}`);
      check(o.template, inner, `${where}.template`);
      return;
    }
    for (const [k, v] of Object.entries(o)) check(v, paths, `${where}.${k}`);
  }
}

const alternatives = (expr: string) => expr.split('??').map((p) => p.trim());

function lookup(scope: Scope, expr: string): unknown {
  for (const path of alternatives(expr)) {
    let v: unknown = scope;
    for (const key of path.split('.')) v = v && typeof v === 'object' ? (v as Scope)[key] : undefined;
    if (v !== undefined && v !== null) return v;
  }
  return null;
}

function render(node: unknown, scope: Scope): unknown {
  if (typeof node === 'string') {
    const whole = WHOLE.exec(node);
    if (whole) return lookup(scope, whole[1]!);
    return node.replace(PLACEHOLDER, (_, expr: string) => {
      const v = lookup(scope, expr);
      return v === null ? '' : String(v);
    });
  }
  if (Array.isArray(node)) return node.map((v) => render(v, scope));
  if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if ('$each' in o) {
      const as = typeof o.as === 'string' ? o.as : 'line';
      const lines = Array.isArray(scope.lines) ? scope.lines : [];
      return lines.map((line) => render(o.template, { ...scope, [as]: line }));
    }
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, render(v, scope)]));
  }
  return node;
}

/**
 * Loads the mapping a config names: a `.json` template (compiled and checked now), or a
 * JavaScript/TypeScript module (`.js`, `.mjs`, `.ts`, `.mts`) whose default export is an
 * `OrderMapping`. Throws `config_invalid` with the reason.
 */
export async function loadMapping(path: string): Promise<OrderMapping> {
  const ext = extname(path).toLowerCase();
  if (ext === '.json') {
    let template: unknown;
    try {
      template = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      throw new OrderCaptureError('config_invalid', `ERP mapping ${path}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    return compileTemplate(template, path);
  }
  if (!['.js', '.mjs', '.ts', '.mts'].includes(ext)) {
    throw new OrderCaptureError(
      'config_invalid',
      `ERP mapping ${path}: expected a .json template or a .js/.mjs/.ts/.mts module`,
    );
  }
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(path).href)) as { default?: unknown };
  } catch (err) {
    throw new OrderCaptureError('config_invalid', `ERP mapping ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (typeof mod.default !== 'function') {
    throw new OrderCaptureError(
      'config_invalid',
      `ERP mapping ${path}: the module must export a function as default: (order, context) => body`,
    );
  }
  return mod.default as OrderMapping;
}
