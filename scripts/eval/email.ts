/**
 * An order as an e-mail body (.eml): an ERP's plain-text export (label lines and a fixed-width
 * table), a buyer's list, or prose, in the family's language, number and date formats.
 */
import { formatDate, formatMoney, formatNumber, formatQuantity } from './format.ts';
import { cellText } from './page.ts';
import type { GeneratedOrder } from './content.ts';
import { WORDS } from './words.ts';

const PROSE: Record<string, { intro: string; item: string; price: string; delivery: string; tbd: string }> = {
  es: {
    intro: 'os paso pedido {po} con fecha {date}:',
    item: '{q} uds. de {code} ({d})',
    price: 'a {p}',
    delivery: 'Entrega el {dd}.',
    tbd: 'Fecha de entrega a convenir.',
  },
  en: {
    intro: 'please find our order {po} dated {date}:',
    item: '{q} x {code} ({d})',
    price: 'at {p}',
    delivery: 'Please deliver by {dd}.',
    tbd: 'Delivery date to be agreed.',
  },
  fr: {
    intro: 'veuillez trouver notre commande {po} du {date} :',
    item: '{q} x {code} ({d})',
    price: 'à {p}',
    delivery: 'Livraison le {dd}.',
    tbd: 'Date de livraison à convenir.',
  },
  de: {
    intro: 'hiermit bestellen wir mit Bestellung {po} vom {date}:',
    item: '{q} x {code} ({d})',
    price: 'zu {p}',
    delivery: 'Liefertermin: {dd}.',
    tbd: 'Liefertermin nach Vereinbarung.',
  },
  it: {
    intro: 'vi inviamo il nostro ordine {po} del {date}:',
    item: '{q} pz {code} ({d})',
    price: 'a {p}',
    delivery: 'Consegna entro il {dd}.',
    tbd: 'Data di consegna da concordare.',
  },
  pt: {
    intro: 'segue a nossa encomenda {po} de {date}:',
    item: '{q} un. {code} ({d})',
    price: 'a {p}',
    delivery: 'Entrega a {dd}.',
    tbd: 'Data de entrega a combinar.',
  },
};

export function emailBody(g: GeneratedOrder): string {
  const f = g.family;
  const w = WORDS[f.lang];
  const lines: string[] = [w.greeting, ''];
  const date = formatDate(g.orderDate, f);
  const delivery = g.deliveryDate ? formatDate(g.deliveryDate, f) : w.tbd;
  const priced = f.pricing !== 'none';
  const codeKey = f.columns.find((c) => c.key === 'sku' || c.key === 'custRef' || c.key === 'ean')!.key;
  // An invoice or a quotation comes as the ERP's export, under its own title and number label.
  const title =
    g.docType === 'invoice' ? w.invoice[0]! : g.docType === 'quotation' ? w.quotation[0]! : f.title;
  const poLabel =
    g.docType === 'invoice' ? w.invoice[1]! : g.docType === 'quotation' ? w.quotation[1]! : f.labels.po;
  if (f.email === 'prose' && g.docType === 'order') {
    const p = PROSE[f.lang]!;
    lines.push(p.intro.replace('{po}', g.po).replace('{date}', date), '');
    g.lines.forEach((l, i) => {
      const price = priced
        ? ` ${p.price.replace('{p}', formatMoney(f.pricing === 'per100' ? l.net : l.printedPrice, f))}`
        : '';
      const disc = priced && l.discount ? ` -${l.discount}%` : '';
      lines.push(
        `- ${p.item
          .replace('{q}', formatQuantity(l.quantity, f))
          .replace('{code}', cellText(g, i, codeKey))
          .replace('{d}', l.description)}${price}${disc}`,
      );
    });
    lines.push('', g.deliveryDate ? p.delivery.replace('{dd}', delivery) : p.tbd);
    if (priced) lines.push(`${f.labels.total}: ${formatMoney(g.net, f)}`);
  } else {
    lines.push(
      title,
      `${poLabel}: ${g.po}`,
      `${f.labels.date}: ${date}`,
      `${f.labels.delivery}: ${delivery}`,
      '',
    );
    if (f.email === 'list') {
      g.lines.forEach((l, i) => {
        const price = priced
          ? `  ${formatMoney(f.pricing === 'per100' ? l.net : l.printedPrice, f)}${l.discount ? ` -${l.discount}%` : ''} = ${formatNumber(l.amount, f.numberFormat)}`
          : '';
        lines.push(
          `${i + 1}. ${cellText(g, i, codeKey)}  ${l.description}  ${formatQuantity(l.quantity, f)} ${f.unitWord}${price}`,
        );
      });
    } else {
      const cols = f.columns.filter((c) => c.key !== 'pos');
      const widths = cols.map(
        (c) => Math.max(c.title.length, ...g.lines.map((_, i) => cellText(g, i, c.key).length)) + 2,
      );
      const row = (cells: string[]) =>
        cells
          .map((t, k) =>
            ['description', 'sku', 'custRef', 'ean', 'unit'].includes(cols[k]!.key)
              ? t.padEnd(widths[k]!)
              : t.padStart(widths[k]!),
          )
          .join(' ')
          .trimEnd();
      lines.push(row(cols.map((c) => c.title)));
      lines.push('-'.repeat(widths.reduce((s, x) => s + x + 1, 0)));
      for (let i = 0; i < g.lines.length; i++) lines.push(row(cols.map((c) => cellText(g, i, c.key))));
      lines.push('');
    }
    if (priced) {
      if (f.vat) {
        lines.push(
          `${f.vat.labels[0]}: ${formatMoney(g.net, f)}`,
          `${f.vat.labels[1]}: ${formatMoney(g.tax, f)}`,
          `${f.vat.labels[2]}: ${formatMoney(g.gross, f)}`,
        );
      } else lines.push(`${f.labels.total}: ${formatMoney(g.net, f)}`);
    }
  }
  lines.push(
    '',
    w.closing,
    f.customer.name,
    `${f.labels.tax}: ${f.customer.taxPrinted}`,
    `Fax: ${f.customer.faxPrinted}`,
  );
  return lines.join('\n');
}

/** An RFC 5322 message from the customer's buyer; `attachment` adds a PDF part. */
export function eml(g: GeneratedOrder, body: string, n: number, attachment?: Buffer): string {
  const f = g.family;
  const w = WORDS[f.lang];
  const title =
    g.docType === 'invoice' ? w.invoice[0]! : g.docType === 'quotation' ? w.quotation[0]! : f.title;
  const subject = `${title} ${g.po}`;
  const head = [
    `From: "${f.customer.name}" <${f.customer.email}>`,
    'To: pedidos@tornilleria-norte.example',
    `Subject: =?UTF-8?B?${Buffer.from(subject).toString('base64')}?=`,
    `Date: ${new Date(`${g.orderDate}T09:${String(10 + (n % 50)).padStart(2, '0')}:00Z`).toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${f.id}.${n}.${g.po.replace(/\W/g, '')}@${f.customer.domain}>`,
    'MIME-Version: 1.0',
  ];
  const text = Buffer.from(body, 'utf8').toString('base64').replace(/.{76}/g, '$&\r\n');
  if (!attachment) {
    return [
      ...head,
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      text,
      '',
    ].join('\r\n');
  }
  const b = `b-${f.id}-${n}`;
  return [
    ...head,
    `Content-Type: multipart/mixed; boundary="${b}"`,
    '',
    `--${b}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    text,
    `--${b}`,
    `Content-Type: application/pdf; name="${g.po.replace(/\W/g, '_')}.pdf"`,
    'Content-Disposition: attachment',
    'Content-Transfer-Encoding: base64',
    '',
    attachment.toString('base64').replace(/.{76}/g, '$&\r\n'),
    `--${b}--`,
    '',
  ].join('\r\n');
}
