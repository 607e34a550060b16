/** Documents of layouts the generic reader does not know, for the learner's tests. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { layout } from '../../scripts/eval/layout.ts';
import { CUSTOMERS, type CustomerStyle, makeOrder, random } from '../../scripts/eval/orders.ts';
import { textPdf } from '../../scripts/eval/render.ts';
import type { CanonicalOrder } from '../domain/order.ts';

/**
 * C042 with its PO number after a label no vocabulary holds ("Doc. cliente"): the generic reader
 * finds no PO number and sends every order to review.
 */
export function oddStyle(id = 'C042'): CustomerStyle {
  const base = CUSTOMERS.find((c) => c.id === id)!;
  return { ...base, labels: { ...base.labels, po: id === 'C042' ? 'Doc. cliente:' : 'Su documento:' } };
}

/** The `n`th order of a style as a text PDF, with its expected canonical order. */
export async function oddDocument(
  style: CustomerStyle,
  n: number,
): Promise<{ pdf: Buffer; order: CanonicalOrder }> {
  const g = makeOrder(style, n, random(3000 + n));
  return { pdf: await textPdf(layout(g)), order: g.expected };
}

/** Writes `NAME.pdf` (and `NAME.pdf.order.json` when `withOrder`) into `dir`; returns the PDF's path. */
export async function writeDocument(
  dir: string,
  name: string,
  doc: { pdf: Buffer; order: CanonicalOrder },
  withOrder = false,
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${name}.pdf`);
  await writeFile(path, doc.pdf);
  if (withOrder) await writeFile(`${path}.order.json`, `${JSON.stringify(doc.order, null, 2)}\n`);
  return path;
}

/** No PO number, or one only proposed for review (found by its shape, under no label). */
export function unlabelledPo(l: {
  order?: { poNumber: string | null } | null;
  findings: Array<{ code: string; field?: string | null; severity?: string }>;
}): boolean {
  if (!l.order?.poNumber) return true;
  return l.findings.some(
    (f) => f.code === 'low_confidence' && f.field === 'poNumber' && f.severity !== 'info',
  );
}
