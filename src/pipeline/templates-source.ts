/**
 * The templates extraction uses: the YAML files of templates/ merged with the header fields
 * operators taught (learned_fields). A customer with learned fields but no YAML file gets a
 * template of its own, recognised by its tax id, fax numbers and e-mail addresses from master
 * data. Read from the database at most once every few seconds, so a correction counts for the
 * next document without a restart.
 */
import { existsSync } from 'node:fs';
import type { Queryable } from '../db/db.ts';
import { loadTemplates } from '../extract/index.ts';
import { type Template, type TemplateFile, toTemplate } from '../extract/templates.ts';
import type { Logger } from '../log.ts';

/** Loads the templates folder; a broken file is reported and skipped, the others load. */
export function templatesFrom(dir: string, log: Logger): Template[] {
  const { templates, errors } = existsSync(dir) ? loadTemplates(dir) : { templates: [], errors: [] };
  for (const error of errors) log.error('template refused', { error });
  return templates;
}

interface LearnedRow {
  customer_id: string;
  field: 'poNumber' | 'orderDate' | 'deliveryDate';
  label: string;
  name: string | null;
  tax_id: string | null;
  fax_numbers: string[] | null;
  emails: string[] | null;
}

/** The YAML templates with the learned fields of each customer laid over them. */
export async function mergeLearned(q: Queryable, yaml: Template[]): Promise<Template[]> {
  const rows = await q.query<LearnedRow>(
    `SELECT DISTINCT ON (l.customer_id, l.field) l.customer_id, l.field, l.label,
            c.name, c.tax_id, c.fax_numbers, c.emails
       FROM learned_fields l LEFT JOIN customers c ON c.id = l.customer_id
      WHERE l.active ORDER BY l.customer_id, l.field, l.version DESC`,
  );
  if (rows.length === 0) return yaml;
  const byCustomer = new Map<string, LearnedRow[]>();
  for (const r of rows) byCustomer.set(r.customer_id, [...(byCustomer.get(r.customer_id) ?? []), r]);
  const out = yaml.filter((t) => !byCustomer.has(t.customer));
  for (const [customer, learned] of byCustomer) {
    const base = yaml.find((t) => t.customer === customer);
    const c = learned[0]!;
    const match: TemplateFile['match'] = base?.match ?? {
      ...(c.tax_id ? { taxId: c.tax_id } : {}),
      ...(c.fax_numbers?.[0] ? { fax: c.fax_numbers[0] } : {}),
      ...(c.emails && c.emails.length > 0 ? { emails: c.emails } : {}),
    };
    if (Object.keys(match).length === 0) continue; // nothing to recognise the customer by
    const fields: TemplateFile['fields'] = { ...base?.fields };
    for (const l of learned) fields[l.field] = { ...fields[l.field], label: l.label };
    const file: TemplateFile = {
      ...(base ? stripLoaded(base) : { customer, name: c.name ?? customer }),
      customer,
      match,
      fields,
    };
    const { template } = toTemplate(file, base ? `${base.file} + learned` : `learned (${customer})`);
    if (template) out.push(template);
    else if (base) out.push(base);
  }
  return out;
}

/** A loaded template back to what its file said (toTemplate adds the rest again). */
function stripLoaded(t: Template): TemplateFile {
  const { file: _f, tableHints: _h, currencyReading: _c, ...rest } = t;
  return rest;
}

/** A source that re-reads learned fields at most every `ttlMs`. */
export function learnedTemplates(q: Queryable, yaml: Template[], ttlMs = 3000): () => Promise<Template[]> {
  let cached: { at: number; templates: Promise<Template[]> } | null = null;
  return () => {
    const now = Date.now();
    if (!cached || now - cached.at > ttlMs) {
      const templates = mergeLearned(q, yaml);
      templates.catch(() => {
        cached = null;
      });
      cached = { at: now, templates };
    }
    return cached.templates;
  };
}
