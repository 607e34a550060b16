/**
 * Text from outside (file names, mail subjects, words of a PDF, EDIFACT values) made storable:
 * PostgreSQL text and jsonb refuse U+0000 and unpaired UTF-16 surrogates, and one such character
 * in a sender's file name would otherwise fail the whole transaction that stores a document's
 * outcome, on every retry. Both become U+FFFD, so a person still sees that something was there.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what PostgreSQL refuses.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function storableText(text: string): string {
  return text.replace(UNSTORABLE, '\uFFFD');
}

/**
 * A copy of `value` with every string made storable, object keys included; Buffers, Dates and
 * other class instances are kept as they are. Returns `value` itself when nothing needed a change.
 */
export function storable<T>(value: T): T {
  return clean(value, 0) as T;
}

/** Deeper than any order, page or finding; beyond it values are left as they are. */
const MAX_DEPTH = 64;

function clean(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return storableText(value);
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((v) => {
      const c = clean(v, depth + 1);
      if (c !== v) changed = true;
      return c;
    });
    return changed ? out : value;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  let changed = false;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const key = storableText(k);
    const c = clean(v, depth + 1);
    if (c !== v || key !== k) changed = true;
    out[key] = c;
  }
  return changed ? out : value;
}
