/**
 * Layout families: each is one customer's ERP, drawn from a seed by a parametric rule. A family
 * fixes wording and language, where the header block sits, which columns come in which order,
 * number and date formats, font, logo, stamp, VAT block, multi-page tables, wrapping, how it
 * writes its e-mails; the documents of a family differ only in content.
 */
import { makeCatalog, type Product } from './catalog.ts';
import { type ColumnKey, LANGS, type Lang, WORDS } from './words.ts';

export const FAMILY_COUNT = 24;
/** Seed of the families and of the tuning / held-out split (docs/evaluation.md lists both). */
export const FAMILY_SEED = 20261207;

export type HeaderPos = 'right' | 'left' | 'box' | 'under' | 'sentence';
export type NumberFormat = 'eu' | 'us' | 'fr' | 'ch';
export type DateFormat = 'dmy-slash' | 'dmy-dot' | 'dmy-dash' | 'mdy' | 'iso' | 'long' | 'abbr';
export type Pricing = 'none' | 'unit' | 'discount' | 'per100';
export type Split = 'tuning' | 'held-out';

export interface Column {
  key: ColumnKey;
  title: string;
  width: number;
}

export interface CustomerIdentity {
  id: string;
  name: string;
  country: string;
  /** As master data holds it (with country prefix). */
  taxId: string;
  /** As the document prints it. */
  taxPrinted: string;
  fax: string;
  faxPrinted: string;
  domain: string;
  email: string;
  address: string[];
  currency: string;
}

export interface FamilySpec {
  id: string;
  index: number;
  split: Split;
  lang: Lang;
  customer: CustomerIdentity;
  title: string;
  labels: {
    po: string;
    date: string;
    delivery: string;
    total: string;
    tax: string;
    buyer: string;
    vendor: string;
  };
  /** net, tax, gross labels and the tax rate; null: one total line. */
  vat: { labels: [string, string, string]; rate: number } | null;
  carry: [string, string];
  headerPos: HeaderPos;
  columns: Column[];
  pricing: Pricing;
  numberFormat: NumberFormat;
  dateFormat: DateFormat;
  font: 'helvetica' | 'times' | 'courier';
  size: number;
  logo: 'none' | 'circle' | 'bars' | 'diamond';
  stamp: string | null;
  ruled: 'none' | 'lines' | 'grid';
  multiPage: boolean;
  rowsPerPage: number;
  wrap: boolean;
  /** Share of documents whose delivery date is "to be agreed". */
  tbdRate: number;
  poPattern: string;
  refPattern: string;
  unitWord: string;
  /** Decimals printed on quantities (0: "1.200", 2: "1.200,00"). */
  qtyDecimals: number;
  currencyMark: 'symbol' | 'code' | 'none';
  email: 'table' | 'list' | 'prose';
  /** Indexes into the catalog: what this customer buys. */
  assortment: number[];
  /** Per catalog index: the customer's own code (cross-reference), when it uses one. */
  refs: Map<number, string>;
  /** Per catalog index: the customer's price as printed (gross of discount) and its discount %. */
  prices: Map<number, { gross: number; discount: number; net: number }>;
}

export function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
export const pick = <T>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
export const round2 = (n: number) => Math.round(n * 100) / 100;
export const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

const COUNTRY: Record<Lang, string[]> = {
  es: ['ES'],
  en: ['GB', 'US'],
  fr: ['FR', 'BE'],
  de: ['DE', 'CH', 'AT'],
  it: ['IT'],
  pt: ['PT'],
};
const CURRENCY: Record<string, string> = { GB: 'GBP', US: 'USD', CH: 'CHF' };
/** Country calling code and an area code, for fax numbers. */
const PHONE: Record<string, [string, string]> = {
  ES: ['34', '91'],
  GB: ['44', '161'],
  US: ['1', '312'],
  FR: ['33', '4'],
  BE: ['32', '2'],
  DE: ['49', '89'],
  CH: ['41', '44'],
  AT: ['43', '1'],
  IT: ['39', '02'],
  PT: ['351', '22'],
};
const NAME_PARTS: Record<Lang, { first: string[]; second: string[]; form: string[] }> = {
  es: {
    first: ['Ferretería', 'Suministros', 'Almacenes', 'Distribuciones'],
    second: ['Montes', 'del Ebro', 'Ruiz', 'Levante'],
    form: ['SL', 'SA', 'S.L.U.'],
  },
  en: {
    first: ['Northern', 'Atlas', 'Brook', 'Keystone'],
    second: ['Fixings', 'Industrial Supply', 'Hardware', 'Fasteners'],
    form: ['Ltd', 'Inc.', 'LLC'],
  },
  fr: {
    first: ['Quincaillerie', 'Comptoir', 'Établissements'],
    second: ['Dubois', 'du Rhône', 'Lefèvre', 'Martin'],
    form: ['SARL', 'SAS', 'SA'],
  },
  de: {
    first: ['Eisenwaren', 'Werkzeughandel', 'Technik'],
    second: ['Huber', 'Schneider', 'Alpen', 'Becker'],
    form: ['GmbH', 'AG', 'KG'],
  },
  it: {
    first: ['Ferramenta', 'Forniture', 'Utensileria'],
    second: ['Rossi', 'Lombarda', 'Bianchi', 'Adriatica'],
    form: ['S.r.l.', 'S.p.A.', 'S.n.c.'],
  },
  pt: {
    first: ['Ferragens', 'Comercial', 'Armazéns'],
    second: ['Silva', 'do Norte', 'Costa', 'Atlântico'],
    form: ['Lda.', 'S.A.', 'Unipessoal Lda.'],
  },
};
const STREETS: Record<Lang, string[]> = {
  es: ['C/ Industria 14', 'Pol. Ind. Las Vegas, nave 7'],
  en: ['12 Mill Lane', 'Unit 3, Riverside Park'],
  fr: ['14 rue des Artisans', 'ZI du Moulin, lot 9'],
  de: ['Industriestraße 22', 'Gewerbepark 5'],
  it: ['Via dell’Industria 31', 'Zona Ind. Nord, lotto 4'],
  pt: ['Rua da Indústria, 45', 'Zona Industrial, lote 12'],
};
const CITIES: Record<string, string[]> = {
  ES: ['28914 Leganés', '46980 Paterna', '50197 Zaragoza'],
  GB: ['Leeds LS11 5QT', 'Bristol BS3 4RU'],
  US: ['Chicago, IL 60608', 'Columbus, OH 43215'],
  FR: ['69007 Lyon', '31100 Toulouse'],
  BE: ['1070 Bruxelles'],
  DE: ['80939 München', '70565 Stuttgart'],
  CH: ['8005 Zürich'],
  AT: ['1230 Wien'],
  IT: ['20090 Segrate (MI)', '40138 Bologna'],
  PT: ['4470-177 Maia', '2690-361 Santa Iria de Azóia'],
};
const STAMPS: Record<Lang, string[]> = {
  es: ['RECIBIDO', 'URGENTE', 'APROBADO'],
  en: ['APPROVED', 'URGENT', 'RECEIVED'],
  fr: ['URGENT', 'VALIDÉ'],
  de: ['EILT', 'GENEHMIGT', 'EINGANG'],
  it: ['URGENTE', 'APPROVATO'],
  pt: ['URGENTE', 'APROVADO'],
};
const PO_PATTERNS = [
  '4500######',
  'PC26/####',
  'OC-2026-####',
  '{I}-#####',
  '26######',
  'P#######',
  '{I}/26/####',
];
const REF_PATTERNS = ['######', 'A-#######', '##.###.###', '{I}####', 'M-####-##'];

function digits(rnd: () => number, n: number): string {
  let s = String(1 + Math.floor(rnd() * 9));
  while (s.length < n) s += String(Math.floor(rnd() * 10));
  return s;
}

export function fillPattern(pattern: string, initials: string, rnd: () => number): string {
  return pattern.replace('{I}', initials).replace(/#+/g, (m) => digits(rnd, m.length));
}

function taxIds(country: string, rnd: () => number): { master: string; printed: string[] } {
  switch (country) {
    case 'ES': {
      const n = `B${digits(rnd, 8)}`;
      return {
        master: `ES${n}`,
        printed: [n, `ES${n}`, `${n[0]}-${n.slice(1, 3)}.${n.slice(3, 6)}.${n.slice(6)}`],
      };
    }
    case 'US': {
      const n = digits(rnd, 9);
      return { master: `US${n}`, printed: [`${n.slice(0, 2)}-${n.slice(2)}`] };
    }
    case 'CH': {
      const n = digits(rnd, 9);
      return { master: `CHE${n}`, printed: [`CHE-${n.slice(0, 3)}.${n.slice(3, 6)}.${n.slice(6)} MWST`] };
    }
    default: {
      const len = { GB: 9, FR: 11, BE: 10, DE: 9, AT: 9, IT: 11, PT: 9 }[country] ?? 9;
      const n = (country === 'AT' ? 'U' : '') + digits(rnd, country === 'AT' ? 8 : len);
      return { master: `${country}${n}`, printed: [`${country}${n}`, `${country} ${n}`] };
    }
  }
}

function identity(i: number, lang: Lang, rnd: () => number): CustomerIdentity {
  // Countries of a language take turns, so every number and date convention gets its families.
  const country = COUNTRY[lang][Math.floor(i / LANGS.length) % COUNTRY[lang].length]!;
  const p = NAME_PARTS[lang];
  const name = `${pick(rnd, p.first)} ${pick(rnd, p.second)} ${pick(rnd, p.form)}`;
  const tax = taxIds(country, rnd);
  const local = digits(rnd, 7);
  const [cc, area] = PHONE[country]!;
  const fax = `+${cc}${area}${local}`;
  const national =
    country === 'US'
      ? `(${area}) ${local.slice(0, 3)}-${local.slice(3)}`
      : ['ES', 'IT', 'PT'].includes(country)
        ? `${area} ${local.slice(0, 3)} ${local.slice(3)}`
        : `0${area} ${local}`;
  const faxPrinted = rnd() < 0.5 ? `+${cc} ${area} ${local}` : national;
  const slug = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\b(sl|sa|slu|ltd|inc|llc|sarl|sas|gmbh|ag|kg|srl|spa|snc|lda|unipessoal)\b|[^a-z]/g, '');
  const tld = { GB: 'co.uk', US: 'com', CH: 'ch', AT: 'at', BE: 'be' }[country] ?? country.toLowerCase();
  const domain = `${slug.slice(0, 18)}${i}.${tld}`;
  return {
    id: `E${String(201 + i)}`,
    name,
    country,
    taxId: tax.master,
    taxPrinted: pick(rnd, tax.printed),
    fax,
    faxPrinted,
    domain,
    email: `${{ es: 'compras', en: 'purchasing', fr: 'achats', de: 'einkauf', it: 'acquisti', pt: 'compras' }[lang]}@${domain}`,
    address: [pick(rnd, STREETS[lang]), pick(rnd, CITIES[country]!)],
    currency: CURRENCY[country] ?? 'EUR',
  };
}

const WIDTH: Record<ColumnKey, number> = {
  pos: 28,
  sku: 70,
  custRef: 66,
  ean: 86,
  description: 190,
  quantity: 48,
  unit: 34,
  unitPrice: 58,
  per100: 62,
  discount: 44,
  amount: 66,
};

function columnsOf(rnd: () => number, lang: Lang, pricing: Pricing, wrap: boolean): Column[] {
  const codes = pick(rnd, [
    ['sku'],
    ['custRef'],
    ['ean'],
    ['custRef', 'sku'],
    ['sku', 'ean'],
    ['custRef', 'ean'],
  ] as ColumnKey[][]);
  const keys: ColumnKey[] = [];
  if (rnd() < 0.5) keys.push('pos');
  const qtyFirst = rnd() < 0.25;
  if (qtyFirst) keys.push('quantity');
  keys.push(...codes, 'description');
  const unit = rnd() < 0.5;
  if (!qtyFirst)
    keys.push(
      ...((unit && rnd() < 0.5
        ? ['unit', 'quantity']
        : unit
          ? ['quantity', 'unit']
          : ['quantity']) as ColumnKey[]),
    );
  else if (unit) keys.push('unit');
  if (pricing === 'unit') keys.push('unitPrice', 'amount');
  if (pricing === 'discount') keys.push('unitPrice', 'discount', 'amount');
  if (pricing === 'per100') keys.push('per100', 'amount');
  const cols = keys.map((key) => ({ key, title: pick(rnd, WORDS[lang].columns[key]), width: WIDTH[key] }));
  // The description takes what is left of the 495-point table; a wrapping family keeps it narrow.
  const others = cols.reduce((s, c) => s + (c.key === 'description' ? 0 : c.width), 0);
  const d = cols.find((c) => c.key === 'description')!;
  d.width = Math.max(110, Math.min(wrap ? 150 : 260, 495 - others));
  return cols;
}

/** The families of a seed: languages and header positions cycle, the rest is drawn. */
export function makeFamilies(
  seed = FAMILY_SEED,
  count = FAMILY_COUNT,
  catalog: Product[] = makeCatalog(),
): FamilySpec[] {
  const rnd = random(seed);
  const catalogSize = catalog.length;
  const positions: HeaderPos[] = ['right', 'left', 'box', 'under', 'sentence'];
  const families: FamilySpec[] = [];
  for (let i = 0; i < count; i++) {
    const lang = LANGS[i % LANGS.length]!;
    const w = WORDS[lang];
    const customer = identity(i, lang, rnd);
    const pricing = pick(rnd, ['unit', 'unit', 'discount', 'per100', 'none'] as Pricing[]);
    const wrap = rnd() < 0.3;
    const multiPage = rnd() < 0.3;
    const numberFormat: NumberFormat =
      customer.country === 'US' || customer.country === 'GB'
        ? 'us'
        : customer.country === 'CH'
          ? 'ch'
          : lang === 'fr' || (lang === 'pt' && rnd() < 0.5)
            ? 'fr'
            : 'eu';
    const dateFormat: DateFormat =
      customer.country === 'US'
        ? pick(rnd, ['mdy'] as DateFormat[])
        : pick(rnd, ['dmy-slash', 'dmy-dot', 'dmy-dash', 'iso', 'long', 'abbr'] as DateFormat[]);
    const assortment = [...Array(catalogSize).keys()].sort(() => rnd() - 0.5).slice(0, multiPage ? 26 : 10);
    const refPattern = pick(rnd, REF_PATTERNS);
    const initials = customer.name.replace(/[^A-ZÁÉÍÓÚÜ]/g, '').slice(0, 3) || 'CU';
    const refs = new Map<number, string>();
    for (const a of assortment) refs.set(a, fillPattern(refPattern, initials, rnd));
    const columns = columnsOf(rnd, lang, pricing, wrap);
    const vat = pricing !== 'none' && rnd() < 0.5 ? pick(rnd, w.vat) : null;
    families.push({
      id: `F${String(i + 1).padStart(2, '0')}`,
      index: i,
      split: 'tuning',
      lang,
      customer,
      title: pick(rnd, w.title),
      labels: {
        po: pick(rnd, w.po),
        date: pick(rnd, w.date),
        delivery: pick(rnd, w.delivery),
        total: pick(rnd, w.total),
        tax: pick(rnd, w.taxLabel),
        buyer: pick(rnd, w.buyer),
        vendor: pick(rnd, w.vendor),
      },
      vat: vat
        ? { labels: vat, rate: Number(/(\d+(?:[.,]\d+)?)\s*%/.exec(vat[1])![1]!.replace(',', '.')) }
        : null,
      carry: pick(rnd, w.carry),
      headerPos: positions[(i + Math.floor(i / positions.length)) % positions.length]!,
      columns,
      pricing,
      numberFormat,
      dateFormat,
      font: pick(rnd, ['helvetica', 'helvetica', 'times', 'courier'] as const),
      size: pick(rnd, [8, 8.5, 9, 9.5, 10, 10.5]),
      logo: pick(rnd, ['none', 'circle', 'bars', 'diamond'] as const),
      stamp: rnd() < 0.35 ? pick(rnd, STAMPS[lang]) : null,
      ruled: pick(rnd, ['none', 'lines', 'grid'] as const),
      multiPage,
      rowsPerPage: wrap ? 9 : 12,
      wrap,
      tbdRate: rnd() < 0.3 ? 0.5 : 0,
      poPattern: pick(rnd, PO_PATTERNS).replace('{I}', initials),
      refPattern,
      unitWord: pick(rnd, w.units),
      qtyDecimals: rnd() < 0.3 ? 2 : 0,
      currencyMark: pick(rnd, ['symbol', 'code', 'none'] as const),
      email: pick(rnd, ['table', 'list', 'prose'] as const),
      assortment,
      refs,
      prices: pricesOf(rnd, assortment, catalog, pricing),
    });
  }
  // The split: a seeded shuffle of the family ids, not a look at any result.
  const order = families.map((f) => f.id).sort(() => 0);
  const srnd = random(seed ^ 0x5eed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(srnd() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const tuning = new Set(order.slice(0, Math.ceil(count / 2)));
  for (const f of families) f.split = tuning.has(f.id) ? 'tuning' : 'held-out';
  return families;
}

/** The customer's own prices: a factor on the list price, a line discount where the ERP prints one. */
function pricesOf(
  rnd: () => number,
  assortment: number[],
  catalog: Product[],
  pricing: Pricing,
): FamilySpec['prices'] {
  const out: FamilySpec['prices'] = new Map();
  for (const a of assortment) {
    const p = catalog[a]!;
    const factor = 0.85 + rnd() * 0.3;
    if (pricing === 'per100') {
      const per100 = round2(p.listPrice * factor * 100);
      out.set(a, { gross: per100, discount: 0, net: round6(per100 / 100) });
      continue;
    }
    const scale = p.listPrice < 1 ? 1000 : 100;
    const gross = Math.round(p.listPrice * factor * scale) / scale;
    const discount = pricing === 'discount' ? pick(rnd, [5, 10, 15, 20, 25]) : 0;
    out.set(a, { gross, discount, net: round6(gross * (1 - discount / 100)) });
  }
  return out;
}

/** What makes two families look different: everything but identity and content. */
export function layoutSignature(f: FamilySpec): string {
  return JSON.stringify([
    f.lang,
    f.title,
    f.labels.po,
    f.labels.date,
    f.headerPos,
    f.columns.map((c) => `${c.key}:${c.title}`),
    f.pricing,
    f.numberFormat,
    f.dateFormat,
    f.font,
    f.size,
    f.logo,
    f.stamp,
    f.ruled,
    f.vat,
    f.multiPage,
    f.wrap,
  ]);
}
