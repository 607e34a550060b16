import { findingText } from '../domain/finding-texts.ts';
import type { Finding } from '../domain/findings.ts';
import type { FormValues } from './form.ts';
import { html, type SafeHtml } from '../web/html.ts';
import { customerState, type Lang, say, type Texts } from './i18n.ts';
import type { OrderSummary, OwnOrder, Receipt } from '../../connectors/http/orders.ts';
import type { FieldError } from '../formats/order-json/schema.ts';
import { dayIn } from '../sla/calendar.ts';

/** What every page needs: wording, and who is signed in (none on sign-in and error pages). */
export interface View {
  t: Texts;
  lang: Lang;
  session?: { customerName: string; csrf: string };
  /** Where dates and times are shown in (the business's, from the SLA calendar); default UTC. */
  timeZone?: string;
}

export function page(v: View, title: string, body: SafeHtml, head: SafeHtml = html``): string {
  return html`<!doctype html>
<html lang="${v.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · order-capture</title>
<link rel="stylesheet" href="/portal/assets/portal.css">
<script src="/portal/assets/portal.js" defer></script>
${head}
</head>
<body>
${v.session ? nav(v.t, v.session) : ''}
<main>
<h1>${title}</h1>
${body}
</main>
</body>
</html>
`.value;
}

function nav(t: Texts, s: NonNullable<View['session']>): SafeHtml {
  return html`<header>
<span class="who">${t.signedInAs}: <strong>${s.customerName}</strong></span>
<nav><a href="/portal">${t.newOrder}</a> <a href="/portal/orders">${t.myOrders}</a></nav>
<form method="post" action="/portal/logout" class="logout">
<input type="hidden" name="_csrf" value="${s.csrf}">
<button type="submit">${t.signOut}</button>
</form>
</header>`;
}

/** The field a canonical path names, in the form's own words. */
function fieldLabel(t: Texts, field: string): string {
  const line = /^lines\[(\d+)\](?:\.(\w+))?$/.exec(field);
  if (line) {
    const n = `${t.line} ${Number(line[1]) + 1}`;
    const part = line[2] === 'quantity' ? t.quantity : line[2] === 'sku' ? t.sku : null;
    return part ? `${n}, ${part}` : n;
  }
  const ship = /^shipTo\.(\w+)$/.exec(field)?.[1];
  if (ship) return `${t.shipTo}: ${(t as Record<string, string>)[ship] ?? ship}`;
  return (t as Record<string, string>)[field] ?? field;
}

/** The order form's content: values as typed, errors to show, the submission's idempotency key. */
export interface OrderFormModel {
  values: FormValues;
  errors: FieldError[];
  submissionId: string;
}

export function orderFormView(v: View, m: OrderFormModel): string {
  const { t } = v;
  const bad = new Set(m.errors.map((e) => e.field));
  const invalid = (field: string) => (bad.has(field) ? html` aria-invalid="true" class="invalid"` : html``);
  const ship = m.values.shipTo;
  const shipInput = (name: keyof FormValues['shipTo'], formName: string, max: number) =>
    html`<label>${t[name]} <input name="${formName}" maxlength="${max}" value="${ship[name]}"${invalid(`shipTo.${name}`)}></label>`;
  const body = html`${m.errors.length > 0 ? errorSummary(t, m.errors) : ''}
<form method="post" action="/portal/orders" id="order-form">
<input type="hidden" name="_csrf" value="${v.session?.csrf ?? ''}">
<input type="hidden" name="submissionId" value="${m.submissionId}">
<p><label>${t.poNumber} <input name="poNumber" required maxlength="200" value="${m.values.poNumber}"${invalid('poNumber')}></label></p>
<p><label>${t.deliveryDate} <input type="date" name="deliveryDate" value="${m.values.deliveryDate}"${invalid('deliveryDate')}></label></p>
<fieldset>
<legend>${t.lines}</legend>
<table id="lines">
<thead><tr><th>${t.sku}</th><th>${t.quantity}</th><th>${t.product}</th></tr></thead>
<tbody>
${m.values.lines.map(
  (l, i) => html`<tr class="line">
<td><input name="sku" list="products" autocomplete="off" maxlength="200" value="${l.sku}"${invalid(`lines[${i}].sku`)}${invalid(`lines[${i}]`)}></td>
<td><input name="quantity" inputmode="decimal" size="8" value="${l.quantity}"${invalid(`lines[${i}].quantity`)}></td>
<td class="info"></td>
</tr>`,
)}
</tbody>
</table>
<datalist id="products"></datalist>
<p class="js-only" hidden><button type="button" id="add-line" data-remove-label="${t.removeLine}">${t.addLine}</button></p>
</fieldset>
<fieldset>
<legend>${t.shipTo}</legend>
${shipInput('name', 'shipName', 200)} ${shipInput('street', 'shipStreet', 200)}
${shipInput('postalCode', 'shipPostalCode', 20)} ${shipInput('city', 'shipCity', 200)} ${shipInput('country', 'shipCountry', 60)}
</fieldset>
<p><label>${t.notes}<br><textarea name="notes" rows="3" cols="60" maxlength="2000"${invalid('notes')}>${m.values.notes}</textarea></label></p>
<p><button type="submit">${t.send}</button></p>
</form>`;
  return page(v, t.newOrder, body);
}

function errorSummary(t: Texts, errors: FieldError[]): SafeHtml {
  return html`<section class="errors" role="alert">
<p>${t.fixErrors}</p>
<ul>${errors.map((e) => html`<li>${fieldLabel(t, e.field)}: ${e.message}</li>`)}</ul>
</section>`;
}

function findingsList(t: Texts, findings: Finding[], lang: Lang): SafeHtml {
  if (findings.length === 0) return html``;
  return html`<p>${t.remarks}</p>
<ul class="findings">${findings.map(
    (f) =>
      html`<li class="${f.severity}">${say(t, 'finding_', f.code)} <span class="detail">${findingText(f, lang)}</span></li>`,
  )}</ul>`;
}

export function confirmationView(v: View, r: Receipt, poNumber: string | null): string {
  const { t } = v;
  const body = html`<p class="status status-${r.status}">${say(t, 'status_', r.status)}</p>
<dl>
<dt>${t.poNumber}</dt><dd>${poNumber ?? ''}</dd>
${r.id ? html`<dt>${t.order}</dt><dd><a href="/portal/orders/${r.id}">${r.id}</a></dd>` : ''}
</dl>
${findingsList(t, r.findings, v.lang)}
<p><a href="/portal">${t.newOrder}</a> · <a href="/portal/orders">${t.myOrders}</a></p>`;
  return page(v, t.order, body);
}

const day = (d: Date, timeZone = 'UTC') => dayIn(d, timeZone);
/** `YYYY-MM-DD HH:MM` in the time zone given (Swedish writes dates the ISO way). */
const minute = (d: Date, timeZone = 'UTC') =>
  new Intl.DateTimeFormat('sv-SE', { timeZone, dateStyle: 'short', timeStyle: 'short' }).format(d);

export function ordersView(
  v: View,
  orders: OrderSummary[],
  pending: Array<{ id: string; receivedAt: Date }>,
): string {
  const { t } = v;
  const rows = [
    ...pending.map(
      (p) =>
        html`<tr><td></td><td></td><td></td><td>${minute(p.receivedAt, v.timeZone)}</td><td class="state-received">${t.beingProcessed}</td><td></td><td></td><td></td></tr>`,
    ),
    ...orders.map((o) => {
      const state = customerState(o.status);
      return html`<tr><td>${o.id}</td><td>${o.poNumber ?? ''}</td><td>${say(t, 'channel_', o.channel)}</td>
<td>${minute(o.receivedAt, v.timeZone)}</td><td class="state-${state}">${say(t, 'state_', state)}</td>
<td>${o.confirmedAt ? minute(o.confirmedAt, v.timeZone) : ''}</td><td>${o.deliveryDate ?? ''}</td>
<td><a href="/portal/orders/${o.id}">${t.view}</a></td></tr>`;
    }),
  ];
  const body =
    rows.length === 0
      ? html`<p>${t.noOrders}</p>`
      : html`<table class="orders">
<thead><tr><th>${t.order}</th><th>${t.poNumber}</th><th>${t.via}</th><th>${t.received}</th><th>${t.status}</th><th>${t.confirmedOn}</th><th>${t.deliveryDate}</th><th></th></tr></thead>
<tbody>${rows}</tbody>
</table>`;
  return page(v, t.myOrders, body);
}

export function orderDetailView(v: View, o: OwnOrder): string {
  const { t } = v;
  const body = html`<p class="status status-${o.status}">${say(t, 'status_', o.status)}</p>
<dl>
<dt>${t.poNumber}</dt><dd>${o.order.poNumber ?? ''}</dd>
<dt>${t.deliveryDate}</dt><dd>${o.order.deliveryDate ?? ''}</dd>
<dt>${t.received}</dt><dd>${day(o.createdAt, v.timeZone)}</dd>
</dl>
<table class="order-lines">
<thead><tr><th>${t.line}</th><th>${t.sku}</th><th>${t.product}</th><th>${t.quantity}</th></tr></thead>
<tbody>${o.order.lines.map(
    (
      l,
    ) => html`<tr><td>${l.lineNo}</td><td>${l.sku ?? l.customerRef ?? l.gtin ?? ''}</td><td>${l.description ?? ''}</td>
<td>${l.quantity ?? ''} ${l.unit ?? ''}</td></tr>`,
  )}</tbody>
</table>
${findingsList(t, o.findings, v.lang)}
<p><a href="/portal/orders">${t.myOrders}</a></p>`;
  return page(v, `${t.order} ${o.id}`, body);
}

/** A page with one sentence and a way on: sign-in, errors, sign-out. */
export function messageView(
  v: View,
  title: string,
  text: string,
  link?: { href: string; label: string },
): string {
  return page(
    v,
    title,
    html`<p>${text}</p>${link ? html`<p><a href="${link.href}">${link.label}</a></p>` : ''}`,
  );
}

/** After `?token=`: a same-site step to the form, so the token leaves the address bar. */
export function signedInView(v: View): string {
  // A meta refresh, not a 303: browsers do not send a SameSite=Strict cookie on a redirect that
  // follows a cross-site click (the link in an e-mail), but do on this same-site navigation.
  return page(
    v,
    v.t.signedIn,
    html`<p><a href="/portal">${v.t.continue}</a></p>`,
    html`<meta http-equiv="refresh" content="0; url=/portal">`,
  );
}

/**
 * `/portal?token=` while this browser is signed in for another customer: a link from anywhere
 * must not switch accounts silently. The switch is a same-site form post carrying the link's token.
 */
export function switchAccountView(v: View, customerName: string, token: string): string {
  return page(
    v,
    v.t.switchTitle,
    html`<p>${v.t.switchText.replace('{name}', customerName)}</p>
<form method="post" action="/portal/switch">
<input type="hidden" name="token" value="${token}">
<button type="submit">${v.t.switchButton.replace('{name}', customerName)}</button>
</form>
<p><a href="/portal">${v.t.stay}</a></p>`,
  );
}
