import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractOrders, loadTemplates, matchTemplate, toTemplate } from './index.ts';
import { englishOrder, spanishOrder } from './samples.ts';
import { boxAt, page } from './testing.ts';

const DIR = join(import.meta.dirname, '../../templates');

describe('templates', () => {
  it('loads the shipped templates without errors', () => {
    const { templates, errors } = loadTemplates(DIR);
    expect(errors).toEqual([]);
    const c042 = templates.find((t) => t.customer === 'C042');
    expect(c042).toMatchObject({ file: 'C042-ferreteria-lopez.yaml', numberFormat: 'eu', currency: 'EUR' });
  });

  it('names the file and the field of every schema error', () => {
    const bad = {
      customer: 'C9',
      match: {},
      fields: { poNumber: {}, orderDate: { label: 'Fecha', colour: 'red' } },
      table: { columns: [{ name: 'price', header: 'Precio' }] },
      numberFormat: 'xx',
    };
    const { template, errors } = toTemplate(bad, 'bad.yaml');
    expect(template).toBeNull();
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^bad\.yaml: match: /),
        expect.stringMatching(/^bad\.yaml: fields\.poNumber: /),
        expect.stringMatching(/^bad\.yaml: fields\.orderDate: .*'colour'/),
        expect.stringMatching(/^bad\.yaml: table\.columns\.0\.name: /),
        expect.stringMatching(/^bad\.yaml: numberFormat: /),
      ]),
    );
    expect(
      toTemplate({ customer: 'C9', match: { fax: '1' }, fields: { total: { regex: '(' } } }, 'r.yaml').errors,
    ).toEqual([expect.stringMatching(/^r\.yaml: fields\.total\.regex: /)]);
  });

  it('reports a broken file and loads the rest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tpl-'));
    writeFileSync(join(dir, 'a.yaml'), 'customer: C1\nmatch: { keywords: [ACME] }\n');
    writeFileSync(join(dir, 'b.yaml'), 'customer: [unclosed\n');
    writeFileSync(join(dir, 'c.yml'), 'match: { keywords: [X] }\n');
    writeFileSync(join(dir, 'notes.txt'), 'ignored');
    const { templates, errors } = loadTemplates(dir);
    expect(templates.map((t) => t.customer)).toEqual(['C1']);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^b\.yaml: not valid YAML/);
    expect(errors[1]).toMatch(/^c\.yml: \(top level\): must have required property 'customer'/);
    expect(loadTemplates(join(dir, 'missing')).errors).toHaveLength(1);
  });

  it('matches by tax id or the sender fax, never by keywords of a name alone', () => {
    const { templates } = loadTemplates(DIR);
    expect(matchTemplate([page(spanishOrder())], templates)?.customer).toBe('C042');
    expect(matchTemplate([page(englishOrder())], templates)).toBeNull();
    const faxOnly = [page(['Pedido nº: 1'])];
    expect(matchTemplate(faxOnly, templates, { fax: '912 34 56 78' })?.customer).toBe('C042');
    expect(matchTemplate(faxOnly, templates, { fax: '+34 911 111 111' })).toBeNull();
    expect(matchTemplate(faxOnly, templates, { fax: '78' })).toBeNull();
    // Another company quoting the name (a reseller, a forged order) is no match for the template.
    const nameOnly = [page(['Ferreteria Lopez SL', 'Pedido nº: FL-2026-0001'])];
    expect(matchTemplate(nameOnly, templates)).toBeNull();
  });

  it('reads a matched layout with the template: customer id, full confidence, same values', () => {
    const { templates } = loadTemplates(DIR);
    const lines = spanishOrder();
    const generic = extractOrders([page(lines)]);
    const outcome = extractOrders([page(lines)], { templates });
    if (outcome.kind !== 'orders' || generic.kind !== 'orders') throw new Error('rejected');
    const x = outcome.orders[0]!;
    expect(x.order).toEqual({
      ...generic.orders[0]!.order,
      customer: { ...generic.orders[0]!.order.customer, id: 'C042' },
    });
    // Weakest reading: the currency, from the page's `€` sign, confirmed by the template.
    expect(x.confidence).toBe(0.95);
    expect(x.fieldMeta['currency']?.source).toEqual(boxAt(lines, 16, '€'));
    expect(x.reference).toBe('template C042 (C042-ferreteria-lopez.yaml)');
    expect(x.fieldMeta['total']).toEqual({ confidence: 1, source: boxAt(lines, 16, '84,00') });
    expect(x.fieldMeta['poNumber']?.source).toEqual(boxAt(lines, 7, 'FL-2026-0042'));
  });

  it('still flags uncertain readings under a template', () => {
    const { templates } = loadTemplates(DIR);
    const lines = spanishOrder();
    // The label and the customer's PO format both vouch for it, but a word OCR was this unsure of stays flagged.
    const noisy = page(lines, { confidence: (t) => (t === 'FL-2026-0042' ? 0.1 : 1) });
    const outcome = extractOrders([noisy], { templates });
    if (outcome.kind !== 'orders') throw new Error('rejected');
    const x = outcome.orders[0]!;
    expect(x.order.poNumber).toBe('FL-2026-0042');
    expect(x.findings.map((f) => [f.code, f.field])).toEqual([['low_confidence', 'poNumber']]);
    expect(x.confidence).toBeLessThan(0.8);
  });

  it("holds the PO number to the customer's format: fits, repaired for a person to confirm, or doubted", () => {
    const { templates } = loadTemplates(DIR);
    const read = (po: string) => {
      const lines = spanishOrder().map((l) => l.replace('FL-2026-0042', po));
      const outcome = extractOrders([page(lines, { confidence: (t) => (t === po ? 0.9 : 1) })], {
        templates,
      });
      if (outcome.kind !== 'orders') throw new Error('rejected');
      return outcome.orders[0]!;
    };
    const fits = read('FL-2026-0042');
    expect(fits.fieldMeta.poNumber?.confidence).toBeGreaterThan(0.95);
    // A zero read as the letter O, and a thin glyph read twice: one value of the format is near.
    const slipped = read('FL-2O26-00421');
    expect(slipped.order.poNumber).toBe('FL-2026-0042');
    expect(slipped.fieldMeta.poNumber?.confidence).toBeLessThan(0.8);
    expect(slipped.findings.find((f) => f.field === 'poNumber')?.message).toContain(
      'taken as "FL-2026-0042"',
    );
    const foreign = read('X-99');
    expect(foreign.order.poNumber).toBe('X-99');
    expect(foreign.fieldMeta.poNumber?.confidence).toBeLessThan(0.8);
    expect(foreign.findings.find((f) => f.field === 'poNumber')?.message).toContain('does not fit');
  });
});
