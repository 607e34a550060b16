import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Logger } from '../log.ts';
import { templatesFrom } from '../pipeline/templates-source.ts';
import { fuzz } from '../testing/fuzz.ts';
import { extractOrders, matchTemplate, toTemplate } from './index.ts';
import { englishOrder, spanishOrder } from './samples.ts';
import { page } from './testing.ts';

const TARGET = 'templates';
const SHIPPED = join(import.meta.dirname, '../../templates');
const shipped = readdirSync(SHIPPED)
  .filter((n) => n.endsWith('.yaml'))
  .map((n) => readFileSync(join(SHIPPED, n), 'utf8'));
const PAGES = [[page(spanishOrder())], [page(englishOrder())]];

/** A logger that keeps what the loader reports. */
function recorder(): Logger & { errors: string[] } {
  const errors: string[] = [];
  const log: Logger & { errors: string[] } = {
    errors,
    debug: () => {},
    info: () => {},
    warn: () => {},
    error: (_msg, fields) => errors.push(String(fields?.error)),
    child: () => log,
  };
  return log;
}

/** Text that is often a valid regex, sometimes a broken one. */
const regexish = fc.string({
  unit: fc.constantFrom(...'ab01-:.\\dswS()[]{}|*+?^$ '.split('')),
  maxLength: 12,
});
const scalar = fc.oneof(
  fc.string({ maxLength: 12 }),
  regexish,
  fc.constantFrom(
    'eu',
    'us',
    'EUR',
    'dd/mm/yyyy',
    'mm-dd-yy',
    'dd dd dd',
    'sku',
    'quantity',
    'Pedido nº',
    '',
  ),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);
const value = fc.oneof(
  scalar,
  fc.array(scalar, { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), scalar, { maxKeys: 2 }),
);
const rule = fc.record(
  {
    label: fc.oneof(fc.constantFrom('Pedido nº', 'Fecha', 'PO number', 'Total'), value),
    regex: fc.oneof(regexish, value),
    pattern: fc.oneof(regexish, value),
    format: value,
  },
  { requiredKeys: [] },
);
const FIELD_NAMES = ['poNumber', 'orderDate', 'deliveryDate', 'total', 'customerName', 'taxId'] as const;
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

/** Objects shaped like a template, with keys and values right, wrong or missing at random. */
const templateLike = fc.record(
  {
    customer: fc.oneof(fc.constantFrom('C042', 'C170'), value),
    name: value,
    match: fc.oneof(
      fc.record(
        {
          keywords: fc.oneof(
            fc.array(fc.constantFrom('Ferreteria Lopez', 'Hardware', ''), { maxLength: 2 }),
            value,
          ),
          taxId: fc.oneof(fc.constantFrom('B12345678', 'GB123456789'), value),
          fax: fc.oneof(fc.constantFrom('+34912345679', '912 345 679'), value),
          emails: fc.oneof(fc.array(fc.constantFrom('@ferreterialopez.es', 'x'), { maxLength: 2 }), value),
        },
        { requiredKeys: [] },
      ),
      value,
    ),
    fields: fc.oneof(
      fc.dictionary(fc.constantFrom(...FIELD_NAMES, 'colour'), fc.oneof(rule, value), { maxKeys: 4 }),
      value,
    ),
    table: fc.oneof(
      fc.record(
        {
          header: fc.oneof(
            fc.array(fc.constantFrom('Ref.', 'Cantidad', 'SKU', 'Qty', ''), { maxLength: 3 }),
            value,
          ),
          columns: fc.oneof(
            fc.array(
              fc.record({
                name: fc.oneof(fc.constantFrom(...ROLES), value),
                header: fc.oneof(fc.constantFrom('Ref.', 'Cantidad', 'Precio'), value),
              }),
              { maxLength: 5 },
            ),
            value,
          ),
          end: fc.oneof(fc.constantFrom('Total pedido', 'Total'), value),
          wrapDescriptions: fc.oneof(fc.boolean(), value),
        },
        { requiredKeys: [] },
      ),
      value,
    ),
    numberFormat: fc.oneof(fc.constantFrom('eu', 'us'), value),
    dateFormat: fc.oneof(fc.constantFrom('dd/mm/yyyy', 'mm/dd/yyyy', 'yyyy-mm-dd', 'dd.dd.dd'), value),
    currency: fc.oneof(fc.constantFrom('EUR', 'GBP'), value),
  },
  { requiredKeys: [] },
);

/** Templates of the right shape whose rules (labels, regexes, patterns, formats) are random. */
const wellTyped = fc.record(
  {
    customer: fc.constantFrom('C042', 'C170'),
    match: fc.constantFrom(
      { taxId: 'B12345678' },
      { keywords: ['Ferreteria Lopez'] },
      { fax: '+34912345679' },
      { emails: ['@ferreterialopez.es'] },
    ),
    fields: fc.dictionary(
      fc.constantFrom(...FIELD_NAMES),
      fc.oneof(
        fc.record(
          {
            label: fc.oneof(
              fc.constantFrom('Pedido nº', 'Fecha', 'PO', 'Total', 'CIF'),
              fc.string({ minLength: 1, maxLength: 8 }),
            ),
            pattern: regexish.filter((r) => r !== ''),
            format: fc.string({ maxLength: 10 }),
          },
          { requiredKeys: ['label'] },
        ),
        fc.record(
          { regex: regexish.filter((r) => r !== ''), pattern: regexish.filter((r) => r !== '') },
          { requiredKeys: ['regex'] },
        ),
      ),
      { maxKeys: 6 },
    ),
    table: fc.record(
      {
        header: fc.array(fc.constantFrom('Ref.', 'Cantidad', 'SKU', 'Qty', 'x'), { maxLength: 3 }),
        columns: fc.array(
          fc.record({
            name: fc.constantFrom(...ROLES),
            header: fc.constantFrom('Ref.', 'Cantidad', 'Precio', 'Qty', 'Description'),
          }),
          { maxLength: 6 },
        ),
        end: fc.constantFrom('Total pedido', 'Total', 'Pedido'),
        wrapDescriptions: fc.boolean(),
      },
      { requiredKeys: [] },
    ),
    numberFormat: fc.constantFrom('eu', 'us'),
    dateFormat: fc.constantFrom('dd/mm/yyyy', 'mm/dd/yyyy', 'yyyy-mm-dd', 'dd.dd.dd', 'mm mm yy'),
    currency: fc.constantFrom('EUR', 'GBP'),
  },
  { requiredKeys: ['customer', 'match'] },
);

/** What toTemplate must give for any input: a template and no errors, or no template and named errors. */
function checkResult(r: ReturnType<typeof toTemplate>, file: string): void {
  if (r.template) {
    expect(r.errors).toEqual([]);
    expect(r.template.file).toBe(file);
    expect(typeof r.template.customer).toBe('string');
  } else {
    expect(r.errors.length).toBeGreaterThan(0);
    for (const e of r.errors) expect(e.startsWith(`${file}: `), e).toBe(true);
  }
}

describe('template loader, fuzzed', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('any value is a valid template or named errors, never a throw', async () => {
    await fuzz(
      TARGET,
      fc.property(fc.oneof(fc.anything(), templateLike, wellTyped), (data) => {
        checkResult(toTemplate(data, 'fuzz.yaml'), 'fuzz.yaml');
      }),
      500,
    );
  });

  it('a template that loads can be matched and applied to documents without a throw', async () => {
    await fuzz(
      TARGET,
      fc.property(fc.oneof(wellTyped, templateLike), fc.constantFrom(...PAGES), (data, pages) => {
        const { template } = toTemplate(data, 'fuzz.yaml');
        if (!template) return;
        const hints = { email: 'compras@ferreterialopez.es', fax: '+34 912 345 679' };
        matchTemplate(pages, [template], hints);
        const outcome = extractOrders(pages, { hints, templates: [template] });
        expect(['orders', 'rejected']).toContain(outcome.kind);
        if (outcome.kind !== 'orders') return;
        for (const o of outcome.orders) {
          for (const l of o.order.lines) {
            for (const v of [l.quantity, l.unitPrice, l.amount])
              expect(v === null || Number.isFinite(v)).toBe(true);
          }
        }
      }),
      150,
    );
  });

  it('any YAML file in the folder is loaded or refused with its name, never a crash', async () => {
    const yamlText = fc.oneof(
      fc.string({ maxLength: 300 }),
      // Mutations of the shipped templates: a slice cut out, or text put in.
      fc
        .tuple(
          fc.constantFrom(...shipped),
          fc.nat(),
          fc.nat({ max: 40 }),
          fc.oneof(
            fc.string({ maxLength: 20 }),
            fc.constantFrom(
              '\t',
              ': ',
              '- ',
              '&a ',
              '*a',
              '{',
              '[',
              '"',
              '!!binary ',
              '<<: *a',
              '\n  ',
              '%YAML 1.1\n---\n',
              '\0',
            ),
          ),
        )
        .map(([text, at, cut, insert]) => {
          const i = at % (text.length + 1);
          return text.slice(0, i) + insert + text.slice(i + cut);
        }),
      fc.constantFrom(
        '&a [*a]',
        'a: &a\n  b: *a\n',
        'customer: &c C1\nmatch: {taxId: *c}\nfields: &f {poNumber: {label: *c}}\n',
        '--- a\n--- b\n',
      ),
    );
    const dir = mkdtempSync(join(tmpdir(), 'oc-tpl-fuzz-'));
    dirs.push(dir);
    await fuzz(
      TARGET,
      fc.property(yamlText, (text) => {
        writeFileSync(join(dir, 'customer.yaml'), text);
        const log = recorder();
        const templates = templatesFrom(dir, log);
        expect(templates.length + log.errors.length).toBeGreaterThan(0);
        expect(templates.length).toBeLessThanOrEqual(1);
        for (const e of log.errors) expect(e.startsWith('customer.yaml: '), e).toBe(true);
        for (const t of templates) expect(t.file).toBe('customer.yaml');
      }),
      150,
    );
  });
});
