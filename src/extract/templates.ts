/** Per-customer templates (`templates/*.yaml`): schema-checked at load, matched by evidence, applied over the generic reading. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { readYaml } from '../yaml.ts';
import type { Page } from '../domain/page.ts';
import { type DateOrder, dateOrderOf } from './dates.ts';
import { taxIdOf } from './evidence.ts';
import {
  findLabels,
  type HeaderReadings,
  type LabelHit,
  readAmount,
  readDate,
  readPoNumber,
  readTaxId,
  readText,
} from './header.ts';
import { groupLines, normalise, type TextLine } from './layout.ts';
import { FOUND_BY, lower, type Reading, REPAIRED, raise, reading } from './meta.ts';
import { checkShape, shapeOf } from './shape.ts';
import type { NumberFormat } from './numbers.ts';
import type { TableHints } from './table.ts';
import type { ColumnRole } from './vocab.ts';

const FIELDS = ['poNumber', 'orderDate', 'deliveryDate', 'total', 'customerName', 'taxId'] as const;
type TemplateField = (typeof FIELDS)[number];
/** Fields whose value is the text as read, which a `pattern` can hold to a shape. */
const TEXT_FIELDS = new Set<TemplateField>(['poNumber', 'customerName', 'taxId']);
const ROLES = [
  'customerRef',
  'sku',
  'gtin',
  'description',
  'quantity',
  'unit',
  'unitPrice',
  'amount',
  'discount',
];

/** How a template finds one header field: the label before it, or a regex (group 1 is the value). */
export interface FieldRule {
  label?: string;
  regex?: string;
  /**
   * The shape every value of this field has for this customer (a regex, anchored), e.g.
   * `HWI-\d{4}`: a reading that fits gains confidence, one within two OCR slips of exactly one
   * fitting value is repaired (and left for a person to confirm), any other loses confidence.
   */
  pattern?: string;
  /** Date format of this field, e.g. `dd/mm/yyyy`. */
  format?: string;
}

/** A template file as written (YAML), after schema validation. */
export interface TemplateFile {
  customer: string;
  name?: string;
  match: { keywords?: string[]; taxId?: string; fax?: string; emails?: string[] };
  fields?: Partial<Record<TemplateField, FieldRule>>;
  table?: {
    header?: string[];
    columns?: { name: ColumnRole; header: string }[];
    end?: string;
    wrapDescriptions?: boolean;
  };
  numberFormat?: NumberFormat;
  dateFormat?: string;
  currency?: string;
}

/** A loaded template: what the file says, plus what the extractor needs from it. */
export interface Template extends TemplateFile {
  /** The file it came from, for messages and the order's `reference`. */
  file: string;
  tableHints: TableHints;
  /** The template's default currency, used when the document names none. */
  currencyReading: Reading<string> | null;
}

const fieldRule = {
  type: 'object',
  additionalProperties: false,
  properties: {
    label: { type: 'string', minLength: 1 },
    regex: { type: 'string', minLength: 1 },
    pattern: { type: 'string', minLength: 1 },
    format: { type: 'string' },
  },
  anyOf: [{ required: ['label'] }, { required: ['regex'] }],
};

const SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['customer', 'match'],
  properties: {
    customer: { type: 'string', minLength: 1 },
    name: { type: 'string' },
    match: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      properties: {
        keywords: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
        taxId: { type: 'string', minLength: 1 },
        fax: { type: 'string', minLength: 1 },
        // Sender addresses or `@domain`s of the customer's e-mail (the channel's sender).
        emails: { type: 'array', items: { type: 'string', minLength: 2 }, minItems: 1 },
      },
    },
    fields: {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(FIELDS.map((f) => [f, fieldRule])),
    },
    table: {
      type: 'object',
      additionalProperties: false,
      properties: {
        header: { type: 'array', items: { type: 'string', minLength: 1 } },
        columns: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'header'],
            properties: { name: { enum: ROLES }, header: { type: 'string', minLength: 1 } },
          },
        },
        end: { type: 'string', minLength: 1 },
        wrapDescriptions: { type: 'boolean' },
      },
    },
    numberFormat: { enum: ['eu', 'us'] },
    dateFormat: { type: 'string', pattern: '^(dd|mm|yyyy)[-/. ](dd|mm)[-/. ](yyyy|yy|dd)$' },
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
  },
};

let compiled: ValidateFunction<TemplateFile> | null = null;
/** Compiled with the first template read, not at start-up (a run that reads no templates never needs it). */
function validator(): ValidateFunction<TemplateFile> {
  compiled ??= new Ajv({ allErrors: true }).compile<TemplateFile>(SCHEMA);
  return compiled;
}

/** Checks one parsed template; errors name the file and the field. */
export function toTemplate(data: unknown, file: string): { template: Template | null; errors: string[] } {
  const validate = validator();
  if (!validate(data)) {
    const errors = (validate.errors ?? []).map((e) => {
      const where = e.instancePath === '' ? '(top level)' : e.instancePath.slice(1).replaceAll('/', '.');
      const extra = e.keyword === 'additionalProperties' ? ` '${e.params.additionalProperty}'` : '';
      return `${file}: ${where}: ${e.message}${extra}`;
    });
    return { template: null, errors };
  }
  const errors: string[] = [];
  for (const [f, rule] of Object.entries(data.fields ?? {})) {
    for (const key of ['regex', 'pattern'] as const) {
      if (!rule?.[key]) continue;
      try {
        new RegExp(rule[key]);
      } catch (e) {
        errors.push(`${file}: fields.${f}.${key}: ${(e as Error).message}`);
      }
    }
  }
  if (errors.length > 0) return { template: null, errors };
  const t = data.table;
  const tableHints: TableHints = {
    ...(t?.header ? { header: t.header } : {}),
    ...(t?.columns ? { columns: t.columns.map((c) => ({ role: c.name, header: c.header })) } : {}),
    ...(t?.end ? { end: [t.end] } : {}),
    ...(t?.wrapDescriptions !== undefined ? { wrapDescriptions: t.wrapDescriptions } : {}),
  };
  const currencyReading = data.currency ? reading(data.currency, [], 1, FOUND_BY.template) : null;
  return { template: { ...data, file, tableHints, currencyReading }, errors: [] };
}

/** Loads every `*.yaml`/`*.yml` in `dir`; a bad file is reported and skipped, the rest load. */
export function loadTemplates(dir: string): { templates: Template[]; errors: string[] } {
  const templates: Template[] = [];
  const errors: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((n) => /\.ya?ml$/.test(n))
      .sort();
  } catch (e) {
    return { templates, errors: [`${dir}: ${(e as Error).message}`] };
  }
  for (const name of names) {
    let data: unknown;
    try {
      data = readYaml(readFileSync(join(dir, name), 'utf8'));
    } catch (e) {
      errors.push(`${name}: not valid YAML: ${(e as Error).message}`);
      continue;
    }
    const r = toTemplate(data, name);
    errors.push(...r.errors);
    if (r.template) templates.push(r.template);
  }
  return { templates, errors };
}

const digits = (s: string) => s.replace(/\D/g, '').replace(/^00/, '');
const bareTaxId = (s: string) =>
  s
    .toUpperCase()
    .replace(/[\s.-]/g, '')
    .replace(/^ES/, '');

function score(
  t: Template,
  lines: TextLine[],
  text: string,
  hints: { fax?: string | null; email?: string | null },
): number {
  let s = 0;
  const email = hints.email?.toLowerCase() ?? '';
  if (
    email &&
    t.match.emails?.some((e) =>
      e.startsWith('@') ? email.endsWith(e.toLowerCase()) : email === e.toLowerCase(),
    )
  ) {
    s += 3;
  }
  const want = t.match.taxId ? bareTaxId(t.match.taxId) : null;
  if (want && lines.some((l) => l.words.some((w) => bareTaxId(taxIdOf(w.text) ?? '') === want))) s += 3;
  // National and international spellings of one number share their last nine digits.
  const fax = hints.fax ? digits(hints.fax).slice(-9) : '';
  if (t.match.fax && fax.length >= 6 && digits(t.match.fax).endsWith(fax)) s += 3;
  if (t.match.keywords?.every((k) => text.includes(normalise(k)))) s += 2;
  return s;
}

/** The score of one strong identifier (tax id, sender fax, sender e-mail); keywords score less. */
const STRONG = 3;

/** The template that fits the document best (tax id, sender fax, all keywords present), or null. */
export function matchTemplate(
  pages: Page[] | TextLine[],
  templates: Template[],
  hints: { fax?: string | null; email?: string | null } = {},
): Template | null {
  if (templates.length === 0) return null;
  const lines =
    pages.length > 0 && 'words' in pages[0]! && 'index' in pages[0]!
      ? (pages as TextLine[])
      : groupLines(pages as Page[]);
  const text = normalise(lines.map((l) => l.text).join(' '));
  let best: Template | null = null;
  let bestScore = 0;
  for (const t of templates) {
    const s = score(t, lines, text, hints);
    if (s > bestScore) [best, bestScore] = [t, s];
  }
  // A template applies only to the customer it was written for, known by a strong identifier
  // (tax id, sender's fax, e-mail address or domain): keywords of a name alone are anyone's.
  return bestScore >= STRONG ? best : null;
}

function regexHit(lines: TextLine[], source: string): LabelHit<string> | null {
  const re = new RegExp(source, 'i');
  for (const line of lines) {
    const m = re.exec(line.text);
    if (!m) continue;
    const value = m[1] ?? m[0];
    const start = m.index + (m[1] !== undefined ? m[0].indexOf(value) : 0);
    const end = start + value.length;
    let at = 0;
    const words = line.words.filter((w) => {
      const [s, e] = [at, at + w.text.length];
      at = e + 1;
      return s < end && e > start;
    });
    return { field: 'regex', line, label: [], value: words, exact: true };
  }
  return null;
}

/** Holds a reading to the customer's format for the field (see FieldRule.pattern). */
export function conform(r: Reading<string>, pattern: string): void {
  const check = checkShape(r.value, shapeOf(pattern));
  if (check.kind === 'fits') {
    r.confidence = raise(r.confidence);
  } else if (check.kind === 'repaired') {
    r.note = `taken as "${check.value}", the customer's format (${pattern})`;
    r.value = check.value;
    r.confidence = Math.min(r.confidence, REPAIRED);
  } else {
    r.note = `which does not fit the customer's format (${pattern})`;
    r.confidence = lower(r.confidence, 0.5);
  }
}

/** Replaces the generic header readings with the template's wherever its rules find a value. */
export function applyTemplate(
  t: Template,
  lines: TextLine[],
  header: HeaderReadings,
  format: NumberFormat,
  order: DateOrder,
): void {
  for (const field of FIELDS) {
    const rule = t.fields?.[field];
    if (!rule) continue;
    const hits = rule.regex
      ? [regexHit(lines, rule.regex)].filter((h) => h !== null)
      : findLabels(lines, [{ field, tokens: normalise(rule.label!).split(' '), colon: false }]);
    const f = FOUND_BY.template;
    const dateOrder = rule.format ? dateOrderOf(rule.format) : order;
    const read = (hit: LabelHit<string>): Reading<unknown> | null =>
      field === 'poNumber'
        ? readPoNumber(hit, f)
        : field === 'orderDate' || field === 'deliveryDate'
          ? readDate(hit, dateOrder, f)
          : field === 'total'
            ? readAmount(hit, format, f)
            : field === 'taxId'
              ? readTaxId(hit, f)
              : readText(hit, f);
    const r = hits.map(read).find((x) => x !== null) ?? null;
    if (!r) continue;
    r.confidence = raise(r.confidence);
    if (rule.pattern && TEXT_FIELDS.has(field)) conform(r as Reading<string>, rule.pattern);
    (header as unknown as Record<string, Reading<unknown>>)[field] = r;
    if (field === 'poNumber') header.poLabelSeen = true;
  }
}
