/** Builds syntactically valid D96A ORDERS interchanges for tests and benchmarks. */

export interface GenLine {
  sku?: string;
  gtin?: string;
  buyerRef?: string;
  description?: string;
  quantity: number;
  unitPrice?: number;
}

export interface GenMessage {
  poNumber: string;
  orderDate?: string; // YYYYMMDD
  deliveryDate?: string;
  buyerGln: string;
  buyerName?: string;
  currency?: string;
  lines: GenLine[];
}

const esc = (s: string) => s.replace(/([?+:'])/g, '?$1');

export function ordersMessage(ref: string, m: GenMessage): string[] {
  const segs = [
    `UNH+${ref}+ORDERS:D:96A:UN:EAN008`,
    `BGM+220+${esc(m.poNumber)}+9`,
    `DTM+137:${m.orderDate ?? '20261120'}:102`,
  ];
  if (m.deliveryDate) segs.push(`DTM+2:${m.deliveryDate}:102`);
  segs.push(`NAD+BY+${m.buyerGln}::9${m.buyerName ? `++${esc(m.buyerName)}` : ''}`);
  segs.push(`NAD+SU+8400000000017::9`);
  segs.push(`CUX+2:${m.currency ?? 'EUR'}:9`);
  for (const [i, l] of m.lines.entries()) {
    segs.push(`LIN+${i + 1}++${l.gtin ?? ''}${l.gtin ? ':EN' : ''}`);
    if (l.sku) segs.push(`PIA+1+${esc(l.sku)}:SA`);
    if (l.buyerRef) segs.push(`PIA+1+${esc(l.buyerRef)}:IN`);
    if (l.description) segs.push(`IMD+F++:::${esc(l.description)}`);
    segs.push(`QTY+21:${l.quantity}`);
    if (l.unitPrice !== undefined) segs.push(`PRI+AAA:${l.unitPrice}`);
  }
  segs.push('UNS+S', `CNT+2:${m.lines.length}`);
  segs.push(`UNT+${segs.length + 1}+${ref}`);
  return segs;
}

/** One interchange (UNA, UNB ... UNZ) holding the given messages. */
export function interchange(
  messages: GenMessage[],
  opts: { sender?: string; controlRef?: string } = {},
): string {
  const ctrl = opts.controlRef ?? '1';
  const sender = opts.sender ?? messages[0]?.buyerGln ?? '8400000000017';
  const segs = [`UNB+UNOC:3+${sender}:14+8400000000017:14+261120:1000+${ctrl}`];
  for (const [i, m] of messages.entries()) segs.push(...ordersMessage(String(i + 1).padStart(4, '0'), m));
  segs.push(`UNZ+${messages.length}+${ctrl}`);
  return `UNA:+.? '${segs.map((s) => `${s}'`).join('\n')}\n`;
}
