/**
 * Wording of the generated layout families, per language: several variants per label, as
 * different ERPs print them. A family draws one variant of each and keeps it on every document.
 * Written for this generator; no other document set's layout or wording is copied here.
 */
export type Lang = 'es' | 'en' | 'fr' | 'de' | 'it' | 'pt';
export const LANGS: Lang[] = ['es', 'en', 'fr', 'de', 'it', 'pt'];

export type ColumnKey =
  | 'pos'
  | 'sku'
  | 'custRef'
  | 'ean'
  | 'description'
  | 'quantity'
  | 'unit'
  | 'unitPrice'
  | 'per100'
  | 'discount'
  | 'amount';

export interface Words {
  title: string[];
  invoice: string[];
  quotation: string[];
  po: string[];
  date: string[];
  delivery: string[];
  tbd: string;
  total: string[];
  /** net, tax (with its rate), gross */
  vat: Array<[string, string, string]>;
  /** at the foot of a page, at the head of the next */
  carry: Array<[string, string]>;
  columns: Record<ColumnKey, string[]>;
  units: string[];
  page: string;
  months: string[];
  buyer: string[];
  vendor: string[];
  taxLabel: string[];
  sentence: string;
  footer: string[];
  greeting: string;
  closing: string;
}

const MONTHS = {
  es: 'enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre',
  en: 'January February March April May June July August September October November December',
  fr: 'janvier février mars avril mai juin juillet août septembre octobre novembre décembre',
  de: 'Januar Februar März April Mai Juni Juli August September Oktober November Dezember',
  it: 'gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre',
  pt: 'janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro',
};

export const WORDS: Record<Lang, Words> = {
  es: {
    title: ['PEDIDO', 'ORDEN DE COMPRA', 'PEDIDO DE COMPRA', 'Pedido a proveedor'],
    invoice: ['FACTURA', 'Factura nº'],
    quotation: ['PRESUPUESTO', 'Solicitud de oferta'],
    po: ['Pedido nº', 'Nº pedido', 'Orden de compra nº', 'N.º OC', 'Número de pedido', 'Su pedido'],
    date: ['Fecha', 'Fecha pedido', 'Fecha de emisión'],
    delivery: ['Fecha de entrega', 'Entrega', 'Plazo de entrega', 'Entregar el'],
    tbd: 'a convenir',
    total: ['Total', 'Total pedido', 'Importe total'],
    vat: [
      ['Base imponible', 'IVA 21%', 'Total'],
      ['Subtotal', 'IVA 21 %', 'Total pedido'],
    ],
    carry: [
      ['Suma y sigue', 'Suma anterior'],
      ['Suma y sigue', 'Suma y sigue'],
    ],
    columns: {
      pos: ['Pos.', 'Lín.'],
      sku: ['Ref.', 'Código', 'Artículo', 'Ref. proveedor'],
      custRef: ['Nuestra ref.', 'Cód. interno'],
      ean: ['EAN', 'Cód. barras'],
      description: ['Descripción', 'Concepto', 'Denominación'],
      quantity: ['Cantidad', 'Cant.', 'Uds.'],
      unit: ['Ud.', 'Unidad'],
      unitPrice: ['Precio', 'P. unit.', 'Precio unitario'],
      per100: ['Precio/100', 'P. x 100'],
      discount: ['Dto. %', 'Desc.'],
      amount: ['Importe', 'Total', 'Neto'],
    },
    units: ['UD', 'UDS'],
    page: 'Página',
    months: MONTHS.es.split(' '),
    buyer: ['Cliente', 'Facturar a', 'Datos del comprador'],
    vendor: ['Proveedor', 'Proveedor:'],
    taxLabel: ['CIF', 'NIF', 'C.I.F.'],
    sentence: 'Les rogamos nos sirvan, según nuestro pedido nº {po} de fecha {date}, el siguiente material:',
    footer: ['Rogamos confirmen recepción del pedido.', 'Imprescindible indicar nº de pedido en el albarán.'],
    greeting: 'Buenos días,',
    closing: 'Un saludo,',
  },
  en: {
    title: ['PURCHASE ORDER', 'Purchase Order', 'ORDER'],
    invoice: ['INVOICE', 'Tax invoice'],
    quotation: ['QUOTATION', 'Request for quotation'],
    po: ['PO number', 'P.O. #', 'Order No.', 'Purchase order no.', 'PO No'],
    date: ['Date', 'Order date', 'PO date', 'Issue date'],
    delivery: ['Delivery date', 'Required by', 'Deliver by', 'Ship date'],
    tbd: 'to be agreed',
    total: ['Total', 'Order total', 'Total amount'],
    vat: [
      ['Subtotal', 'VAT 20%', 'Total'],
      ['Net total', 'Sales tax 8.25%', 'Total due'],
    ],
    carry: [
      ['Carried forward', 'Brought forward'],
      ['Continued', 'Carried forward'],
    ],
    columns: {
      pos: ['Line', '#'],
      sku: ['Item', 'Part No.', 'Vendor item', 'SKU'],
      custRef: ['Our ref', 'Our item'],
      ean: ['EAN', 'GTIN'],
      description: ['Description', 'Details', 'Item description'],
      quantity: ['Qty', 'Quantity', 'Qty ordered'],
      unit: ['UOM', 'Unit'],
      unitPrice: ['Unit price', 'Price', 'Unit cost'],
      per100: ['Price/100', 'Price per 100'],
      discount: ['Disc. %', 'Discount'],
      amount: ['Amount', 'Line total', 'Ext. price'],
    },
    units: ['EA', 'PCS'],
    page: 'Page',
    months: MONTHS.en.split(' '),
    buyer: ['Bill to', 'Buyer', 'Ship to'],
    vendor: ['Vendor', 'Supplier'],
    taxLabel: ['VAT No', 'Tax ID', 'VAT reg.'],
    sentence: 'Please supply under our order no. {po} dated {date} the following goods:',
    footer: ['Please confirm receipt of this order.', 'Quote our PO number on all delivery notes.'],
    greeting: 'Hello,',
    closing: 'Regards,',
  },
  fr: {
    title: ['BON DE COMMANDE', 'COMMANDE FOURNISSEUR', 'Commande'],
    invoice: ['FACTURE', 'Facture n°'],
    quotation: ['DEVIS', 'Demande de prix'],
    po: ['N° de commande', 'Commande n°', 'Réf. commande', 'Bon de commande n°'],
    date: ['Date', 'Date de commande', 'Date du document'],
    delivery: ['Date de livraison', 'Livraison souhaitée', 'Délai de livraison'],
    tbd: 'à convenir',
    total: ['Total', 'Montant total', 'Total commande'],
    vat: [
      ['Total HT', 'TVA 20 %', 'Total TTC'],
      ['Montant HT', 'TVA 20%', 'Net à payer'],
    ],
    carry: [
      ['À reporter', 'Report'],
      ['A reporter', 'Reporté'],
    ],
    columns: {
      pos: ['Lig.', 'N°'],
      sku: ['Réf.', 'Référence', 'Code article'],
      custRef: ['Notre réf.', 'Code interne'],
      ean: ['EAN', 'Gencod'],
      description: ['Désignation', 'Libellé', 'Description'],
      quantity: ['Qté', 'Quantité'],
      unit: ['Unité', 'U.'],
      unitPrice: ['P.U.', 'Prix unitaire', 'PU HT'],
      per100: ['Prix/100', 'P.U. les 100'],
      discount: ['Remise %', 'Rem.'],
      amount: ['Montant HT', 'Montant', 'Total HT'],
    },
    units: ['PCE', 'U'],
    page: 'Page',
    months: MONTHS.fr.split(' '),
    buyer: ['Client', 'Adresse de facturation', 'Acheteur'],
    vendor: ['Fournisseur', 'Fournisseur :'],
    taxLabel: ['N° TVA', 'TVA intracom.', 'SIRET/TVA'],
    sentence: 'Objet : Commande n° {po} du {date}',
    footer: [
      'Merci de nous retourner un accusé de réception.',
      'Rappeler notre numéro de commande sur le BL.',
    ],
    greeting: 'Bonjour,',
    closing: 'Cordialement,',
  },
  de: {
    title: ['BESTELLUNG', 'Bestellung', 'AUFTRAG'],
    invoice: ['RECHNUNG', 'Rechnung Nr.'],
    quotation: ['ANGEBOT', 'Preisanfrage'],
    po: ['Bestellnummer', 'Bestell-Nr.', 'Bestellung Nr.', 'Auftragsnummer'],
    date: ['Datum', 'Bestelldatum', 'Belegdatum'],
    delivery: ['Liefertermin', 'Lieferdatum', 'Wunschtermin'],
    tbd: 'nach Vereinbarung',
    total: ['Summe', 'Gesamtbetrag', 'Gesamt'],
    vat: [
      ['Nettobetrag', 'MwSt. 19 %', 'Bruttobetrag'],
      ['Zwischensumme', 'USt 19%', 'Gesamtbetrag'],
    ],
    carry: [
      ['Übertrag', 'Übertrag'],
      ['Zwischensumme Übertrag', 'Übertrag von Seite 1'],
    ],
    columns: {
      pos: ['Pos.', 'Pos'],
      sku: ['Artikelnr.', 'Art.-Nr.', 'Ihre Art.-Nr.'],
      custRef: ['Unsere Nr.', 'Mat.-Nr.'],
      ean: ['EAN', 'GTIN'],
      description: ['Bezeichnung', 'Artikelbezeichnung', 'Beschreibung'],
      quantity: ['Menge', 'Anzahl'],
      unit: ['ME', 'Einheit'],
      unitPrice: ['Einzelpreis', 'Preis', 'E-Preis'],
      per100: ['Preis/100 St.', 'Preis je 100'],
      discount: ['Rabatt %', 'Rab.'],
      amount: ['Gesamtpreis', 'Betrag', 'Gesamt'],
    },
    units: ['Stk', 'ST'],
    page: 'Seite',
    months: MONTHS.de.split(' '),
    buyer: ['Besteller', 'Rechnungsanschrift', 'Käufer'],
    vendor: ['Lieferant', 'Lieferant:'],
    taxLabel: ['USt-IdNr.', 'UID', 'USt-ID'],
    sentence: 'Betreff: Bestellung Nr. {po} vom {date}',
    footer: ['Bitte bestätigen Sie den Auftrag umgehend.', 'Bestellnummer auf allen Lieferscheinen angeben.'],
    greeting: 'Guten Tag,',
    closing: 'Mit freundlichen Grüßen',
  },
  it: {
    title: ["ORDINE D'ACQUISTO", 'ORDINE FORNITORE', 'Ordine'],
    invoice: ['FATTURA', 'Fattura n.'],
    quotation: ['PREVENTIVO', 'Richiesta di offerta'],
    po: ['N. ordine', 'Ordine n.', 'Numero ordine', 'Rif. ordine'],
    date: ['Data', 'Data ordine', 'Data documento'],
    delivery: ['Data consegna', 'Consegna richiesta', 'Termine di consegna'],
    tbd: 'da concordare',
    total: ['Totale', 'Totale ordine', 'Importo totale'],
    vat: [
      ['Imponibile', 'IVA 22%', 'Totale documento'],
      ['Totale imponibile', 'IVA 22 %', 'Totale'],
    ],
    carry: [
      ['A riportare', 'Riporto'],
      ['Totale a riportare', 'Riporto pagina precedente'],
    ],
    columns: {
      pos: ['Pos.', 'Riga'],
      sku: ['Codice', 'Cod. art.', 'Articolo'],
      custRef: ['Ns. codice', 'Cod. interno'],
      ean: ['EAN', 'Cod. EAN'],
      description: ['Descrizione', 'Descrizione articolo'],
      quantity: ['Q.tà', 'Quantità'],
      unit: ['U.M.', 'Um'],
      unitPrice: ['Prezzo', 'Prezzo unit.', 'Prezzo unitario'],
      per100: ['Prezzo/100', 'Prezzo x 100'],
      discount: ['Sconto %', 'Sc.'],
      amount: ['Importo', 'Totale'],
    },
    units: ['PZ', 'NR'],
    page: 'Pagina',
    months: MONTHS.it.split(' '),
    buyer: ['Cliente', 'Intestatario', 'Destinatario fattura'],
    vendor: ['Fornitore', 'Spett.le'],
    taxLabel: ['P.IVA', 'Partita IVA', 'P. IVA'],
    sentence: 'Oggetto: Ordine n. {po} del {date}',
    footer: ["Si prega di confermare l'ordine.", 'Indicare il numero d’ordine sul DDT.'],
    greeting: 'Buongiorno,',
    closing: 'Cordiali saluti,',
  },
  pt: {
    title: ['NOTA DE ENCOMENDA', 'ENCOMENDA', 'Pedido de compra'],
    invoice: ['FATURA', 'Fatura n.º'],
    quotation: ['ORÇAMENTO', 'Pedido de cotação'],
    po: ['N.º encomenda', 'Encomenda n.º', 'Nota de encomenda n.º', 'Número do pedido'],
    date: ['Data', 'Data da encomenda', 'Data do pedido'],
    delivery: ['Data de entrega', 'Entrega prevista', 'Prazo de entrega'],
    tbd: 'a combinar',
    total: ['Total', 'Total da encomenda', 'Valor total'],
    vat: [
      ['Total ilíquido', 'IVA 23%', 'Total'],
      ['Subtotal', 'IVA 23 %', 'Total a pagar'],
    ],
    carry: [
      ['A transportar', 'Transporte'],
      ['Transporte', 'Transporte'],
    ],
    columns: {
      pos: ['Lin.', 'N.º'],
      sku: ['Ref.', 'Código', 'Artigo'],
      custRef: ['N/ ref.', 'Cód. interno'],
      ean: ['EAN', 'Cód. barras'],
      description: ['Descrição', 'Designação'],
      quantity: ['Qtd.', 'Quantidade'],
      unit: ['Un.', 'Unid.'],
      unitPrice: ['Preço', 'Preço unit.', 'P. unitário'],
      per100: ['Preço/100', 'Preço p/ 100'],
      discount: ['Desc. %', 'Desconto'],
      amount: ['Valor', 'Total', 'Montante'],
    },
    units: ['UN', 'UNI'],
    page: 'Página',
    months: MONTHS.pt.split(' '),
    buyer: ['Cliente', 'Adquirente', 'Faturar a'],
    vendor: ['Fornecedor', 'Exmos. Senhores'],
    taxLabel: ['NIF', 'Contribuinte', 'NIPC'],
    sentence: 'Assunto: Encomenda n.º {po} de {date}',
    footer: ['Agradecemos confirmação da encomenda.', 'Indicar o n.º de encomenda na guia de remessa.'],
    greeting: 'Bom dia,',
    closing: 'Com os melhores cumprimentos,',
  },
};

/** Words of the catalog, per language: the article's name; its size or spec is language-free. */
export const NOUNS: Array<Record<Lang, string>> = [
  {
    es: 'Tornillo hexagonal',
    en: 'Hex bolt',
    fr: 'Vis tête hexagonale',
    de: 'Sechskantschraube',
    it: 'Vite testa esagonale',
    pt: 'Parafuso sextavado',
  },
  {
    es: 'Tuerca hexagonal',
    en: 'Hex nut',
    fr: 'Écrou hexagonal',
    de: 'Sechskantmutter',
    it: 'Dado esagonale',
    pt: 'Porca sextavada',
  },
  {
    es: 'Arandela plana',
    en: 'Flat washer',
    fr: 'Rondelle plate',
    de: 'Unterlegscheibe',
    it: 'Rondella piana',
    pt: 'Anilha lisa',
  },
  {
    es: 'Taco de nylon',
    en: 'Nylon wall plug',
    fr: 'Cheville nylon',
    de: 'Dübel Nylon',
    it: 'Tassello in nylon',
    pt: 'Bucha de nylon',
  },
  {
    es: 'Broca metal HSS',
    en: 'HSS drill bit',
    fr: 'Foret métal HSS',
    de: 'HSS-Metallbohrer',
    it: 'Punta HSS per metallo',
    pt: 'Broca HSS metal',
  },
  {
    es: 'Disco de corte',
    en: 'Cutting disc',
    fr: 'Disque à tronçonner',
    de: 'Trennscheibe',
    it: 'Disco da taglio',
    pt: 'Disco de corte',
  },
  {
    es: 'Abrazadera sinfín',
    en: 'Worm drive hose clamp',
    fr: 'Collier à vis sans fin',
    de: 'Schlauchschelle',
    it: 'Fascetta a vite',
    pt: 'Abraçadeira sem-fim',
  },
  {
    es: 'Brida de nylon',
    en: 'Cable tie',
    fr: 'Collier de serrage nylon',
    de: 'Kabelbinder',
    it: 'Fascetta in nylon',
    pt: 'Abraçadeira nylon',
  },
  {
    es: 'Spray lubricante',
    en: 'Lubricant spray',
    fr: 'Aérosol lubrifiant',
    de: 'Schmierspray',
    it: 'Spray lubrificante',
    pt: 'Spray lubrificante',
  },
  {
    es: 'Silicona neutra',
    en: 'Neutral silicone sealant',
    fr: 'Mastic silicone neutre',
    de: 'Neutralsilikon',
    it: 'Silicone neutro',
    pt: 'Silicone neutro',
  },
  {
    es: 'Guante de nitrilo',
    en: 'Nitrile glove',
    fr: 'Gant nitrile',
    de: 'Nitrilhandschuh',
    it: 'Guanto in nitrile',
    pt: 'Luva de nitrilo',
  },
  {
    es: 'Cinta americana',
    en: 'Duct tape',
    fr: 'Ruban adhésif toilé',
    de: 'Gewebeband',
    it: 'Nastro telato',
    pt: 'Fita americana',
  },
  {
    es: 'Varilla roscada',
    en: 'Threaded rod',
    fr: 'Tige filetée',
    de: 'Gewindestange',
    it: 'Barra filettata',
    pt: 'Varão roscado',
  },
  {
    es: 'Remache ciego',
    en: 'Blind rivet',
    fr: 'Rivet aveugle',
    de: 'Blindniete',
    it: 'Rivetto a strappo',
    pt: 'Rebite cego',
  },
];

/** What a long, wrapping description adds after the name and spec. */
export const LONG_TAIL: Record<Lang, string> = {
  es: 'calidad industrial, embalaje de taller, según ficha técnica adjunta',
  en: 'industrial grade, workshop pack, as per attached data sheet',
  fr: 'qualité industrielle, conditionnement atelier, selon fiche technique',
  de: 'Industriequalität, Werkstattpackung, gemäß beiliegendem Datenblatt',
  it: 'qualità industriale, confezione da officina, come da scheda tecnica',
  pt: 'qualidade industrial, embalagem de oficina, conforme ficha técnica',
};
