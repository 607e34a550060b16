/**
 * Findings told in the reader's language. A finding carries its code and, from the callers that
 * give them, its values (`params`, with `t` naming the sentence); each language has a sentence
 * per `t`, with numbers, amounts and dates written the reader's way (Intl). A finding without
 * params (older rows, readers not yet converted) is told by its stored English `message`.
 */
import type { Finding, FindingParams } from './findings.ts';

export type TextLang = 'es' | 'en';

type P = FindingParams;
type V = P[string] | undefined;

interface Fmt {
  /** A quantity or price as written in the language: 1.234,5 / 1,234.5. */
  n(v: V): string;
  /** An amount with two decimals. */
  m(v: V): string;
  /** A ratio as a percentage. */
  pct(v: V): string;
  /** An ISO date (`YYYY-MM-DD`) or timestamp as a date. */
  d(v: V): string;
  /** A field path (`lines[0].unitPrice`) as words. */
  f(v: V): string;
  /** A document/order status. */
  s(v: V): string;
}

type Sentences = Record<string, (p: P, x: Fmt) => string>;

const lineOf = (p: P, word: string) => `${word} ${p.line}${p.sku ? ` (${p.sku})` : ''}`;

const en: Sentences = {
  'unknown_sku.none': (p) =>
    `Line ${p.line} gives no article number, customer reference or GTIN${p.description ? ` (description "${p.description}")` : ''}`,
  'unknown_sku.written': (p) => {
    const written = [
      p.sku ? `article ${p.sku}` : '',
      p.ref ? `customer reference ${p.ref}` : '',
      p.gtin ? `GTIN ${p.gtin}` : '',
    ].filter(Boolean);
    const tail = p.dangling
      ? `; the cross-reference points to SKU ${p.dangling}, which is not in the catalog`
      : p.customerKnown
        ? ''
        : '; cross-references not checked, customer unknown';
    return `Line ${p.line}: no product matches ${written.join(', ')}${tail}`;
  },
  'low_confidence.slip': (p, x) =>
    `${x.f(p.field)} read as "${p.read}" matches no article; taken as "${p.code}", the only known code one OCR slip away`,
  'low_confidence.nearest': (p, x) =>
    `${x.f(p.field)} read as "${p.read}" matches no article; taken as "${p.code}" (${p.sku}), the nearest of the customer's articles, which the line's ${String(
      p.witnesses ?? '',
    )
      .split(',')
      .map((w) => (w === 'price' ? 'unit price' : w))
      .join(' and ')} also name`,
  'low_confidence.mended': (p, x) =>
    `${x.f(p.field)} read as ${x.n(p.read)} fits neither the article nor the line; taken as ${x.n(p.value)}: ${
      p.why === 'pack'
        ? `the nearest multiple of ${p.sku}'s pack`
        : p.why === 'total'
          ? `the price of ${p.sku}, and the lines then add up to the total`
          : p.why === 'unitPrice'
            ? `the price of ${p.sku}, and quantity x price = amount`
            : p.why === 'quantity'
              ? `amount / the price of ${p.sku}`
              : `quantity x the price of ${p.sku}`
    }`,
  'low_confidence.unitByPrice': (p, x) =>
    `${x.f(p.field)} read as "${p.read}"; taken as ${p.unit}, the unit of ${p.sku}, whose price the line has`,
  'low_confidence.customerSlip': (p) => `Customer ${p.customer} proposed: ${p.doubt}`,
  'low_confidence.gtinConflict': (p) =>
    `Line ${p.line}: article ${p.sku} and GTIN ${p.gtin} (${p.other}) name different products; check which one the customer meant`,
  'low_confidence.badGtin': (p) =>
    `Line ${p.line}: GTIN ${p.gtin} ${p.expected ? `has a wrong check digit (${p.expected} would be valid)` : 'is not a GTIN (8, 12, 13 or 14 digits)'}; it was not used to find the article`,
  'low_confidence.poShape': (p) =>
    `poNumber read as "${p.read}", taken as "${p.value}", the shape of the customer's earlier PO numbers`,
  'low_confidence.poByShape': (p) =>
    `poNumber found without a label: "${p.value}" is the one code on the page of the shape of the customer's earlier PO numbers`,
  'low_confidence.threshold': (p, x) =>
    `Extraction confidence ${x.n(p.confidence)} is under the threshold ${x.n(p.threshold)}.`,
  'low_confidence.pages': (p) => `Only the first ${p.read} of ${p.total} pages were read.`,
  'missing_field.po': () => 'The order has no PO number',
  'missing_field.lines': () => 'The order has no lines',
  'missing_field.quantity': (p) => `Line ${p.line}${p.what ? ` (${p.what})` : ''} has no quantity`,
  'total_mismatch.line': (p, x) =>
    `Line ${p.line}: amount ${x.m(p.amount)} is not quantity ${x.n(p.quantity)} x unit price ${x.n(p.unitPrice)} = ${x.m(p.expected)}`,
  'total_mismatch.order': (p, x) =>
    `Order total ${x.m(p.total)} does not match the sum of the lines ${x.m(p.sum)}`,
  'duplicate_order.sameDocument': (p) =>
    `PO ${p.po} of customer ${p.customer} appears earlier in this same document`,
  'duplicate_order.received': (p, x) =>
    `PO ${p.po} of customer ${p.customer} was already received on ${x.d(p.date)} as order ${p.order} (status ${x.s(p.status)})`,
  'duplicate_order.history': (p, x) =>
    `PO ${p.po} of customer ${p.customer} is already in the order history (ordered ${x.d(p.date)})`,
  'duplicate_order.order': (p) =>
    `PO ${p.po} of customer ${p.customer} was already received (order ${p.order}).`,
  credit_limit_exceeded: (p, x) =>
    `Credit limit ${x.m(p.limit)}${p.currency ? ` ${p.currency}` : ''} of customer ${p.customer} would be exceeded: ${x.m(p.open)} in ${p.openCount} open order${p.openCount === 1 ? '' : 's'} of the last 30 days + this order ${x.m(p.value)} = ${x.m(p.exposure)}`,
  'quantity_anomaly.unit': (p) =>
    `${lineOf(p, 'Line')}: unit ${p.unit} differs from the catalog unit ${p.catalogUnit}; quantity and price were not checked`,
  'quantity_anomaly.notPositive': (p, x) =>
    `${lineOf(p, 'Line')}: quantity ${x.n(p.quantity)} must be greater than 0`,
  'quantity_anomaly.notWhole': (p, x) =>
    `${lineOf(p, 'Line')}: quantity ${x.n(p.quantity)} is not a whole number of ${p.unit}`,
  'quantity_anomaly.belowMin': (p, x) =>
    `${lineOf(p, 'Line')}: quantity ${x.n(p.quantity)} is below the minimum order quantity ${x.n(p.min)}`,
  'quantity_anomaly.pack': (p, x) =>
    `${lineOf(p, 'Line')}: quantity ${x.n(p.quantity)} is not a multiple of the pack size ${x.n(p.pack)}`,
  'quantity_anomaly.history': (p, x) =>
    `${lineOf(p, 'Line')}: quantity ${x.n(p.quantity)} is ${p.high ? `more than ${x.n(p.factor)} times` : `less than 1/${x.n(p.factor)} of`} this customer's median of ${x.n(p.median)} over ${p.orders} past orders`,
  'price_mismatch.currency': (p, x) =>
    `${lineOf(p, 'Line')}: unit price ${x.n(p.price)} ${p.currency} cannot be compared with ${p.own ? "the customer's price" : 'the list price'} ${x.n(p.reference)} ${p.refCurrency}`,
  'price_mismatch.differs': (p, x) =>
    `${lineOf(p, 'Line')}: unit price ${x.n(p.price)} differs from ${p.own ? "the customer's price" : 'the list price'} ${x.n(p.reference)}${p.diff !== null ? ` by ${x.pct(p.diff)}` : ''} (tolerance ${x.pct(p.tolerance)})`,
  customer_mismatch: (p) =>
    `The order is for customer ${p.customer}, but it was sent with the access token of customer ${p.sentBy}.`,
  'unknown_customer.channel': (p) =>
    `The channel authenticated customer ${p.customer}, which is not in master data`,
  'unknown_customer.nothing': () =>
    'No customer could be identified: the order gives no sender, EDI id, tax id or customer name',
  'unknown_customer.noMatch': () =>
    'No customer in master data matches the sender, EDI id, tax id or customer name the order gives',
  unreadable_document: (p) => `The document cannot be read: ${p.reason}`,
};

const es: Sentences = {
  'unknown_sku.none': (p) =>
    `La línea ${p.line} no da número de artículo, referencia del cliente ni GTIN${p.description ? ` (descripción «${p.description}»)` : ''}`,
  'unknown_sku.written': (p) => {
    const written = [
      p.sku ? `el artículo ${p.sku}` : '',
      p.ref ? `la referencia del cliente ${p.ref}` : '',
      p.gtin ? `el GTIN ${p.gtin}` : '',
    ].filter(Boolean);
    const tail = p.dangling
      ? `; la referencia cruzada apunta al artículo ${p.dangling}, que no está en el catálogo`
      : p.customerKnown
        ? ''
        : '; referencias cruzadas sin comprobar, cliente desconocido';
    return `Línea ${p.line}: ningún producto coincide con ${written.join(', ')}${tail}`;
  },
  'low_confidence.slip': (p, x) =>
    `${x.f(p.field)} se leyó como «${p.read}», que no es ningún artículo; se tomó «${p.code}», el único código conocido a un error de OCR`,
  'low_confidence.nearest': (p, x) =>
    `${x.f(p.field)} se leyó como «${p.read}», que no es ningún artículo; se tomó «${p.code}» (${p.sku}), el más cercano de los artículos del cliente, que ${String(
      p.witnesses ?? '',
    )
      .split(',')
      .map((w) => (w === 'price' ? 'el precio unitario' : 'la descripción'))
      .join(' y ')} de la línea también nombra${String(p.witnesses ?? '').includes(',') ? 'n' : ''}`,
  'low_confidence.mended': (p, x) =>
    `${x.f(p.field)} se leyó como ${x.n(p.read)}, que no cuadra ni con el artículo ni con la línea; se tomó ${x.n(p.value)}: ${
      p.why === 'pack'
        ? `el múltiplo más cercano del envase de ${p.sku}`
        : p.why === 'total'
          ? `el precio de ${p.sku}, y así las líneas suman el total`
          : p.why === 'unitPrice'
            ? `el precio de ${p.sku}, y cantidad x precio = importe`
            : p.why === 'quantity'
              ? `importe / el precio de ${p.sku}`
              : `cantidad x el precio de ${p.sku}`
    }`,
  'low_confidence.unitByPrice': (p, x) =>
    `${x.f(p.field)} se leyó como «${p.read}»; se tomó ${p.unit}, la unidad de ${p.sku}, cuyo precio tiene la línea`,
  'low_confidence.customerSlip': (p) => `Cliente ${p.customer} propuesto: ${p.doubt}`,
  'low_confidence.gtinConflict': (p) =>
    `Línea ${p.line}: el artículo ${p.sku} y el GTIN ${p.gtin} (${p.other}) son productos distintos; compruebe cuál quería el cliente`,
  'low_confidence.badGtin': (p) =>
    `Línea ${p.line}: el GTIN ${p.gtin} ${p.expected ? `tiene un dígito de control erróneo (${p.expected} sería válido)` : 'no es un GTIN (8, 12, 13 o 14 cifras)'}; no se usó para buscar el artículo`,
  'low_confidence.poShape': (p) =>
    `El número de pedido se leyó como «${p.read}»; se tomó «${p.value}», la forma de los pedidos anteriores del cliente`,
  'low_confidence.poByShape': (p) =>
    `Número de pedido hallado sin etiqueta: «${p.value}» es el único código de la página con la forma de los pedidos anteriores del cliente`,
  'low_confidence.threshold': (p, x) =>
    `La confianza de la lectura, ${x.n(p.confidence)}, está por debajo del umbral ${x.n(p.threshold)}.`,
  'low_confidence.pages': (p) => `Solo se leyeron las primeras ${p.read} de ${p.total} páginas.`,
  'missing_field.po': () => 'El pedido no tiene número de pedido',
  'missing_field.lines': () => 'El pedido no tiene líneas',
  'missing_field.quantity': (p) => `La línea ${p.line}${p.what ? ` (${p.what})` : ''} no tiene cantidad`,
  'total_mismatch.line': (p, x) =>
    `Línea ${p.line}: el importe ${x.m(p.amount)} no es cantidad ${x.n(p.quantity)} × precio ${x.n(p.unitPrice)} = ${x.m(p.expected)}`,
  'total_mismatch.order': (p, x) =>
    `El total del pedido, ${x.m(p.total)}, no coincide con la suma de las líneas, ${x.m(p.sum)}`,
  'duplicate_order.sameDocument': (p) =>
    `El pedido ${p.po} del cliente ${p.customer} aparece antes en este mismo documento`,
  'duplicate_order.received': (p, x) =>
    `El pedido ${p.po} del cliente ${p.customer} ya se recibió el ${x.d(p.date)} como pedido ${p.order} (estado: ${x.s(p.status)})`,
  'duplicate_order.history': (p, x) =>
    `El pedido ${p.po} del cliente ${p.customer} ya está en el historial de pedidos (pedido el ${x.d(p.date)})`,
  'duplicate_order.order': (p) =>
    `El pedido ${p.po} del cliente ${p.customer} ya se recibió (pedido ${p.order}).`,
  credit_limit_exceeded: (p, x) =>
    `Se superaría el límite de crédito de ${x.m(p.limit)}${p.currency ? ` ${p.currency}` : ''} del cliente ${p.customer}: ${x.m(p.open)} en ${p.openCount} pedido(s) abierto(s) de los últimos 30 días + este pedido ${x.m(p.value)} = ${x.m(p.exposure)}`,
  'quantity_anomaly.unit': (p) =>
    `${lineOf(p, 'Línea')}: la unidad ${p.unit} no es la del catálogo, ${p.catalogUnit}; no se comprobaron cantidad ni precio`,
  'quantity_anomaly.notPositive': (p, x) =>
    `${lineOf(p, 'Línea')}: la cantidad ${x.n(p.quantity)} debe ser mayor que 0`,
  'quantity_anomaly.notWhole': (p, x) =>
    `${lineOf(p, 'Línea')}: la cantidad ${x.n(p.quantity)} no es un número entero de ${p.unit}`,
  'quantity_anomaly.belowMin': (p, x) =>
    `${lineOf(p, 'Línea')}: la cantidad ${x.n(p.quantity)} está por debajo del pedido mínimo de ${x.n(p.min)}`,
  'quantity_anomaly.pack': (p, x) =>
    `${lineOf(p, 'Línea')}: la cantidad ${x.n(p.quantity)} no es múltiplo del embalaje de ${x.n(p.pack)}`,
  'quantity_anomaly.history': (p, x) =>
    `${lineOf(p, 'Línea')}: la cantidad ${x.n(p.quantity)} es ${p.high ? `más de ${x.n(p.factor)} veces` : `menos de 1/${x.n(p.factor)} de`} la mediana de este cliente, ${x.n(p.median)}, en ${p.orders} pedidos anteriores`,
  'price_mismatch.currency': (p, x) =>
    `${lineOf(p, 'Línea')}: el precio ${x.n(p.price)} ${p.currency} no se puede comparar con ${p.own ? 'el precio del cliente' : 'el precio de tarifa'} ${x.n(p.reference)} ${p.refCurrency}`,
  'price_mismatch.differs': (p, x) =>
    `${lineOf(p, 'Línea')}: el precio ${x.n(p.price)} difiere ${p.diff !== null ? `un ${x.pct(p.diff)} ` : ''}${p.own ? 'del precio del cliente' : 'del precio de tarifa'}, ${x.n(p.reference)} (tolerancia ${x.pct(p.tolerance)})`,
  customer_mismatch: (p) =>
    `El pedido es para el cliente ${p.customer}, pero se envió con el código de acceso del cliente ${p.sentBy}.`,
  'unknown_customer.channel': (p) =>
    `El canal identificó al cliente ${p.customer}, que no está en los datos maestros`,
  'unknown_customer.nothing': () =>
    'No se pudo identificar al cliente: el pedido no da remitente, identificador EDI, NIF ni nombre de cliente',
  'unknown_customer.noMatch': () =>
    'Ningún cliente de los datos maestros coincide con el remitente, el identificador EDI, el NIF o el nombre del pedido',
  unreadable_document: (p) => `No se puede leer el documento: ${p.reason}`,
};

const SENTENCES: Record<TextLang, Sentences> = { en, es };

const CODES: Record<TextLang, Record<string, string>> = {
  en: {
    unknown_customer: 'unknown customer',
    unknown_sku: 'unknown article',
    price_mismatch: 'price differs',
    quantity_anomaly: 'unusual quantity',
    duplicate_order: 'duplicate order',
    total_mismatch: 'totals do not add up',
    missing_field: 'missing field',
    low_confidence: 'uncertain reading',
    credit_limit_exceeded: 'credit limit exceeded',
    unreadable_document: 'unreadable document',
    invalid_edifact: 'invalid EDIFACT',
    not_an_order: 'not an order',
    invalid_message: 'invalid message',
    unverified_signature: 'unverified signature',
    customer_mismatch: 'another customer',
  },
  es: {
    unknown_customer: 'cliente desconocido',
    unknown_sku: 'artículo desconocido',
    price_mismatch: 'precio distinto',
    quantity_anomaly: 'cantidad inusual',
    duplicate_order: 'pedido duplicado',
    total_mismatch: 'los totales no cuadran',
    missing_field: 'falta un dato',
    low_confidence: 'lectura dudosa',
    credit_limit_exceeded: 'límite de crédito superado',
    unreadable_document: 'documento ilegible',
    invalid_edifact: 'EDIFACT no válido',
    not_an_order: 'no es un pedido',
    invalid_message: 'mensaje no válido',
    unverified_signature: 'firma no verificada',
    customer_mismatch: 'otro cliente',
  },
};

const FIELDS: Record<TextLang, Record<string, string>> = {
  en: {
    'customer.id': 'customer',
    'customer.name': 'customer name',
    'customer.taxId': 'tax id',
    poNumber: 'PO number',
    orderDate: 'order date',
    deliveryDate: 'delivery date',
    currency: 'currency',
    total: 'total',
    notes: 'notes',
    lines: 'lines',
    sku: 'article',
    customerRef: 'their reference',
    gtin: 'GTIN',
    description: 'description',
    quantity: 'quantity',
    unit: 'unit',
    unitPrice: 'unit price',
    amount: 'amount',
    line: 'line',
  },
  es: {
    'customer.id': 'cliente',
    'customer.name': 'nombre del cliente',
    'customer.taxId': 'NIF',
    poNumber: 'número de pedido',
    orderDate: 'fecha del pedido',
    deliveryDate: 'fecha de entrega',
    currency: 'moneda',
    total: 'total',
    notes: 'observaciones',
    lines: 'líneas',
    sku: 'artículo',
    customerRef: 'su referencia',
    gtin: 'GTIN',
    description: 'descripción',
    quantity: 'cantidad',
    unit: 'unidad',
    unitPrice: 'precio unitario',
    amount: 'importe',
    line: 'línea',
  },
};

const STATUSES: Record<TextLang, Record<string, string>> = {
  en: {
    received: 'received',
    processing: 'being read',
    processed: 'read',
    review: 'in review',
    accepted: 'accepted',
    delivered: 'delivered',
    rejected: 'rejected',
    failed: 'failed',
  },
  es: {
    received: 'recibido',
    processing: 'leyéndose',
    processed: 'leído',
    review: 'en revisión',
    accepted: 'aceptado',
    delivered: 'entregado',
    rejected: 'rechazado',
    failed: 'fallido',
  },
};

const CHANNELS: Record<TextLang, Record<string, string>> = {
  en: { email: 'e-mail', fax: 'fax', edi: 'EDI', web: 'web', scan: 'scan' },
  es: { email: 'correo', fax: 'fax', edi: 'EDI', web: 'web', scan: 'escáner' },
};

const locale = (lang: TextLang) => (lang === 'es' ? 'es-ES' : 'en-GB');

/** A finding code as words: `unknown_sku` -> "artículo desconocido". */
export function codeText(code: string, lang: TextLang): string {
  return CODES[lang][code] ?? code;
}

/** A document or order status as words. */
export function statusText(status: string, lang: TextLang): string {
  return STATUSES[lang][status] ?? status;
}

/** A channel as words. */
export function channelText(channel: string, lang: TextLang): string {
  return CHANNELS[lang][channel] ?? channel;
}

/** A field path as words: `lines[2].unitPrice` -> "línea 3, precio unitario". */
export function fieldText(path: string | null, lang: TextLang): string {
  if (!path) return '';
  const words = FIELDS[lang];
  const line = /^lines\[(\d+)\](?:\.(\w+))?$/.exec(path);
  if (line) {
    const n = Number(line[1]) + 1;
    return line[2] ? `${words.line} ${n}, ${words[line[2]] ?? line[2]}` : `${words.line} ${n}`;
  }
  return words[path] ?? path;
}

function formatter(lang: TextLang): Fmt {
  const loc = locale(lang);
  const num = (v: V) =>
    typeof v === 'number'
      ? new Intl.NumberFormat(loc, { maximumFractionDigits: 6 }).format(v)
      : String(v ?? '');
  return {
    n: num,
    m: (v) =>
      typeof v === 'number'
        ? new Intl.NumberFormat(loc, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(v)
        : String(v ?? ''),
    pct: (v) =>
      typeof v === 'number'
        ? new Intl.NumberFormat(loc, { style: 'percent', maximumFractionDigits: 1 }).format(v)
        : String(v ?? ''),
    d: (v) => {
      if (typeof v !== 'string') return String(v ?? '');
      const at = /^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(`${v}T12:00:00Z`) : new Date(v);
      return Number.isNaN(at.getTime())
        ? v
        : new Intl.DateTimeFormat(loc, { dateStyle: 'medium', timeZone: 'UTC' }).format(at);
    },
    f: (v) => fieldText(typeof v === 'string' ? v : null, lang),
    s: (v) => statusText(String(v ?? ''), lang),
  };
}

/**
 * What the finding says, in `lang`. Findings with params are told from their sentence; the others
 * by their stored English message, introduced by the code in words when the reader is not English.
 */
export function findingText(
  f: Pick<Finding, 'code' | 'message'> & { params?: P | null },
  lang: TextLang,
): string {
  const key = typeof f.params?.t === 'string' ? f.params.t : f.code;
  const sentence = f.params ? SENTENCES[lang][key] : undefined;
  if (sentence) return sentence(f.params!, formatter(lang));
  return lang === 'en' ? f.message : `${codeText(f.code, lang)}: ${f.message}`;
}

/** The English sentence of `t` with `params`: what callers store as `message`. */
export function englishText(t: string, params: P): string {
  const sentence = en[t];
  if (!sentence) throw new Error(`no sentence "${t}"`);
  return sentence(params, formatter('en'));
}
