/**
 * The learned layouts on the admin page of /review: per customer and layout, each version with
 * when, from which document and by whom it was learned, what each part holds, and a switch to
 * turn the whole layout or any part of it off.
 */
import { html, type SafeHtml } from '../web/html.ts';
import type { Page } from './views.ts';
import { describePart, PARTS } from '../learn/model.ts';
import type { LearnedLayoutRow } from '../learn/store.ts';

const TEXTS = {
  en: {
    title: 'Layouts learned from confirmed orders',
    none: 'Nothing learned yet.',
    layout: 'Layout',
    learned: 'Learned',
    from: 'from document',
    part: 'Part',
    holds: 'What was learned',
    off: 'Switch off',
    isOff: 'off',
    replaced: 'replaced by a newer confirmed order',
    wholeOff: 'Switch the whole layout off',
  },
  es: {
    title: 'Formatos aprendidos de pedidos confirmados',
    none: 'Todavía no se ha aprendido nada.',
    layout: 'Formato',
    learned: 'Aprendido',
    from: 'del documento',
    part: 'Parte',
    holds: 'Lo aprendido',
    off: 'Desactivar',
    isOff: 'desactivado',
    replaced: 'sustituido por un pedido confirmado más reciente',
    wholeOff: 'Desactivar todo el formato',
  },
} as const;

const when = (d: Date, lang: string) =>
  new Intl.DateTimeFormat(lang === 'es' ? 'es-ES' : 'en-GB', {
    dateStyle: 'short',
    timeStyle: 'short',
  }).format(d);

export function layoutsView(p: Page, rows: LearnedLayoutRow[]): SafeHtml {
  const t = TEXTS[p.lang === 'es' ? 'es' : 'en'];
  const csrf = html`<input type="hidden" name="_csrf" value="${p.operator.csrf}">`;
  const switchOff = (id: number, part: string | null, label: string) =>
    html`<form method="post" action="/review/admin/layouts/${id}/off" class="inline">${csrf}${
      part ? html`<input type="hidden" name="part" value="${part}">` : ''
    }<button type="submit">${label}</button></form>`;
  if (rows.length === 0) return html`<h2>${t.title}</h2><p class="empty">${t.none}</p>`;
  return html`<h2>${t.title}</h2>
${rows.map((r) => {
  const live = r.active && r.replaced_at === null;
  const parts = PARTS.map((part) => ({ part, holds: describePart(r.model, part) })).filter((x) => x.holds);
  return html`<section class="learned-layout" id="layout-${r.id}">
<h3>${r.customer_id} · ${t.layout} ${r.layout_key} · v${r.version}</h3>
<p>${t.learned} ${when(r.created_at, p.lang)} · ${r.created_by} · ${r.source}${
    r.document_id
      ? html` · ${t.from} <a href="/review/documents/${r.document_id}/original">#${r.document_id}</a>`
      : ''
  }${r.order_id ? html` · <a href="/review/orders/${r.order_id}">#${r.order_id}</a>` : ''}${
    r.replaced_at ? html` · ${t.replaced}` : !r.active ? html` · ${t.isOff}` : ''
  }</p>
<table class="queue"><thead><tr><th>${t.part}</th><th>${t.holds}</th><th></th></tr></thead>
<tbody>${parts.map(
    (x) =>
      html`<tr><td>${x.part}</td><td>${x.holds ?? ''}</td><td>${
        r.disabled.includes(x.part) ? t.isOff : live ? switchOff(r.id, x.part, t.off) : ''
      }</td></tr>`,
  )}</tbody></table>
${live ? switchOff(r.id, null, t.wholeOff) : ''}
</section>`;
})}`;
}
