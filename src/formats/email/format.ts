/**
 * The e-mail format: a raw message (.eml) in, its orders out. Every attached document is read like
 * any PDF, fax or scan; when none holds an order, the typed body is read with the same extractor.
 * Pages of all attachments are numbered in one sequence, so the review screen shows them all.
 */
import { DEFAULT_MAX_PAGES, type ReadLimits } from '../../documents/index.ts';
import type { ExtractedOrder, ExtractOutcome, FieldSource, MessageOrigin } from '../../domain/extraction.ts';
import { type Finding, finding } from '../../domain/findings.ts';
import type { Page, Word } from '../../domain/page.ts';
import { extractOrders } from '../../extract/index.ts';
import { type LayoutSource, withLearned } from '../../learn/apply.ts';
import type { OcrEngine } from '../../ocr/index.ts';
import type { DocumentFormat } from '../format.ts';
import {
  type Hints,
  type PaperContext,
  type PaperSources,
  paperContext,
  readPaper,
  type TemplateSource,
} from '../paper/read.ts';
import { embeddedOutcome } from '../pdf-attachments/format.ts';
import { readStructured } from '../structured.ts';
import { looksLikeEmail, type ParsedMessage, parseMessage } from './message.ts';

/** Geometry of the page a typed body is laid out on: one character per column, one line per row. */
const CHAR_W = 10;
const LINE_H = 30;
const WORD_H = 20;

/** A typed body as a page of words at character positions (tabs every 8 columns), as a text layer. */
export function textPage(text: string, number: number): Page {
  const words: Word[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, row) => {
    let line = '';
    for (const ch of raw) line += ch === '\t' ? ' '.repeat(8 - (line.length % 8)) : ch;
    for (const m of line.matchAll(/\S+/g)) {
      words.push({
        text: m[0],
        x: m.index * CHAR_W,
        y: row * LINE_H,
        w: m[0].length * CHAR_W,
        h: WORD_H,
        confidence: 1,
      });
    }
  });
  const width = Math.max(1, ...lines.map((l) => l.length)) * CHAR_W;
  return {
    number,
    width,
    height: lines.length * LINE_H,
    words,
    source: 'text-layer',
    image: null,
    confidence: 1,
  };
}

function renumber(order: ExtractedOrder, map: (source: FieldSource) => FieldSource): ExtractedOrder {
  const fieldMeta = Object.fromEntries(
    Object.entries(order.fieldMeta).map(([k, m]) => [k, { ...m, source: m.source ? map(m.source) : null }]),
  );
  return { ...order, fieldMeta };
}

async function readAttachments(msg: ParsedMessage, hints: Hints, ctx: PaperContext) {
  const orders: ExtractedOrder[] = [];
  const pages: Page[] = [];
  const findings: Finding[] = [];
  // The page limit holds for the whole message: a thousand small PDFs are not a thousand times it.
  const budget = Math.max(1, ctx.limits.maxPages ?? DEFAULT_MAX_PAGES);
  for (const doc of msg.documents) {
    if (pages.length >= budget) {
      const why = `Attachment ${doc.name} was not read: the message's first ${budget} pages were read already.`;
      findings.push(finding('low_confidence', 'warning', null, why));
      continue;
    }
    const limits = { ...ctx.limits, maxPages: budget - pages.length };
    const embedded = doc.kind === 'pdf' ? await embeddedOutcome(doc.bytes, (o) => o.kind === 'orders') : null;
    if (embedded?.kind === 'orders') {
      orders.push(...embedded.orders);
      findings.push(...embedded.findings);
      continue;
    }
    const read = await readPaper(doc.bytes, doc.kind, hints, { ...ctx, limits }, doc.name);
    if (read.kind === 'unreadable') {
      findings.push(
        finding('unreadable_document', 'warning', null, `Attachment ${doc.name}: ${read.reason}`),
      );
      continue;
    }
    if (read.cut) findings.push(read.cut);
    const { outcome } = read;
    const offset = pages.length;
    pages.push(...read.pages.map((p) => ({ ...p, number: p.number + offset })));
    if (outcome.kind === 'rejected') {
      // A leaflet or terms and conditions beside the order: said, not held against the order.
      const why = outcome.findings.map((f) => f.message).join('; ');
      findings.push(finding('not_an_order', 'info', null, `Attachment ${doc.name} holds no order: ${why}`));
      continue;
    }
    findings.push(...outcome.findings);
    for (const o of outcome.orders) {
      orders.push(renumber(o, (s) => (s.kind === 'box' ? { ...s, page: s.page + offset } : s)));
    }
  }
  return { orders, pages, findings };
}

/** Structured attachments (EDIFACT, X12, XML orders, sheets), each read by its own format. */
async function readStructuredParts(msg: ParsedMessage) {
  const orders: ExtractedOrder[] = [];
  const findings: Finding[] = [];
  for (const part of msg.structured) {
    const found = await readStructured({ bytes: part.bytes, filename: part.name, contentType: null });
    if (!found) continue;
    const named = (f: Finding) => ({ ...f, message: `Attachment ${part.name}: ${f.message}` });
    if (found.outcome.kind === 'rejected') {
      // A despatch advice or invoice beside the order: said, not held against the order.
      findings.push(...found.outcome.findings.map((f) => named({ ...f, severity: 'info' as const })));
      continue;
    }
    findings.push(...found.outcome.findings.map(named));
    orders.push(...found.outcome.orders);
  }
  return { orders, findings };
}

/** Reads the typed body as an order; field sources become body lines (there is no page image). */
async function readBody(body: string, hints: Hints, ctx: PaperContext) {
  const page = textPage(body, 1);
  const generic = extractOrders([page], { hints, templates: ctx.templates });
  const outcome = await withLearned(generic, [page], ctx.learned, hints);
  if (outcome.kind === 'rejected') return null;
  const lines = body.split('\n');
  const toLine = (s: FieldSource): FieldSource => {
    if (s.kind !== 'box') return s;
    const line = Math.round(s.y / LINE_H);
    return { kind: 'text', line: line + 1, text: lines[line]?.trim() ?? '' };
  };
  return outcome.orders.map((o) => renumber(o, toLine));
}

/** Reads one raw message. Never throws: a message that cannot be parsed is rejected with the reason. */
export async function readEmail(
  bytes: Buffer,
  sender: string | null,
  sources: PaperSources,
): Promise<ExtractOutcome> {
  let msg: ParsedMessage;
  try {
    msg = await parseMessage(bytes);
  } catch (err) {
    const why = `The e-mail message could not be read (${(err as Error).message}).`;
    return { kind: 'rejected', findings: [finding('unreadable_document', 'error', null, why)] };
  }
  const hints = { email: sender?.includes('@') ? sender : msg.from, fax: msg.faxNumber };
  const origin: MessageOrigin = {
    from: msg.from,
    to: msg.to,
    faxNumber: msg.faxNumber,
    authenticationResults: msg.authenticationResults,
  };
  const ctx = await paperContext(sources);
  const found = await readAttachments(msg, hints, ctx);
  const edi = await readStructuredParts(msg);
  found.orders.unshift(...edi.orders);
  found.findings.unshift(...edi.findings);
  const skipped = msg.skipped.map((s) =>
    /winmail\.dat \(TNEF\) that could not be read/.test(s.reason)
      ? finding('unreadable_document', 'warning', null, `Attachment ${s.name} is ${s.reason}.`)
      : finding('not_an_order', 'info', null, `Attachment ${s.name} was not read: ${s.reason}.`),
  );
  const findings = [...found.findings, ...skipped];
  if (found.orders.length > 0) {
    return { kind: 'orders', orders: found.orders, findings, pages: found.pages, origin };
  }

  const fromBody = msg.body ? await readBody(msg.body, hints, ctx) : null;
  if (fromBody && fromBody.length > 0) {
    return { kind: 'orders', orders: fromBody, findings, pages: found.pages, origin };
  }
  const parts =
    msg.documents.length === 0
      ? 'no attached document'
      : `${msg.documents.length} attached document(s) without an order`;
  const body = msg.body ? 'a text without a PO number or a line table' : 'no text';
  const subject = msg.subject ? `"${msg.subject}"` : '(no subject)';
  const why = `The e-mail ${subject} holds no order: ${parts}, and ${body}.`;
  return {
    kind: 'rejected',
    findings: [...findings.filter((f) => f.severity !== 'info'), finding('not_an_order', 'error', null, why)],
    pages: found.pages,
    origin,
  };
}

/** The e-mail format for the registry: an RFC 5322 message, read with the given OCR engine and templates. */
export function emailFormat(
  ocr: OcrEngine,
  templates: TemplateSource,
  limits: ReadLimits = {},
  learned: LayoutSource = [],
): DocumentFormat {
  return {
    id: 'email',
    channel: 'email',
    score: ({ bytes, filename }) => (looksLikeEmail(bytes) ? 0.8 : /\.eml$/i.test(filename ?? '') ? 0.3 : 0),
    extract: ({ bytes, sender }) => readEmail(bytes, sender ?? null, { ocr, templates, limits, learned }),
  };
}
