/** The review workspace's pages, server-rendered; every value from a document or a person is escaped. */
import { html, type SafeHtml } from '../web/html.ts';
import type { FieldMeta } from '../domain/extraction.ts';
import { channelText, codeText, fieldText, findingText, statusText } from '../domain/finding-texts.ts';
import type { Lang, ReviewTexts } from './i18n.ts';
import type { SearchHit, SearchQuery } from '../archive/search.ts';
import type { Kpis } from '../kpi/kpis.ts';
import type { OrderContext, QueueFilters, QueueItem, RejectedDocument, ReviewOrder } from './queue.ts';

export interface Page {
  lang: Lang;
  t: ReviewTexts;
  /** `admin`: may use the admin actions (send failed ERP deliveries again). */
  operator: { name: string; csrf: string; admin?: boolean };
  /** The business's time zone (sla.timeZone): every time a person reads is in it. */
  timeZone: string;
}

/** An admin's button that sends failed ERP deliveries again: one order's, or all of them. */
function erpRetryForm(p: Page, orderId: number | null): SafeHtml | string {
  if (!p.operator.admin) return '';
  return html`<form method="post" action="/review/admin/erp/retry" class="inline erp-retry">
<input type="hidden" name="_csrf" value="${p.operator.csrf}">${orderId === null ? '' : html`<input type="hidden" name="order_id" value="${orderId}">`}
<button type="submit">${orderId === null ? p.t.erpRetryAll : p.t.erpRetry}</button></form>`;
}

/** Where the order stands with the ERP, in words; failed: what the ERP answered. */
function erpLine(p: Page, o: ReviewOrder): SafeHtml | string {
  if (!o.erp_status) return '';
  const { t } = p;
  const words =
    o.erp_status === 'delivered'
      ? `${t.erpDelivered}${o.erp_reference ? ` (${o.erp_reference})` : ''}`
      : o.erp_status === 'failed'
        ? t.erpFailedOrder
        : t.erpPending;
  return html`<p class="erp erp-${o.erp_status}" id="erp-status">ERP: ${words}${o.erp_status !== 'delivered' && o.erp_error ? html` · <q>${o.erp_error}</q>` : ''} ${o.erp_status === 'failed' ? erpRetryForm(p, o.id) : ''}</p>`;
}

export function layout(
  p: Page,
  title: string,
  body: SafeHtml,
  flash?: string | null,
  /** Reload the page every so many seconds (the queue: new items appear without a click). */
  refreshSeconds?: number,
): string {
  const other = p.lang === 'es' ? 'en' : 'es';
  return html`<!doctype html>
<html lang="${p.lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · order-capture</title>${refreshSeconds ? html`<meta http-equiv="refresh" content="${refreshSeconds}">` : ''}
<link rel="stylesheet" href="/review/assets/review.css"><script src="/review/assets/review.js" defer></script></head>
<body>
<header class="bar"><a href="/review" class="home">order-capture</a>
<a href="/review/search" accesskey="s">${p.t.search}</a>
<a href="/review/dashboard">${p.t.dashboard}</a>
<span class="who">${p.operator.name}</span>
<a href="/review/lang?to=${other}">${p.t.language}</a>
<form method="post" action="/review/logout" class="inline"><input type="hidden" name="_csrf" value="${p.operator.csrf}"><button type="submit">${p.t.signOut}</button></form>
</header>
${flash ? html`<p class="flash" role="status">${flash}</p>` : ''}
<main>${body}</main>
</body></html>`.value;
}

const time = (d: Date, p: Page) =>
  new Intl.DateTimeFormat(p.lang === 'es' ? 'es-ES' : 'en-GB', {
    dateStyle: 'short',
    timeStyle: 'short',
    timeZone: p.timeZone,
  }).format(d);

export function queueView(p: Page, items: QueueItem[], f: QueueFilters, now = new Date()): SafeHtml {
  const { t } = p;
  const option = (v: string, current: string | undefined, label = v) =>
    html`<option value="${v}"${v === (current ?? '') ? html` selected` : ''}>${label}</option>`;
  const channels = ['', 'email', 'fax', 'edi', 'web', 'scan'];
  const codes = [...new Set(items.flatMap((i) => i.codes ?? []))].sort();
  return html`<h1 data-queue-count="${items.length}">${t.title} (${items.length})</h1>
<p id="queue-news" class="flash" role="status" hidden>${t.newItems} <a href="">${t.showThem}</a></p>
<form method="get" action="/review" class="filters">
<label>${t.channel} <select name="channel">${channels.map((c) => option(c, f.channel, c ? channelText(c, p.lang) : t.all))}</select></label>
<label>${t.customer} <input name="customer" value="${f.customer ?? ''}" size="8"></label>
<label>${t.findings} <select name="code">${['', ...codes].map((c) => option(c, f.code, c ? codeText(c, p.lang) : t.anyCode))}</select></label>
<label>${t.olderThan} <input name="age" value="${f.olderThanHours ?? ''}" size="3" inputmode="numeric"> h</label>
<button type="submit">${t.filter}</button>
</form>
${
  items.length === 0
    ? html`<p class="empty">${t.queueEmpty}</p>`
    : html`<table class="queue" id="queue">
<thead><tr><th>${t.priority}</th><th>${t.deadline}</th><th>${t.received}</th><th>${t.channel}</th><th>${t.customer}</th><th>${t.po}</th><th>${t.findings}</th><th>${t.takenBy}</th></tr></thead>
<tbody>${items.map(
        (i) => html`<tr class="${i.priority ? 'priority' : ''}${i.deadline < now ? ' overdue' : ''}">
<td>${i.priority ? html`<span class="badge" title="${i.priority}">!</span>` : ''}</td>
<td>${time(i.deadline, p)}${i.deadline < now ? html` <em>${t.overdue}</em>` : ''}</td>
<td>${time(i.received_at, p)}</td><td>${channelText(i.channel, p.lang)}</td>
<td>${i.customer_name ?? html`<em>${t.unknownCustomer}</em>`}</td>
<td><a href="/review/orders/${i.id}">${i.po_number ?? `#${i.id}`}</a>${i.on_hold ? html` <span class="on-hold">${t.onHold}: ${i.on_hold}</span>` : ''}</td>
<td>${(i.codes ?? []).map((c) => codeText(c, p.lang)).join(', ')}</td><td>${i.held_by_name ?? ''}</td></tr>`,
      )}</tbody></table>`
}`;
}

function badge(meta: FieldMeta | undefined, t: ReviewTexts): SafeHtml | string {
  if (!meta || meta.confidence >= 1) return '';
  const level = meta.confidence >= 0.9 ? 'high' : meta.confidence >= 0.8 ? 'mid' : 'low';
  return html`<span class="conf ${level}" title="${t.confidence}">${Math.round(meta.confidence * 100)}%</span>`;
}

export interface PageImage {
  page_no: number;
  width: number;
  height: number;
  has_image: boolean;
}

export interface ReviewViewData {
  order: ReviewOrder;
  pages: PageImage[];
  catalog: Array<{ sku: string; description: string; unit: string; price: number }>;
  readOnly: boolean;
  errors: string[];
  history: Array<{
    at: Date;
    actor: string;
    kind: string;
    field: string | null;
    old_value: unknown;
    new_value: unknown;
  }>;
  context: OrderContext;
}

export function reviewView(p: Page, d: ReviewViewData): SafeHtml {
  const { t } = p;
  const o = d.order.data;
  const meta = d.order.field_meta;
  const findingsOf = (field: string) =>
    d.order.findings.filter(
      (f) => f.field === field || (field === 'customer.id' && f.code === 'unknown_customer'),
    );
  const notes = (field: string) =>
    findingsOf(field).map(
      (f) =>
        html`<span class="finding ${f.severity}" title="${codeText(f.code, p.lang)}">${findingText(f, p.lang)}</span>`,
    );
  const dis = d.readOnly ? html` disabled` : '';
  const input = (
    name: string,
    field: string,
    value: string | number | null,
    label: string,
    extra: SafeHtml | null = null,
  ) =>
    html`<label class="field" data-field="${field}"><span>${label} ${badge(meta[field], t)}</span>
<input name="${name}" value="${value ?? ''}" data-field="${field}"${extra ? html` ${extra}` : ''}${dis}>${notes(field)}</label>`;
  const boxes = (page: number) =>
    Object.entries(meta)
      .filter(([, m]) => m.source?.kind === 'box' && m.source.page === page)
      .map(([field, m]) => {
        const s = m.source as { x: number; y: number; w: number; h: number };
        const level = m.confidence >= 0.9 ? 'high' : m.confidence >= 0.8 ? 'mid' : 'low';
        return html`<rect class="box ${level}" data-field="${field}" x="${s.x - 3}" y="${s.y - 3}" width="${s.w + 6}" height="${s.h + 6}"><title>${field}</title></rect>`;
      });
  const images = d.pages.filter((pg) => pg.has_image);
  const left =
    images.length > 0
      ? images.map(
          (pg) => html`<figure class="page"><figcaption>${t.page} ${pg.page_no}</figcaption>
<svg viewBox="0 0 ${pg.width} ${pg.height}" role="img" aria-label="${t.page} ${pg.page_no}">
<image href="/review/documents/${d.order.document_id}/pages/${pg.page_no}.png" width="${pg.width}" height="${pg.height}"/>${boxes(pg.page_no)}</svg></figure>`,
        )
      : html`<h2>${t.sourceText}</h2><pre class="source">${d.order.source_text ?? ''}</pre>`;
  const lineRow = (l: (typeof o.lines)[number] | null, i: number | string) => {
    const cell = (f: string, v: string | number | null | undefined, extra: SafeHtml | null = null) =>
      html`<td><input name="lines[${i}][${f}]" value="${v ?? ''}" data-field="lines[${i}].${f}" aria-label="${(t as unknown as Record<string, string>)[f] ?? f}"${extra ? html` ${extra}` : ''}${dis}>${typeof i === 'number' ? notes(`lines[${i}].${f}`) : ''}</td>`;
    const ctx = typeof i === 'number' ? d.context.lines[i] : undefined;
    const hint =
      ctx && (ctx.customerPrice !== null || ctx.usualQuantity !== null)
        ? html`<tr class="context"><td colspan="7">${ctx.customerPrice !== null ? html`${t.customerPrice}: ${ctx.customerPrice}` : ''}${ctx.customerPrice !== null && ctx.usualQuantity !== null ? ' · ' : ''}${ctx.usualQuantity !== null ? html`${t.usualQuantity}: ${ctx.usualQuantity}` : ''}</td></tr>`
        : '';
    return html`<tr class="line">${cell('sku', l?.sku, html`list="catalog" class="sku"`)}${cell('customerRef', l?.customerRef)}${cell('description', l?.description, html`class="desc"`)}${cell('quantity', l?.quantity, html`inputmode="decimal" class="num"`)}${cell('unit', l?.unit, html`class="unit"`)}${cell('unitPrice', l?.unitPrice, html`inputmode="decimal" class="num"`)}
<td>${d.readOnly ? '' : html`<button type="button" class="delete-line">${t.deleteLine}</button>`}</td></tr>${hint}`;
  };
  return html`<div class="review">
<section class="document">${left}</section>
<section class="order">
<h1>${o.poNumber ?? `#${d.order.id}`} <small>${channelText(d.order.channel, p.lang)} · ${time(d.order.received_at, p)}</small></h1>
${d.order.priority ? html`<p class="priority-note"><span class="badge">!</span> ${d.order.priority}</p>` : ''}
${d.order.on_hold ? html`<p class="flash warn">${t.onHold}: ${d.order.on_hold}</p>` : ''}
${d.context.creditLeft !== null ? html`<p class="credit${d.context.creditLeft < 0 ? ' over' : ''}">${t.creditLeft}: ${d.context.creditLeft.toFixed(2)} ${d.context.currency ?? ''}</p>` : ''}
${d.readOnly && d.order.status === 'review' && d.order.held_by_name ? html`<p class="flash warn">${t.heldByOther(d.order.held_by_name)}</p>` : ''}
${d.readOnly && d.order.status !== 'review' ? html`<p class="flash">${t.readOnly} (${t.status}: ${statusText(d.order.status, p.lang)})</p>` : ''}
${erpLine(p, d.order)}
${d.errors.length > 0 ? html`<div class="errors" role="alert"><p>${t.cannotApprove}</p><ul>${d.errors.map((e) => html`<li>${e}</li>`)}</ul></div>` : ''}
<form method="post" action="/review/orders/${d.order.id}/approve" id="order-form">
<input type="hidden" name="_csrf" value="${p.operator.csrf}"><input type="hidden" name="version" value="${d.order.version}">
<fieldset class="header">
${input('customerId', 'customer.id', o.customer.id, `${t.customerId}${o.customer.name ? ` (${o.customer.name})` : ''}`, html`autofocus`)}
${input('poNumber', 'poNumber', o.poNumber, t.po)}
${input('orderDate', 'orderDate', o.orderDate, t.orderDate, p.lang === 'es' ? html`placeholder="AAAA-MM-DD"` : html`placeholder="YYYY-MM-DD"`)}
${input('deliveryDate', 'deliveryDate', o.deliveryDate, t.deliveryDate, p.lang === 'es' ? html`placeholder="AAAA-MM-DD"` : html`placeholder="YYYY-MM-DD"`)}
${input('currency', 'currency', o.currency, t.currency, html`size="3"`)}
</fieldset>
<h2>${t.lines}</h2>
<table class="lines"><thead><tr><th>${t.sku}</th><th>${t.customerRef}</th><th>${t.description}</th><th>${t.quantity}</th><th>${t.unit}</th><th>${t.unitPrice}</th><th></th></tr></thead>
<tbody id="lines">${o.lines.map((l, i) => lineRow(l, i))}</tbody></table>
<template id="line-template">${lineRow(null, '__i__')}</template>
<datalist id="catalog">${d.catalog.map((c) => html`<option value="${c.sku}">${c.description} · ${c.unit} · ${c.price}</option>`)}</datalist>
${
  d.readOnly
    ? ''
    : html`<p class="actions"><button type="button" id="add-line" accesskey="a">${t.addLine}</button>
<label class="remember"><input type="checkbox" name="remember" value="1" checked> ${t.remember}</label>
<button type="submit" class="approve" id="approve">${t.approve}</button></p>`
}
</form>
${
  d.readOnly
    ? ''
    : html`<form method="post" action="/review/orders/${d.order.id}/reject" class="reject">
<input type="hidden" name="_csrf" value="${p.operator.csrf}"><input type="hidden" name="version" value="${d.order.version}">
<label>${t.rejectReason} <input name="reason" required></label> <button type="submit">${t.reject}</button></form>
<form method="post" action="/review/orders/${d.order.id}/hold" class="reject">
<input type="hidden" name="_csrf" value="${p.operator.csrf}"><input type="hidden" name="version" value="${d.order.version}">
<label>${t.holdReason} <input name="reason" value="${d.order.on_hold ?? ''}"></label> <button type="submit">${t.putOnHold}</button></form>`
}
<p class="nav"><a href="/review" accesskey="q">${t.back}</a> · <a href="/review/next?after=${d.order.id}" id="next" accesskey="n">${t.next}</a></p>
<p class="help">${t.shortcuts}</p>
<details><summary>${t.history}</summary><ul class="history">${d.history.map(
    (h) =>
      html`<li>${time(h.at, p)} · ${h.actor} · ${h.kind}${h.field ? html` · ${fieldText(h.field, p.lang)}: ${JSON.stringify(h.old_value)} → ${JSON.stringify(h.new_value)}` : ''}</li>`,
  )}</ul></details>
</section></div>`;
}

export interface LearnedFieldRow {
  id: number;
  customer_id: string;
  field: string;
  label: string;
  version: number;
  active: boolean;
  created_by: string;
  created_at: Date;
  order_id: number | null;
}

/** Learned template fields (versioned, switchable) and recent cross-references, for admins. */
export function learnedView(
  p: Page,
  fields: LearnedFieldRow[],
  refs: Array<{ customer_id: string; customer_ref: string; sku: string; updated_at: Date }>,
): SafeHtml {
  const { t } = p;
  return html`<h1>${t.learned}</h1>
<table class="queue"><thead><tr><th>${t.customer}</th><th>${t.field}</th><th>${t.label}</th><th>v</th><th>${t.taughtBy}</th><th></th></tr></thead>
<tbody>${fields.map(
    (f) => html`<tr><td>${f.customer_id}</td><td>${f.field}</td><td>${f.label}</td><td>${f.version}</td>
<td>${f.created_by} · ${time(f.created_at, p)}${f.order_id ? html` · <a href="/review/orders/${f.order_id}">#${f.order_id}</a>` : ''}</td>
<td>${
      f.active
        ? html`<form method="post" action="/review/admin/learned/${f.id}/deactivate" class="inline"><input type="hidden" name="_csrf" value="${p.operator.csrf}"><button type="submit">${t.deactivate}</button></form>`
        : t.inactive
    }</td></tr>`,
  )}</tbody></table>
<h2>${t.crossRefs}</h2>
<table class="queue"><thead><tr><th>${t.customer}</th><th>${t.customerRef}</th><th>${t.sku}</th><th>${t.received}</th></tr></thead>
<tbody>${refs.map((r) => html`<tr><td>${r.customer_id}</td><td>${r.customer_ref}</td><td>${r.sku}</td><td>${time(r.updated_at, p)}</td></tr>`)}</tbody></table>`;
}

/** The archive search: a form and the documents found, with their orders and where the words are. */
export function searchView(
  p: Page,
  s: SearchQuery,
  hits: SearchHit[] | null,
  problems: string[] = [],
): SafeHtml {
  const { t } = p;
  const field = (name: keyof SearchQuery, label: string, extra: SafeHtml | null = null) =>
    html`<label>${label} <input name="${name}" value="${String(s[name] ?? '')}"${extra ? html` ${extra}` : ''}></label>`;
  const statuses = ['', 'review', 'accepted', 'delivered', 'rejected', 'failed', 'processed', 'received'];
  const channels = ['', 'email', 'fax', 'edi', 'web', 'scan'];
  const select = (name: 'status' | 'channel', values: string[], label: string) =>
    html`<label>${label} <select name="${name}">${values.map((v) => html`<option value="${v}"${v === (s[name] ?? '') ? html` selected` : ''}>${v ? (name === 'status' ? statusText(v, p.lang) : channelText(v, p.lang)) : t.all}</option>`)}</select></label>`;
  return html`<h1>${t.searchTitle}</h1>
<form method="get" action="/review/search" class="filters search">
${field('text', t.words, html`autofocus size="30"`)} ${field('customer', t.customer, html`size="10"`)} ${field('po', t.po, html`size="12"`)}
${field('article', t.article, html`size="14"`)} ${field('from', t.from, html`type="date"`)} ${field('to', t.to, html`type="date"`)}
${select('status', statuses, t.status)} ${select('channel', channels, t.channel)}
<button type="submit">${t.search}</button></form>
${problems.length > 0 ? html`<div class="errors" role="alert"><ul>${problems.map((m) => html`<li>${m}</li>`)}</ul></div>` : ''}
${
  hits === null
    ? ''
    : hits.length === 0
      ? html`<p class="empty">${t.noResults}</p>`
      : html`<p>${t.results(hits.length)}</p><table class="queue" id="results">
<thead><tr><th>${t.received}</th><th>${t.channel}</th><th>${t.document}</th><th>${t.customer}</th><th>${t.po}</th><th>${t.status}</th><th></th></tr></thead>
<tbody>${hits.map(
          (h) => html`<tr><td>${time(h.received_at, p)}</td><td>${channelText(h.channel, p.lang)}</td>
<td>${h.filename ?? `#${h.id}`}${h.sender ? html` <small>${h.sender}</small>` : ''}${h.snippet ? html`<div class="snippet">${h.snippet}</div>` : ''}${h.status_reason ? html`<div class="finding">${h.status_reason}</div>` : ''}</td>
<td>${h.orders.map((o) => html`<div>${o.customer_name ?? o.customer_id ?? ''}</div>`)}</td>
<td>${h.orders.map((o) => html`<div><a href="/review/orders/${o.id}">${o.po_number ?? `#${o.id}`}</a></div>`)}</td>
<td>${h.orders.length > 0 ? h.orders.map((o) => html`<div>${statusText(o.status, p.lang)}</div>`) : statusText(h.status, p.lang)}</td>
<td><a href="/review/documents/${h.id}/original" class="download">${t.original}</a></td></tr>`,
        )}</tbody></table>`
}`;
}

const pct = (r: number | null) => (r === null ? '-' : `${(r * 100).toFixed(1)} %`);
const duration = (s: number | null) => {
  if (s === null) return '-';
  const h = Math.floor(s / 3600);
  const m = Math.round((s % 3600) / 60);
  return h > 0 ? `${h} h ${m} min` : `${m} min`;
};

/** Horizontal bars as SVG: no script, no external resource. */
function bars(rows: Array<{ label: string; value: number; text?: string }>, max?: number): SafeHtml {
  const top = max ?? Math.max(1, ...rows.map((r) => r.value));
  const h = 22;
  return html`<svg class="chart" viewBox="0 0 600 ${rows.length * h + 4}" role="img">${rows.map(
    (r, i) =>
      html`<text x="0" y="${i * h + 15}">${r.label}</text><rect x="160" y="${i * h + 3}" width="${Math.round((r.value / top) * 360)}" height="${h - 6}"/><text x="${168 + Math.round((r.value / top) * 360)}" y="${i * h + 15}">${r.text ?? r.value}</text>`,
  )}</svg>`;
}

/** The dashboard's system panel: parts not running, orders the ERP refuses (src/monitor). */
export interface SystemState {
  problems: string[];
  erpWaiting: number;
  erpLastError: string | null;
  /** Orders whose delivery gave up, the last one's error, and the oldest undelivered order's age. */
  erpFailed: number;
  erpFailedLastError: string | null;
  erpOldestSeconds: number;
}

export function dashboardView(
  p: Page,
  k: Kpis,
  period: { from: string; to: string },
  system: SystemState,
): SafeHtml {
  const { t } = p;
  const issues = [
    ...system.problems,
    ...(system.erpWaiting > 0 ? [`${system.erpWaiting} ${t.erpWaiting} ${system.erpLastError ?? ''}`] : []),
    ...(system.erpFailed > 0
      ? [`${system.erpFailed} ${t.erpFailed} ${system.erpFailedLastError ?? ''}`]
      : []),
  ];
  const erp = html`<p id="erp-oldest">${t.erpOldest}: ${system.erpOldestSeconds > 0 ? duration(system.erpOldestSeconds) : '-'}${system.erpFailed > 0 ? html` ${erpRetryForm(p, null)}` : ''}</p>`;
  const q = `from=${period.from}&to=${period.to}`;
  const table = (name: keyof Kpis, head: string[], rows: Array<Array<string | number>>) =>
    html`<table class="queue kpi"><thead><tr>${head.map((h) => html`<th>${h}</th>`)}</tr></thead>
<tbody>${rows.map((r) => html`<tr>${r.map((c) => html`<td>${c}</td>`)}</tr>`)}</tbody></table>
<p class="export"><a href="/review/dashboard.csv?table=${name}&${q}" download>${t.csv}</a></p>`;
  return html`<h1>${t.dashboard}</h1>
<form method="get" action="/review/dashboard" class="filters">
<label>${t.from} <input type="date" name="from" value="${period.from}"></label>
<label>${t.to} <input type="date" name="to" value="${period.to}"></label> <button type="submit">${t.show}</button></form>
<section id="system" class="${issues.length ? 'system-problems' : 'system-ok'}"><h2>${t.systemState}</h2>
${issues.length ? html`<ul>${issues.map((i) => html`<li>${i}</li>`)}</ul>` : html`<p>${t.allRunning}</p>`}${erp}</section>
<div class="kpis">
<section><h2>${t.slaKept}</h2><p class="big" id="kpi-sla">${pct(k.sla.rate)}</p><p>${k.sla.withinSla} / ${k.sla.delivered}</p></section>
<section><h2>${t.arrivalToErp}</h2><p class="big">${duration(k.arrivalToErp.median)}</p><p>${t.median}; p90 ${duration(k.arrivalToErp.p90)}</p></section>
<section><h2>${t.correctionsTitle}</h2><p class="big">${k.corrections.perOrder === null ? '-' : k.corrections.perOrder.toFixed(2)}</p><p>${t.perOrder} (${k.corrections.corrections} / ${k.corrections.reviewedOrders})</p></section>
</div>
<h2>${t.backlog}</h2>${table(
    'backlog',
    [t.stage, t.channel, t.count],
    k.backlog.map((r) => [r.stage, r.channel, r.count]),
  )}
<h2>${t.touchless} ${t.byChannel}</h2>
${bars(
  k.touchlessByChannel.map((r) => ({
    label: r.channel,
    value: r.rate,
    text: `${pct(r.rate)} (${r.touchless}/${r.orders})`,
  })),
  1,
)}
${table(
  'touchlessByChannel',
  [t.channel, t.orders, t.touchless, '%'],
  k.touchlessByChannel.map((r) => [r.channel, r.orders, r.touchless, pct(r.rate)]),
)}
<h2>${t.touchless} ${t.byCustomer}</h2>${table(
    'touchlessByCustomer',
    [t.customer, t.orders, t.touchless, '%'],
    k.touchlessByCustomer.map((r) => [r.customer, r.orders, r.touchless, pct(r.rate)]),
  )}
<h2>${t.perDay}</h2>${bars(k.perDay.map((r) => ({ label: r.day, value: r.orders, text: `${r.orders} / ${r.lines}` })))}
${table(
  'perDay',
  [t.day, t.orders, t.lines],
  k.perDay.map((r) => [r.day, r.orders, r.lines]),
)}
<h2>${t.reviewReasons}</h2>${bars(k.reviewReasons.map((r) => ({ label: r.code, value: r.orders })))}
${table(
  'reviewReasons',
  [t.findings, t.orders],
  k.reviewReasons.map((r) => [r.code, r.orders]),
)}
<h2>${t.correctionsTitle}</h2>${table(
    'correctionsByField',
    [t.field, t.count],
    k.correctionsByField.map((r) => [r.field, r.count]),
  )}
<h2>${t.operatorsTitle}</h2>${table(
    'operators',
    [t.takenBy, t.approvedCol, t.rejectedCol, t.correctedCol],
    k.operators.map((r) => [r.operator, r.approved, r.rejected, r.corrected]),
  )}`;
}

/** Documents rejected by the machine, with the reason in the reader's language and the original. */
export function rejectedView(p: Page, docs: RejectedDocument[]): SafeHtml {
  const { t } = p;
  if (docs.length === 0) return html``;
  return html`<section id="rejected"><h2>${t.rejectedDocuments(docs.length)}</h2>
<table class="queue"><thead><tr><th>${t.received}</th><th>${t.channel}</th><th>${t.document}</th><th>${t.reason}</th><th></th></tr></thead>
<tbody>${docs.map(
    (d) => html`<tr><td>${time(d.received_at, p)}</td><td>${channelText(d.channel, p.lang)}</td>
<td>${d.filename ?? `#${d.id}`}${d.sender ? html` <small>${d.sender}</small>` : ''}</td>
<td>${d.finding ? findingText(d.finding, p.lang) : (d.status_reason ?? '')}</td>
<td><a href="/review/documents/${d.id}/original" class="download">${t.original}</a></td></tr>`,
  )}</tbody></table></section>`;
}
