import { readFileSync } from 'node:fs';
import { readYaml } from './yaml.ts';

/**
 * Where settings come from, in order of precedence: overrides (tests, the CLI), the environment,
 * then the file named by ORDERCAP_CONFIG (keys in nested form, flattened to dotted names). Each
 * read checks its value and collects the problems, so all are reported at once.
 */
export type Source = Record<string, unknown>;

/** A setting holding a list: items separated by commas or spaces. */
export function list(value: string): string[] {
  return value.split(/[\s,]+/).filter(Boolean);
}

export function readConfigFile(path: string, problems: string[]): Source {
  try {
    const parsed: unknown = readYaml(readFileSync(path, 'utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Source;
    problems.push(`${path}: the config file must hold a mapping of settings`);
  } catch (err) {
    problems.push(`${path}: cannot read the config file: ${(err as Error).message}`);
  }
  return {};
}

/** `{ erp: { adapter: 'http' } }` -> `{ 'erp.adapter': 'http' }`. */
export function flatten(obj: Source, prefix = ''): Source {
  const out: Source = {};
  for (const [k, v] of Object.entries(obj)) {
    if (v && typeof v === 'object' && !Array.isArray(v))
      Object.assign(out, flatten(v as Source, `${prefix}${k}.`));
    else out[prefix + k] = v;
  }
  return out;
}

/** Edit distance (Levenshtein), to name the setting a misspelt one most likely meant. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** The known name closest to `name` (case-insensitive). */
export function nearest(name: string, known: Iterable<string>): string | null {
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const k of known) {
    const d = editDistance(name.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * ORDERCAP_* variables that are no setting of the service but are read by its tools: the config
 * file's name, fault injection (tests), and the test, bench and evaluation scripts' own.
 */
const TOOL_VARIABLES = [
  /^ORDERCAP_CONFIG$/,
  /^ORDERCAP_FAULT$/,
  /^ORDERCAP_(TEST|BENCH)_\w+$/,
  /^ORDERCAP_(PG_BIN|CORPUS)$/,
];

/**
 * What a provider's own options reader (an ERP adapter, a reply sender) gets besides the Reader:
 * what other settings' defaults derive from.
 */
export interface OptionsContext {
  dataDir: string;
}

/** Reads one setting: the caller's overrides, then the environment, then the file, then the default. */
export class Reader {
  /** Every file key and variable name read, to refuse the ones no setting reads (typos). */
  private readonly knownKeys = new Set<string>();
  private readonly knownEnv = new Set<string>();

  constructor(
    private readonly file: Source,
    private readonly env: NodeJS.ProcessEnv,
    private readonly overrides: Source,
    private readonly problems: string[],
  ) {}

  /** Every setting read so far: its config-file key and its variable. */
  get names(): Array<{ key: string; env: string }> {
    return [...this.pairs.values()];
  }
  private readonly pairs = new Map<string, { key: string; env: string }>();

  /** A problem a reader found beyond one setting's value (two settings that do not go together). */
  problem(message: string): void {
    this.problems.push(message);
  }

  /**
   * Problems for every `ORDERCAP_*` variable and config-file key that no setting read, each with
   * the nearest known name. Call after every setting was read.
   */
  checkUnknown(): void {
    for (const name of Object.keys(this.env)) {
      if (!name.startsWith('ORDERCAP_') || this.knownEnv.has(name)) continue;
      if (name.endsWith('_FILE') && this.knownEnv.has(name.slice(0, -5))) continue;
      if (TOOL_VARIABLES.some((re) => re.test(name))) continue;
      this.problems.push(`${name}: no such setting; did you mean ${nearest(name, this.knownEnv)}?`);
    }
    for (const key of Object.keys(this.file)) {
      if (this.knownKeys.has(key)) continue;
      this.problems.push(
        `config file key ${key}: no such setting; did you mean ${nearest(key, this.knownKeys)}?`,
      );
    }
  }

  /** `NAME_FILE`: the setting's value is the file's content (Docker / Kubernetes secrets), one final newline dropped. */
  private fromFile(envName: string): { value: unknown; from: string } | null {
    const path = this.env[`${envName}_FILE`];
    if (path === undefined || path === '') return null;
    try {
      return { value: readFileSync(path, 'utf8').replace(/\r?\n$/, ''), from: `${envName}_FILE` };
    } catch (err) {
      this.problems.push(
        `${envName}_FILE: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      );
      return null;
    }
  }

  private raw(key: string, envName: string): { value: unknown; from: string } | null {
    this.knownKeys.add(key);
    this.knownEnv.add(envName);
    this.pairs.set(`${key}|${envName}`, { key, env: envName });
    if (this.overrides[key] !== undefined) return { value: this.overrides[key], from: key };
    const e = this.env[envName];
    if (e !== undefined && e !== '') return { value: e, from: envName };
    const f = this.fromFile(envName);
    if (f !== null) return f;
    if (this.file[key] !== undefined && this.file[key] !== null) return { value: this.file[key], from: key };
    return null;
  }

  optStr(key: string, envName: string): string | null {
    const r = this.raw(key, envName);
    return r === null ? null : String(r.value);
  }

  str(key: string, envName: string, dflt: string): string {
    return this.optStr(key, envName) ?? dflt;
  }

  num(key: string, envName: string, dflt: number, min: number, max: number): number {
    const r = this.raw(key, envName);
    if (r === null) return dflt;
    const n = Number(r.value);
    if (!Number.isFinite(n) || n < min || n > max) {
      this.problems.push(
        `${r.from}: expected a number from ${min} to ${max}, got ${JSON.stringify(r.value)}`,
      );
      return dflt;
    }
    return n;
  }

  int(key: string, envName: string, dflt: number, min: number, max: number): number {
    const n = this.num(key, envName, dflt, min, max);
    if (!Number.isInteger(n)) {
      this.problems.push(`${key}: expected a whole number, got ${n}`);
      return dflt;
    }
    return n;
  }

  /** A whole number that may be left unset: null when it is (the feature is off), else checked as `int`. */
  optInt(key: string, envName: string, dflt: number, min: number, max: number): number | null {
    return this.optStr(key, envName) === null ? null : this.int(key, envName, dflt, min, max);
  }

  bool(key: string, envName: string, dflt: boolean): boolean {
    const r = this.raw(key, envName);
    if (r === null) return dflt;
    const s = String(r.value).toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(s)) return true;
    if (['0', 'false', 'no', 'off'].includes(s)) return false;
    this.problems.push(`${r.from}: expected true or false, got ${JSON.stringify(r.value)}`);
    return dflt;
  }

  /** A non-empty list of names from `allowed` (comma-separated or a YAML list); all of them when unset. */
  someOf<T extends string>(key: string, envName: string, allowed: readonly T[]): Set<T> {
    const r = this.raw(key, envName);
    if (r === null) return new Set(allowed);
    const names = (Array.isArray(r.value) ? r.value.map(String) : String(r.value).split(','))
      .map((s) => s.trim())
      .filter(Boolean);
    const bad = names.filter((n) => !(allowed as readonly string[]).includes(n));
    if (bad.length > 0 || names.length === 0) {
      this.problems.push(
        `${r.from}: expected a list of ${allowed.join(', ')}, got ${JSON.stringify(r.value)}`,
      );
      return new Set(allowed);
    }
    return new Set(names as T[]);
  }

  oneOf<T extends string>(key: string, envName: string, allowed: readonly T[], dflt: T): T {
    const r = this.raw(key, envName);
    if (r === null) return dflt;
    if ((allowed as readonly string[]).includes(String(r.value))) return String(r.value) as T;
    this.problems.push(`${r.from}: expected one of ${allowed.join(', ')}, got ${JSON.stringify(r.value)}`);
    return dflt;
  }
}
