import type { ValidationConfig } from '../config.ts';
import type { Queryable } from '../db/db.ts';
import { decidingConfidence, LOW_CONFIDENCE } from '../domain/confidence.ts';
import type { FieldMeta } from '../domain/extraction.ts';
import { type Finding, finding } from '../domain/findings.ts';
import type { CanonicalOrder } from '../domain/order.ts';
import { type CustomerResolution, customerKeys, needsNameLookup, resolveCustomer } from './customer.ts';
import type { MasterDataCache } from './cache.ts';
import { corroborateLines } from './corroborate.ts';
import { checkPrice, checkQuantity, checkUnit, sameUnit } from './line-checks.ts';
import { catalogKeys, resolveLine } from './lines.ts';
import { mendNumbers, mendUnits } from './mend-numbers.ts';
import { editDistance } from '../extract/layout.ts';
import { linesVouch } from '../extract/self-witness.ts';
import { checkCredit, checkDuplicate, checkMissingFields, checkTotals, orderValue } from './order-checks.ts';
import {
  findCustomers,
  findCustomersByName,
  findCustomersWithFax,
  loadCatalog,
  loadCustomerArticles,
  loadEarlierPoNumbers,
  loadOrderFacts,
} from './repository.ts';
import { poNumberByShape, witnessFields, witnessPoNumber } from './witnesses.ts';
import type {
  CatalogFacts,
  CustomerFacts,
  ProductFacts,
  ValidationInput,
  ValidationResult,
} from './types.ts';

/**
 * Resolves an extracted order against master data (customer, SKUs) and checks it: prices,
 * quantities, totals, duplicates, credit, missing fields. Three or four queries per order.
 * A part the extraction rejected comes back unchanged, without master-data checks.
 */
export async function validateOrder(
  q: Queryable,
  input: ValidationInput,
  config: ValidationConfig,
  cache?: MasterDataCache,
): Promise<ValidationResult> {
  const { extracted } = input;
  const order = structuredClone(extracted.order);
  const fieldMeta: Record<string, FieldMeta> = { ...extracted.fieldMeta };
  if (extracted.rejected) {
    return { order, findings: [...extracted.findings], fieldMeta, confidence: extracted.confidence };
  }

  // Read by OCR or from a PDF text layer (not EDI or JSON): codes may carry OCR slips.
  const read = extracted.confidenceCap !== undefined;
  const found: Finding[] = [];
  const resolution = await findCustomer(q, input, cache);
  const customer = applyCustomer(order, fieldMeta, resolution, found);
  if (resolution.mismatch) {
    found.push(finding('customer_mismatch', 'error', 'customer.id', resolution.mismatch));
  }
  // A page reading's PO number is held to the shape of the customer's earlier ones.
  const because = new Map<string, string>();
  const readPo = order.poNumber;
  if (read && customer) {
    const earlier = await loadEarlierPoNumbers(q, customer.id, input.documentId);
    found.push(...witnessPoNumber(order, fieldMeta, earlier, because));
    found.push(...poNumberByShape(order, fieldMeta, extracted.poCandidates ?? [], earlier));
  }
  // The document-wide cache knows the PO numbers as read: a mended one is looked up on its own.
  const factsCache = order.poNumber === readPo ? cache : undefined;
  const [catalog, facts] = await Promise.all([
    (cache ? cache.loadCatalog.bind(cache) : loadCatalog)(
      q,
      customer?.id ?? null,
      catalogKeys(order.lines, read),
    ),
    customer ? orderFacts(q, input, customer, order.poNumber?.trim() || null, factsCache) : null,
  ]);
  // OCR'd codes that may name nothing as read are compared with the customer's own articles.
  const articles =
    customer && ocrCodes(order, fieldMeta) ? await loadCustomerArticles(q, customer.id) : undefined;
  const { products, repairs } = resolveLines(
    order,
    fieldMeta,
    catalog,
    customer !== null,
    found,
    read,
    articles,
  );
  // Numbers the line's arithmetic and the article's price both contradict, mended where one fits.
  const mended = read
    ? [
        ...mendNumbers(order, products, fieldMeta, {
          order: order.currency,
          customer: customer?.currency ?? null,
        }),
        ...mendUnits(order, products, fieldMeta),
      ]
    : [];
  found.push(...checkMissingFields(order));
  found.push(...checkLines(order, products, customer, config));
  found.push(...checkTotals(order, config.totalTolerance));
  if (customer) {
    found.push(
      ...checkDuplicate({
        customerId: customer.id,
        poNumber: order.poNumber,
        earlierInDocument: input.earlierInDocument,
        facts,
      }),
      ...checkCredit(customer, facts, orderValue(order, products)),
    );
  }
  // A repaired code's finding says what was read; the extraction's for the same field goes.
  const repairedFields = new Set([...repairs, ...mended].map((f) => f.field));
  const kept = extracted.findings.filter((f) => f.code !== 'low_confidence' || !repairedFields.has(f.field));
  const repairedLines = new Set(repairs.map((f) => Number(/^lines\[(\d+)\]/.exec(f.field ?? '')?.[1])));
  const graded = corroborateLines(
    order,
    products,
    fieldMeta,
    [...kept, ...repairs, ...mended],
    { order: order.currency, customer: customer?.currency ?? null },
    catalog,
    repairedLines,
  );
  if (read) {
    const mendedPaths = new Set(mended.map((f) => f.field ?? ''));
    for (const [path, why] of witnessFields(order, products, customer, fieldMeta, mendedPaths))
      because.set(path, why);
  }
  const regraded = graded.map((f) => {
    const reason = f.field ? because.get(f.field) : undefined;
    const now = f.field ? fieldMeta[f.field]?.confidence : undefined;
    if (
      f.code !== 'low_confidence' ||
      f.severity === 'info' ||
      !reason ||
      now === undefined ||
      now < LOW_CONFIDENCE
    )
      return f;
    return {
      ...f,
      severity: 'info' as const,
      message: `${f.message}; confirmed (${now.toFixed(2)}): ${reason}`,
    };
  });
  // A number mended from the price list that made every line and the total close: the document
  // vouches for itself after all, and each field's own confidence decides (a mended one's is lower).
  const cap =
    extracted.headerVouches &&
    mended.some((f) => /\.(quantity|unitPrice|amount)$/.test(f.field ?? '')) &&
    linesVouch(order)
      ? 1
      : extracted.confidenceCap;
  const confidence =
    cap === undefined
      ? extracted.confidence
      : Math.round(Math.min(cap, decidingConfidence(order, fieldMeta)) * 1000) / 1000;
  return { order, findings: mergeFindings(regraded, found), fieldMeta, confidence };
}

function orderFacts(
  q: Queryable,
  input: ValidationInput,
  customer: CustomerFacts,
  poNumber: string | null,
  cache: MasterDataCache | undefined,
) {
  const p = { customerId: customer.id, poNumber, withCredit: customer.creditLimit !== null };
  return cache ? cache.orderFacts(q, p) : loadOrderFacts(q, { ...p, documentId: input.documentId });
}

async function findCustomer(
  q: Queryable,
  input: ValidationInput,
  cache: MasterDataCache | undefined,
): Promise<CustomerResolution> {
  const keys = customerKeys({
    channel: input.channel,
    sender: input.sender,
    channelCustomerId: input.channelCustomerId,
    ...(input.identity ? { identity: input.identity } : {}),
    sentById: input.sentByCustomerId ?? null,
    claimedId: input.extracted.order.customer.id,
    evidence: input.extracted.evidence,
  });
  let candidates = await (cache ? cache.findCustomers(q, keys) : findCustomers(q, keys));
  if (keys.name && needsNameLookup(candidates, keys)) {
    candidates = [...candidates, ...(await findCustomersByName(q, keys.name))];
  }
  const resolution = resolveCustomer(candidates, keys);
  // A page read by OCR whose fax or phone numbers name nobody: one of them may carry one misread
  // digit ("+39 072 5979785" for +39 02 5979785). The one customer whose number is one digit away
  // is proposed, and a person confirms it.
  if (
    resolution.customer ||
    input.extracted.confidenceCap === undefined ||
    (keys.docFaxes ?? []).length === 0
  ) {
    return resolution;
  }
  const near = await customerByFaxSlip(q, keys.docFaxes ?? []);
  if (!near) return resolution;
  const again = resolveCustomer([...candidates, near.customer], {
    ...keys,
    docFaxes: [...(keys.docFaxes ?? []), near.number],
  });
  if (!again.customer || again.customer.id !== near.customer.id) return resolution;
  return {
    ...again,
    doubt: `the fax or phone number read as ${near.read} is one digit from ${near.customer.id}'s ${near.number}`,
  };
}

/** The one customer with a fax number one digit (changed, dropped or added) from a number read. */
async function customerByFaxSlip(
  q: Queryable,
  read: string[],
): Promise<{ customer: CustomerFacts; number: string; read: string } | null> {
  const digits = (s: string) => s.replace(/\D/g, '');
  const wanted = read.map((r) => ({ r, d: digits(r) })).filter((x) => x.d.length >= 9);
  if (wanted.length === 0) return null;
  const found = new Map<string, { customer: CustomerFacts; number: string; read: string }>();
  for (const c of await findCustomersWithFax(q)) {
    for (const number of c.faxNumbers) {
      const n = digits(number);
      const hit = wanted.find(
        (w) => editDistance(w.d.slice(-n.length - 1), n) <= 1 || editDistance(w.d, n) <= 1,
      );
      if (hit) found.set(c.id, { customer: c, number, read: hit.r });
    }
  }
  return found.size === 1 ? [...found.values()][0]! : null;
}

/** Writes the resolved customer (or the unknown_customer finding) into the order. */
function applyCustomer(
  order: CanonicalOrder,
  fieldMeta: Record<string, FieldMeta>,
  resolution: CustomerResolution,
  found: Finding[],
): CustomerFacts | null {
  const c = resolution.customer;
  if (!c) {
    // Whatever id the document claimed is not a master-data id: never pass it on.
    order.customer.id = null;
    found.push(finding('unknown_customer', 'error', 'customer.id', resolution.message, resolution.params));
    return null;
  }
  const byName = resolution.via.startsWith('name ');
  if (resolution.doubt) {
    found.push(
      finding('low_confidence', 'warning', 'customer.id', `Customer ${c.id} proposed: ${resolution.doubt}`, {
        t: 'low_confidence.customerSlip',
        customer: c.id,
        doubt: resolution.doubt,
      }),
    );
  }
  order.customer = { id: c.id, name: c.name, taxId: c.taxId ?? order.customer.taxId };
  fieldMeta['customer.id'] = {
    confidence: byName ? (fieldMeta['customer.name']?.confidence ?? 1) : 1,
    source: null,
  };
  if (!order.currency && c.currency) {
    // A default from master data, not a reading: confidence 1, no source in the document.
    order.currency = c.currency;
    fieldMeta.currency = { confidence: 1, source: null };
  }
  return c;
}

function resolveLines(
  order: CanonicalOrder,
  fieldMeta: Record<string, FieldMeta>,
  catalog: CatalogFacts,
  customerKnown: boolean,
  found: Finding[],
  repairSlips: boolean,
  articles: CatalogFacts | undefined,
): { products: Array<ProductFacts | null>; repairs: Finding[] } {
  const readMeta = { ...fieldMeta };
  const repairs: Finding[] = [];
  const products = order.lines.map((input, index) => {
    const r = resolveLine(input, {
      index,
      catalog,
      customerKnown,
      fieldMeta: readMeta,
      repairSlips,
      ...(articles ? { articles } : {}),
    });
    order.lines[index] = r.line;
    found.push(...r.findings);
    if (r.repair) repairs.push(r.repair);
    for (const [path, meta] of Object.entries(r.meta)) {
      if (meta) fieldMeta[path] = meta;
      else delete fieldMeta[path];
    }
    return r.product;
  });
  return { products, repairs };
}

/** True when some line's article code was read by OCR (its confidence is under 1). */
function ocrCodes(order: CanonicalOrder, fieldMeta: Record<string, FieldMeta>): boolean {
  return order.lines.some((_, i) =>
    ['sku', 'customerRef'].some((f) => (fieldMeta[`lines[${i}].${f}`]?.confidence ?? 1) < 1),
  );
}

function checkLines(
  order: CanonicalOrder,
  products: Array<ProductFacts | null>,
  customer: CustomerFacts | null,
  config: ValidationConfig,
): Finding[] {
  const out: Finding[] = [];
  order.lines.forEach((line, i) => {
    const product = products[i] ?? null;
    out.push(...checkQuantity(line, i, product, config));
    if (!product) return;
    out.push(...checkUnit(line, i, product));
    if (!sameUnit(line, product)) return;
    out.push(
      ...checkPrice(line, i, product, {
        currency: order.currency,
        customerCurrency: customer?.currency ?? null,
        tolerance: config.priceTolerance,
      }),
    );
  });
  return out;
}

/** The extraction's findings first; a validation finding repeating one (same code and field) is dropped. */
function mergeFindings(extraction: Finding[], validation: Finding[]): Finding[] {
  const seen = new Set(extraction.map((f) => `${f.code}|${f.field}`));
  return [...extraction, ...validation.filter((f) => !seen.has(`${f.code}|${f.field}`))];
}
