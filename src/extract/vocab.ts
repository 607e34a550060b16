/** Label vocabularies (Spanish and English) and the matcher that finds them at the start of a cell. */
import type { Word } from '../domain/page.ts';
import { editDistance, normalise, tokensOf } from './layout.ts';

export type HeaderField =
  | 'poNumber'
  | 'orderDate'
  | 'deliveryDate'
  | 'customerName'
  | 'taxId'
  | 'total'
  | 'subtotal';
export type ColumnRole =
  | 'customerRef'
  | 'sku'
  | 'gtin'
  | 'description'
  | 'quantity'
  | 'unit'
  | 'unitPrice'
  | 'amount'
  | 'discount'
  | 'priceUnit'
  | 'position';

/** A label as written; a trailing `:` means the colon is required (bare `Pedido` is often a title). */
export interface Label<F extends string> {
  field: F;
  tokens: string[];
  colon: boolean;
}

function labels<F extends string>(table: Record<F, string[]>): Label<F>[] {
  const out: Label<F>[] = [];
  for (const [field, list] of Object.entries(table) as [F, string[]][]) {
    for (const raw of list) {
      out.push({ field, tokens: normalise(raw).split(' '), colon: raw.endsWith(':') });
    }
  }
  return out.sort((a, b) => b.tokens.length - a.tokens.length);
}

export const HEADER_LABELS = labels<HeaderField>({
  poNumber: [
    // Spanish
    'Pedido nº',
    'Pedido n.º',
    'Pedido no.',
    'Pedido número',
    'Pedido núm.',
    'Nº de pedido',
    'Nº pedido',
    'N. pedido',
    'N.º pedido',
    'N.º de pedido',
    'Nº de pedido de compra',
    'Número de pedido',
    'Num. pedido',
    'Núm. pedido',
    'Nro. pedido',
    'Nro. de pedido',
    'Pedido de compra nº',
    'Pedido a proveedor nº',
    'Orden de compra',
    'Orden de compra nº',
    'Nº orden de compra',
    'N.º OC',
    'Nº OC',
    'OC nº',
    'Su pedido nº',
    'Su pedido:',
    'Nuestro pedido nº',
    'Nuestro pedido:',
    'Ref. pedido',
    'Referencia de pedido',
    'Pedido:',
    // English
    'Purchase order',
    'Purchase order no.',
    'Purchase order number',
    'Purchase order #',
    'PO number',
    'PO no.',
    'PO nr',
    'PO #',
    'P.O. number',
    'P.O. no.',
    'P.O. #',
    'P.O.:',
    'PO:',
    'Order no.',
    'Order nr',
    'Order number',
    'Order #',
    'Our order no.',
    'Our order number',
    'Order ref.',
    'Order reference',
    // French
    'Bon de commande nº',
    'Bon de commande no.',
    'Bon de commande numéro',
    'Commande nº',
    'Commande no.',
    'Commande numéro',
    'Nº de commande',
    'Nº commande',
    'Numéro de commande',
    'Réf. commande',
    'Référence commande',
    'Notre commande nº',
    'Commande:',
    // German
    'Bestellnummer',
    'Bestell-Nr.',
    'Bestellnr.',
    'Bestellung Nr.',
    'Bestellung Nummer',
    'Unsere Bestellnummer',
    'Unsere Bestellung Nr.',
    'Bestellung:',
    // Italian
    'Numero ordine',
    'Numero d ordine',
    'Nr. ordine',
    'N. ordine',
    'Nº ordine',
    'Ordine n.',
    'Ordine nº',
    'Ordine nr.',
    'Ordine numero',
    'Ordine d acquisto n.',
    'Ordine d acquisto nº',
    'Ordine di acquisto n.',
    'Rif. ordine',
    'Ordine:',
    // Portuguese
    'Encomenda nº',
    'Encomenda n.º',
    'Encomenda número',
    'Nº encomenda',
    'Nº da encomenda',
    'N.º da encomenda',
    'Número da encomenda',
    'Nota de encomenda nº',
    'Encomenda a fornecedor nº',
    'Requisição nº',
    'Encomenda:',
    // A bare number sign beside a title ("ENCOMENDA A FORNECEDOR  N.º ENC-1"): tried last.
    'Nº',
  ],
  orderDate: [
    'Fecha',
    'Fecha pedido',
    'Fecha del pedido',
    'Fecha de pedido',
    'Fecha emisión',
    'Fecha de emisión',
    'Fecha documento',
    'Emitido',
    'Date',
    'Order date',
    'PO date',
    'Date of order',
    'Issue date',
    'Date de commande',
    'Date commande',
    'Date d émission',
    'Datum',
    'Bestelldatum',
    'Belegdatum',
    'Data',
    'Data ordine',
    'Data documento',
    'Data emissione',
    'Data da encomenda',
    'Data encomenda',
    'Data de emissão',
  ],
  deliveryDate: [
    'Fecha de entrega',
    'Fecha entrega',
    'F. entrega',
    'Entrega',
    'Entrega prevista',
    'Entregar el',
    'Plazo de entrega',
    'Fecha de servicio',
    'Delivery date',
    'Delivery',
    'Delivery required',
    'Delivery required by',
    'Required by',
    'Required date',
    'Requested delivery',
    'Requested delivery date',
    'Deliver by',
    'Ship date',
    'Date de livraison',
    'Livraison',
    'Livraison souhaitée',
    'Livraison prévue',
    'Délai de livraison',
    'À livrer le',
    'Livrer le',
    'Liefertermin',
    'Lieferdatum',
    'Wunschtermin',
    'Liefertermin:',
    'Data consegna',
    'Data di consegna',
    'Data consegna richiesta',
    'Consegna',
    'Consegna richiesta',
    'Data de entrega',
    'Data entrega',
    'Prazo de entrega',
    'Entrega pretendida',
    'Entrega prevista',
  ],
  customerName: [
    'Cliente',
    'Customer',
    'Comprador',
    'Buyer',
    'Razón social',
    'Empresa:',
    'Bill to',
    'Sold to',
    'Client',
    'Acheteur',
    'Kunde',
    'Besteller',
    'Acquirente',
  ],
  taxId: [
    'CIF',
    'NIF',
    'C.I.F.',
    'N.I.F.',
    'VAT',
    'VAT no.',
    'VAT number',
    'VAT reg. no.',
    'NIF/CIF',
    'CIF/NIF',
    'Tax id',
    'TVA',
    'Nº TVA',
    'TVA intracom',
    'TVA intracommunautaire',
    'USt-IdNr.',
    'USt-Id',
    'USt.-IdNr.',
    'P. IVA',
    'P.IVA',
    'Partita IVA',
    'NIPC',
    'Contribuinte',
    'Contribuinte nº',
  ],
  subtotal: [
    'Subtotal',
    'Sub-total',
    'Base imponible',
    'Total neto',
    'Importe neto',
    'Net total',
    'Total net',
    'Net amount',
    'Total HT',
    'Montant HT',
    'Total hors taxes',
    'Total H.T.',
    'Nettobetrag',
    'Netto',
    'Nettosumme',
    'Summe netto',
    'Gesamt netto',
    'Warenwert',
    'Totale imponibile',
    'Imponibile',
    'Totale netto',
    'Total ilíquido',
    'Total s/ IVA',
    'Total sem IVA',
    'Base tributável',
    'Suma',
    'Total bruto',
  ],
  total: [
    'Total',
    'Importe total',
    'Total pedido',
    'Total EUR',
    'Total €',
    'Total importe',
    'Order total',
    'Grand total',
    'Total amount',
    'Total USD',
    'Total GBP',
    'Montant total',
    'Total commande',
    'Total TTC',
    'Gesamtbetrag',
    'Gesamtsumme',
    'Endbetrag',
    'Summe',
    'Totale',
    'Totale ordine',
    'Totale documento',
    'Total da encomenda',
    'Valor total',
    'Valor total da encomenda',
    'Total geral',
  ],
});

export const COLUMN_LABELS = labels<ColumnRole>({
  customerRef: [
    'Código',
    'Cód.',
    'Cod.',
    'Ref.',
    'Referencia',
    'Artículo',
    'Art.',
    'Code',
    'Item',
    'Item no.',
    'Item code',
    'Part no.',
    'Part number',
    'Our part no.',
    'Product code',
    'Stock code',
    'Ref. cliente',
    'Our ref.',
    'Réf.',
    'Référence',
    'Code article',
    'Article',
    'Artikel',
    'Artikelnr.',
    'Artikel-Nr.',
    'Art.-Nr.',
    'Materialnummer',
    'Material',
    'Material-Nr.',
    'Codice',
    'Cod. articolo',
    'Codice articolo',
    'Articolo',
    'Artigo',
    'Referência',
    'Ref.ª',
  ],
  sku: [
    'SKU',
    'Ref. proveedor',
    'Ref. prov.',
    'Su ref.',
    'Su referencia',
    'Supplier ref.',
    'Vendor ref.',
    'Supplier SKU',
    'Supplier part no.',
    'Your part no.',
    'Your ref.',
    'Réf. fournisseur',
    'Votre réf.',
    'Ihre Art.-Nr.',
    'Ihre Artikelnr.',
    'Lieferanten-Nr.',
    'Cod. fornitore',
    'Codice fornitore',
    'Vs. codice',
    'Ref. fornecedor',
    'Vossa ref.',
  ],
  gtin: [
    'EAN',
    'EAN13',
    'EAN-13',
    'GTIN',
    'UPC',
    'Código de barras',
    'Código EAN',
    'Cód. EAN',
    'Barcode',
    'Code EAN',
    'Code-barres',
    'Codice EAN',
  ],
  description: [
    'Descripción',
    'Description',
    'Concepto',
    'Denominación',
    'Producto',
    'Product',
    'Detalle',
    'Details',
    'Item description',
    'Désignation',
    'Libellé',
    'Bezeichnung',
    'Beschreibung',
    'Artikelbezeichnung',
    'Descrizione',
    'Denominazione',
    'Descrição',
    'Designação',
  ],
  quantity: [
    'Cantidad',
    'Cant.',
    'Uds.',
    'Unidades',
    'Qty',
    'Qty.',
    'Quantity',
    'Ctd.',
    'Units',
    'Quantité',
    'Qté',
    'Qte',
    'Menge',
    'Anzahl',
    'Quantità',
    'Q.tà',
    'Qtà',
    'Qta',
    'Quantidade',
    'Qtd.',
    'Qtde.',
    'Quant.',
  ],
  unit: ['Unidad', 'Ud.', 'U.M.', 'UM', 'Unit', 'UoM', 'Unité', 'Einheit', 'ME', 'Unità', 'Unidade', 'Un.'],
  unitPrice: [
    'Po. unit.',
    'P unitario',
    'Precio',
    'Precio unit.',
    'Precio unitario',
    'P. unit.',
    'P.U.',
    'PVP',
    'Unit price',
    'Price',
    'Precio ud.',
    'Price each',
    'Unit cost',
    'Rate',
    'Prix',
    'Prix unitaire',
    'Prix unit.',
    'P.U. HT',
    'PU HT',
    'Prix HT',
    'Preis',
    'Einzelpreis',
    'E-Preis',
    'Stückpreis',
    'Prezzo',
    'Prezzo unitario',
    'Prezzo unit.',
    'Preço',
    'Preço unitário',
    'Preço unit.',
  ],
  amount: [
    'Importe',
    'Total',
    'Amount',
    'Line total',
    'Importe neto',
    'Neto',
    'Total línea',
    'Subtotal',
    'Net amount',
    'Value',
    'Montant',
    'Montant HT',
    'Total HT',
    'Betrag',
    'Gesamtpreis',
    'Gesamt',
    'Wert',
    'Importo',
    'Totale',
    'Importo netto',
    'Valor',
    'Montante',
    'Valor líquido',
  ],
  discount: [
    'Dto.',
    'Dto. %',
    'Descuento',
    'Disc.',
    'Discount',
    'Remise',
    'Rem.',
    'Rabatt',
    'Rab.',
    'Sconto',
    'Sc.',
    'Desconto',
    'Desc.',
    '% Dto.',
  ],
  priceUnit: ['PE', 'Preiseinheit', 'Per', 'Price per'],
  // The line's own number ("Pos.", "Lín."): kept out of the code column beside it.
  position: ['Pos', 'Pos.', 'Position', 'Lín.', 'Línea', 'Line', 'Ln', 'Riga', 'Linha', 'Nº lín.'],
});

/** Words that end a line table when they open a line. */
export const TABLE_END = [
  'total',
  'subtotal',
  'sub total',
  'base imponible',
  'observaciones',
  'notas',
  'notes',
  'importe total',
  'total pedido',
  'suma total',
  'forma de pago',
  'payment terms',
  'grand total',
  'net total',
  'total net',
  'total ht',
  'montant ht',
  'montant total',
  'observations',
  'conditions de paiement',
  'summe',
  'gesamtsumme',
  'nettobetrag',
  'warenwert',
  'zahlungsbedingungen',
  'totale',
  'totale imponibile',
  'imponibile',
  'condizioni di pagamento',
  'total iliquido',
  'total da encomenda',
  'valor total',
  'condicoes de pagamento',
  'observacoes',
].map((s) => s.split(' '));

/**
 * Lines that carry a running total from one page to the next ("Suma y sigue", "À reporter",
 * "Übertrag"): neither an order line nor the end of the table.
 */
export const CARRIED = [
  'suma y sigue',
  'suma anterior',
  'sigue',
  'a reporter',
  'report',
  'reporte',
  'carried forward',
  'brought forward',
  'carried over',
  'ubertrag',
  'uebertrag',
  'riporto',
  'a riportare',
  'transporte',
  'a transportar',
  'transportado',
].map((s) => s.split(' '));

/** True when the words begin with a carried-forward marker. */
export function isCarried(words: Word[]): boolean {
  const tokens = tokensOf(words.slice(0, 6)).map((t) => t.token);
  return CARRIED.some((m) => m.every((t, i) => tokens[i] === t));
}

/** A label found at the start of a run of words. */
export interface LabelMatch<F extends string> {
  field: F;
  /** How many words the label (and a trailing lone `:`) takes. */
  count: number;
  exact: boolean;
  tokens: number;
}

function tokenMatches(seen: string, want: string): 'exact' | 'fuzzy' | null {
  if (seen === want) return 'exact';
  if (want.length >= 4 && editDistance(seen, want) <= 1) return 'fuzzy';
  // Short words ("SKU" read "sKuU", "Qty" read "Qtv"): one slip, first letter right.
  if (want.length === 3 && seen[0] === want[0] && editDistance(seen, want) <= 1) return 'fuzzy';
  return null;
}

/** The longest label of `vocab` that the words begin with; exact matches win over OCR-slipped ones. */
export function matchLabel<F extends string>(words: Word[], vocab: Label<F>[]): LabelMatch<F> | null {
  const tokens = tokensOf(words);
  let best: LabelMatch<F> | null = null;
  for (const label of vocab) {
    if (label.tokens.length > tokens.length) continue;
    let exact = true;
    let ok = true;
    label.tokens.forEach((want, i) => {
      const m = tokenMatches(tokens[i]!.token, want);
      if (m === null) ok = false;
      else if (m === 'fuzzy') exact = false;
    });
    if (!ok) continue;
    const last = tokens[label.tokens.length - 1]!.word;
    // A label ends at a word boundary: "Totales" is not "Total", "PO-123" is not the label "PO".
    const nextToken = tokens[label.tokens.length];
    if (nextToken && nextToken.word === last) continue;
    let count = last + 1;
    const colonOnWord = /[:#]$/.test(words[last]!.text);
    const loneColon = /^[:#]$/.test(words[count]?.text ?? '');
    if (label.colon && !colonOnWord && !loneColon) continue;
    if (loneColon) count++;
    const candidate = { field: label.field, count, exact, tokens: label.tokens.length };
    if (
      !best ||
      candidate.tokens > best.tokens ||
      (candidate.tokens === best.tokens && candidate.exact && !best.exact)
    ) {
      best = candidate;
    }
  }
  return best;
}

/** True when the words begin with an end-of-table marker (`Total`, `Base imponible`, ...). */
export function isTableEnd(words: Word[]): boolean {
  const tokens = tokensOf(words).map((t) => t.token);
  return TABLE_END.some((m) => m.every((t, i) => tokens[i] === t));
}
