import { normaliseEmail, normaliseFax, normaliseTaxId, parseGtin, splitList } from './normalise.ts';

/** A cell that cannot be loaded; the message names the column and the value. */
export class CellError extends Error {}

/** SQL type of a column's parameter; the upsert casts each parameter to it. */
export type SqlType = 'text' | 'numeric' | 'date' | 'text[]' | 'boolean';

/** One CSV column: its header name, SQL type and how a trimmed, non-empty cell becomes a value. */
export interface Column {
  name: string;
  type: SqlType;
  required?: boolean;
  parse(value: string): string | string[];
}

export function text(name: string, required = false): Column {
  return { name, type: 'text', required, parse: (v) => v };
}

export function upper(name: string, required = false): Column {
  return { name, type: 'text', required, parse: (v) => v.toUpperCase() };
}

export interface NumberRule {
  required?: boolean;
  /** Values must be greater than 0 (pack sizes, quantities); otherwise 0 is allowed. */
  positive?: boolean;
  /** Exclusive upper bound: what the numeric(p, s) column can hold. */
  max: number;
}

/**
 * Decimal numbers use `.` as the decimal mark and no thousands separator. `12,5` is refused
 * rather than guessed: `1,250` could be one and a quarter or twelve hundred and fifty.
 * The value goes to SQL as the original string, so numeric columns store it exactly.
 */
export function decimal(name: string, rule: NumberRule): Column {
  return {
    name,
    type: 'numeric',
    required: rule.required,
    parse(v) {
      if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(v)) {
        const hint = /^[+-]?[\d.,]+$/.test(v)
          ? ': use "." as the decimal mark and no thousands separator'
          : '';
        throw new CellError(`${name} "${v}" is not a number${hint}`);
      }
      const n = Number(v);
      if (n < 0 || (rule.positive && n === 0)) {
        throw new CellError(`${name} "${v}" must be ${rule.positive ? 'greater than 0' : 'zero or more'}`);
      }
      if (n >= rule.max) throw new CellError(`${name} "${v}" is too large (must be below ${rule.max})`);
      return v;
    },
  };
}

export function isoDate(name: string, required = false): Column {
  return {
    name,
    type: 'date',
    required,
    parse(v) {
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
      const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
      if (!d || d.toISOString().slice(0, 10) !== v) {
        throw new CellError(`${name} "${v}" is not a date: use YYYY-MM-DD`);
      }
      return v;
    },
  };
}

export function currency(name: string): Column {
  return {
    name,
    type: 'text',
    parse(v) {
      const c = v.toUpperCase();
      if (!/^[A-Z]{3}$/.test(c)) throw new CellError(`${name} "${v}" is not a 3-letter currency code`);
      return c;
    },
  };
}

export function taxId(name: string): Column {
  return { name, type: 'text', parse: (v) => normaliseTaxId(v) ?? '' };
}

/** GTIN stored in its 14-digit form; a wrong check digit names the right one. */
export function gtin(name: string): Column {
  return {
    name,
    type: 'text',
    parse(v) {
      const r = parseGtin(v);
      if (r.ok) return r.gtin;
      if (r.reason === 'check_digit') {
        throw new CellError(`${name} "${v}" has a wrong check digit (did you mean ${r.expected}?)`);
      }
      throw new CellError(`${name} "${v}" is not a GTIN: expected 8, 12, 13 or 14 digits`);
    },
  };
}

/** A `;`-separated list whose entries go through `normalise` (null = invalid entry). */
export function list(name: string, normalise: (v: string) => string | null, what: string): Column {
  return {
    name,
    type: 'text[]',
    parse(v) {
      const out: string[] = [];
      for (const entry of splitList(v)) {
        const n = normalise(entry);
        if (n === null) throw new CellError(`${name} entry "${entry}" is not ${what}`);
        if (!out.includes(n)) out.push(n);
      }
      return out;
    },
  };
}

export const emailList = (name: string) => list(name, normaliseEmail, 'an e-mail address or @domain');
export const faxList = (name: string) => list(name, normaliseFax, 'a fax number (e.g. +34912345678)');
export const idList = (name: string) => list(name, (v) => v.replace(/\s/g, ''), 'an id');

/** One of a few words, case-insensitive; anything else names the choices. */
export function oneOf(name: string, allowed: readonly string[]): Column {
  return {
    name,
    type: 'text',
    parse(v) {
      const w = v.toLowerCase();
      if (!allowed.includes(w)) throw new CellError(`${name} "${v}" must be one of ${allowed.join(', ')}`);
      return w;
    },
  };
}

/** Yes or no: `yes`/`no`, `sí`/`si`, `true`/`false`, `1`/`0`, `x` for yes; any case. */
export function flag(name: string): Column {
  return {
    name,
    type: 'boolean',
    parse(v) {
      const w = v.toLowerCase();
      if (['yes', 'y', 'sí', 'si', 's', 'true', '1', 'x'].includes(w)) return 'true';
      if (['no', 'n', 'false', '0'].includes(w)) return 'false';
      throw new CellError(`${name} "${v}" must be yes or no`);
    },
  };
}
