/**
 * What a confirmation says: an e-mail in the customer's language (Spanish or English) with the
 * customer's own PO number, the lines with confirmed quantities and prices and the delivery
 * date; or an EDIFACT ORDRSP D.96A (EANCOM) for customers who order by EDI.
 */
import { html } from '../web/html.ts';
import type { CanonicalOrder } from '../domain/order.ts';

export type Language = 'es' | 'en';

/** What rendering needs to know besides the order. */
export interface ConfirmationFacts {
  orderId: number;
  order: CanonicalOrder;
  language: Language;
  /** Our name, signing the e-mail. */
  supplierName: string;
  /** Set when the order was rejected: the reply says so, with this reason, instead of confirming. */
  rejection?: string | null;
}

/** The customer's language: as master data says, else Spanish for Spanish tax ids, else English. */
export function languageOf(customer: { language: string | null; tax_id: string | null }): Language {
  if (customer.language === 'es' || customer.language === 'en') return customer.language;
  return customer.tax_id?.toUpperCase().startsWith('ES') ? 'es' : 'en';
}

const TEXT = {
  es: {
    subject: (po: string) => `Confirmación de su pedido ${po}`,
    greeting: 'Estimados señores:',
    confirm: (po: string, date: string) => `Confirmamos su pedido ${po}${date ? ` del ${date}` : ''}.`,
    reference: (id: string) => `Nuestra referencia: ${id}.`,
    delivery: (d: string) => `Fecha de entrega: ${d}.`,
    columns: ['Artículo', 'Su ref.', 'Descripción', 'Cantidad', 'Precio', 'Importe'],
    total: 'Total',
    closing: 'Atentamente,',
    rejectedSubject: (po: string) => `Su pedido ${po} no se ha podido procesar`,
    rejected: (po: string, date: string) =>
      `Lamentamos comunicarles que no hemos podido procesar su pedido ${po}${date ? ` del ${date}` : ''}.`,
    reason: (r: string) => `Motivo: ${r}`,
    resend: 'Les rogamos que nos envíen un pedido corregido o que se pongan en contacto con nosotros.',
  },
  en: {
    subject: (po: string) => `Confirmation of your order ${po}`,
    greeting: 'Dear customer,',
    confirm: (po: string, date: string) => `We confirm your order ${po}${date ? ` of ${date}` : ''}.`,
    reference: (id: string) => `Our reference: ${id}.`,
    delivery: (d: string) => `Delivery date: ${d}.`,
    columns: ['Article', 'Your ref.', 'Description', 'Quantity', 'Price', 'Amount'],
    total: 'Total',
    closing: 'Kind regards,',
    rejectedSubject: (po: string) => `Your order ${po} could not be processed`,
    rejected: (po: string, date: string) =>
      `We regret that we could not process your order ${po}${date ? ` of ${date}` : ''}.`,
    reason: (r: string) => `Reason: ${r}`,
    resend: 'Please send us a corrected order or get in touch with us.',
  },
} as const;

function formats(language: Language) {
  const locale = language === 'es' ? 'es-ES' : 'en-GB';
  const money = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 4 });
  const qty = new Intl.NumberFormat(locale, { maximumFractionDigits: 3 });
  // Day first in both languages: these customers are in Spain and the UK.
  const date = (iso: string | null) => {
    if (!iso) return '';
    const [y, m, d] = iso.split('-');
    return `${d}/${m}/${y}`;
  };
  return {
    money: (n: number | null) => (n === null ? '' : money.format(n)),
    qty: (n: number | null) => (n === null ? '' : qty.format(n)),
    date,
  };
}

export function ourReference(orderId: number): string {
  return `OC${orderId}`;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export function renderEmail(f: ConfirmationFacts): RenderedEmail {
  const t = TEXT[f.language];
  const fmt = formats(f.language);
  const o = f.order;
  const po = o.poNumber ?? ourReference(f.orderId);
  if (f.rejection != null) {
    const paragraphs = [
      t.rejected(po, fmt.date(o.orderDate)),
      ...(f.rejection ? [t.reason(f.rejection)] : []),
      t.resend,
      t.reference(ourReference(f.orderId)),
    ];
    const text = [t.greeting, '', ...paragraphs, '', t.closing, f.supplierName, ''].join('\n');
    const body = html`<!doctype html><html lang="${f.language}"><body>
<p>${t.greeting}</p>
${paragraphs.map((p) => html`<p>${p}</p>`)}
<p>${t.closing}<br>${f.supplierName}</p>
</body></html>`;
    return { subject: t.rejectedSubject(po), text, html: body.value };
  }
  const rows = o.lines.map((l) => [
    l.sku ?? '',
    l.customerRef ?? '',
    l.description ?? '',
    `${fmt.qty(l.quantity)}${l.unit ? ` ${l.unit}` : ''}`,
    fmt.money(l.unitPrice),
    fmt.money(l.amount ?? (l.quantity !== null && l.unitPrice !== null ? l.quantity * l.unitPrice : null)),
  ]);
  const totalText = o.total !== null ? `${t.total}: ${fmt.money(o.total)} ${o.currency ?? ''}`.trim() : '';
  const intro = [
    t.greeting,
    '',
    t.confirm(po, fmt.date(o.orderDate)),
    t.reference(ourReference(f.orderId)),
    ...(o.deliveryDate ? [t.delivery(fmt.date(o.deliveryDate))] : []),
  ];
  const widths = t.columns.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i >= 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const text = [
    ...intro,
    '',
    line(t.columns),
    ...rows.map(line),
    ...(totalText ? ['', totalText] : []),
    '',
    t.closing,
    f.supplierName,
    '',
  ].join('\n');
  const body = html`<!doctype html><html lang="${f.language}"><body>
${intro.filter(Boolean).map((p) => html`<p>${p}</p>`)}
<table border="1" cellpadding="4" cellspacing="0">
<tr>${t.columns.map((c) => html`<th>${c}</th>`)}</tr>
${rows.map((r) => html`<tr>${r.map((c, i) => (i >= 3 ? html`<td align="right">${c}</td>` : html`<td>${c}</td>`))}</tr>`)}
</table>
${totalText ? html`<p><b>${totalText}</b></p>` : ''}
<p>${t.closing}<br>${f.supplierName}</p>
</body></html>`;
  return { subject: t.subject(po), text, html: body.value };
}

/** EDIFACT release: `?` before each service character in a value. */
function edi(value: string): string {
  return value.replace(/([?'+:])/g, '?$1');
}

/** C108 free text: one line, up to five components of 70 characters, each escaped. */
function freeText(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const parts: string[] = [];
  for (let i = 0; i < flat.length && parts.length < 5; i += 70) parts.push(edi(flat.slice(i, i + 70)));
  return parts.join(':');
}

export interface OrdrspParties {
  /** Our interchange id (GLN when 13 digits). */
  sender: string;
  /** The customer's interchange id. */
  recipient: string;
  /** The customer's GLN for NAD+BY, when known. */
  buyerGln: string | null;
  now: Date;
}

/**
 * An ORDRSP D.96A (EAN005) accepting the order as it stands (BGM 1225 = 29, accepted without
 * amendment), line by line, with the PO number in RFF+ON; or, for a rejected order, not accepting
 * it (BGM 1225 = 27) with the reason in FTX+ACD and no lines. One message per interchange.
 */
export function renderOrdrsp(f: ConfirmationFacts, p: OrdrspParties): string {
  const o = f.order;
  const ref = ourReference(f.orderId);
  const qual = (id: string) => (/^\d{13}$/.test(id) ? '14' : 'ZZZ');
  const iso = p.now.toISOString();
  const yymmdd = iso.slice(2, 10).replace(/-/g, '');
  const hhmm = iso.slice(11, 16).replace(':', '');
  const body: string[] = [
    'UNH+1+ORDRSP:D:96A:UN:EAN005',
    `BGM+231+${edi(ref)}+${f.rejection != null ? '27' : '29'}`,
    `DTM+137:${iso.slice(0, 10).replace(/-/g, '')}:102`,
    ...(o.poNumber ? [`RFF+ON:${edi(o.poNumber)}`] : []),
    ...(o.deliveryDate ? [`DTM+2:${o.deliveryDate.replace(/-/g, '')}:102`] : []),
    ...(p.buyerGln ? [`NAD+BY+${edi(p.buyerGln)}::9`] : []),
    `NAD+SU+${edi(p.sender)}::${qual(p.sender) === '14' ? '9' : 'ZZZ'}`,
  ];
  if (f.rejection) body.splice(3, 0, `FTX+ACD+++${freeText(f.rejection)}`);
  const lines = f.rejection != null ? [] : o.lines;
  lines.forEach((l, i) => {
    const gtin = l.gtin?.replace(/^0(?=\d{13}$)/, '') ?? null;
    body.push(gtin ? `LIN+${i + 1}++${edi(gtin)}:SRS` : `LIN+${i + 1}`);
    if (l.sku) body.push(`PIA+5+${edi(l.sku)}:SA`);
    if (l.customerRef) body.push(`PIA+5+${edi(l.customerRef)}:IN`);
    if (l.quantity !== null) body.push(`QTY+21:${l.quantity}`);
    if (l.unitPrice !== null) body.push(`PRI+AAA:${l.unitPrice}`);
  });
  body.push('UNS+S');
  body.push(`UNT+${body.length + 1}+1`);
  return [
    "UNA:+.? '",
    `UNB+UNOC:3+${edi(p.sender)}:${qual(p.sender)}+${edi(p.recipient)}:${qual(p.recipient)}+${yymmdd}:${hhmm}+${edi(ref)}`,
    ...body,
    `UNZ+1+${edi(ref)}`,
  ]
    .map((s) => (s.startsWith('UNA') ? s : `${s}'`))
    .join('\n')
    .concat('\n');
}
