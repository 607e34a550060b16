import type { ValidationConfig } from '../config.ts';
import { type Finding, type FindingParams, finding } from '../domain/findings.ts';
import type { OrderLine } from '../domain/order.ts';
import type { ProductFacts } from './types.ts';

/**
 * Unit codes that mean the same thing: UN/ECE Rec. 20 codes and what documents in Spanish,
 * English, French, German, Italian and Portuguese print for pieces, metres, rolls, boxes, packs.
 */
const UNIT_GROUPS: Record<string, string[]> = {
  EA: [
    'EA',
    'PCE',
    'C62',
    'H87',
    'PC',
    'PCS',
    'UN',
    'UD',
    'UDS',
    'UNID',
    'UNIDAD',
    'UNIDADES',
    'UNI',
    'UNITÀ',
    'UNITA',
    'UNIDADE',
    'UNIT',
    'UNITS',
    'U',
    'EACH',
    'PIECE',
    'PIECES',
    'PZ',
    'PZA',
    'PZAS',
    'PEZZI',
    'PEZZO',
    'NR',
    'N',
    'ST',
    'STK',
    'STCK',
    'STÜCK',
    'STUCK',
    'PIÈCE',
    'PIECE',
    'PCE',
    'UNITÉ',
    'UNITE',
    'UNIDADE',
    'UNIDADES',
    'UNITÀ',
    'UNITA',
    'UND',
  ],
  PR: ['PR', 'PAR', 'PAIR', 'PAIRE', 'PAAR', 'PAIO'],
  KGM: ['KG', 'KGM', 'KGS'],
  MTR: [
    'M',
    'MTR',
    'MT',
    'MTS',
    'ML',
    'METRO',
    'METROS',
    'METRE',
    'METRES',
    'METER',
    'METERS',
    'MÈTRE',
    'MTRS',
    'LFM',
  ],
  LTR: ['L', 'LTR', 'LT', 'LITRO', 'LITROS', 'LITRE', 'LITER'],
  RL: [
    'RL',
    'RO',
    'ROLL',
    'ROLLS',
    'ROLLO',
    'ROLLOS',
    'ROLO',
    'ROLOS',
    'ROULEAU',
    'ROULEAUX',
    'ROLLE',
    'ROLLEN',
    'ROTOLO',
    'ROTOLI',
    'BOBINA',
    'BOBINE',
    'RLL',
    'CO',
    'COUR',
    'COURONNE',
    'COURONNES',
    'RLX',
  ],
  CJ: [
    'CJ',
    'CT',
    'BX',
    'BOX',
    'BOXES',
    'CAJA',
    'CAJAS',
    'CX',
    'CAIXA',
    'CAIXAS',
    'BOÎTE',
    'BOITE',
    'BOITES',
    'CARTON',
    'KARTON',
    'KARTONS',
    'KAR',
    'SCHACHTEL',
    'KRT',
    'SCATOLA',
    'SCATOLE',
    'CF',
    'CONF',
    'CAR',
    'CTN',
    'CASE',
    'BT',
    'BTE',
  ],
  PK: ['PK', 'PACK', 'PACKS', 'PAQUETE', 'PAQ', 'PAQUET', 'PACOTE', 'PACCO', 'PAK', 'PCK', 'PAQUETES'],
};
const UNIT_ALIASES: Record<string, string> = Object.fromEntries(
  Object.entries(UNIT_GROUPS).flatMap(([code, names]) => names.map((n) => [n, code])),
);

export function canonicalUnit(unit: string): string {
  const u = unit.trim().toUpperCase().replace(/\.$/, '').replace(/\.$/, '');
  return UNIT_ALIASES[u] ?? u;
}

/** Counted units, where a fraction of a piece is an error. */
function isCounted(unit: string | null): boolean {
  return unit !== null && ['EA', 'PR'].includes(canonicalUnit(unit));
}

/** Trailing zeros off, at most 6 decimals: 0.12, 25, 1234.5. */
export function num(n: number): string {
  return String(Number(n.toFixed(6)));
}

export function money(n: number): string {
  return n.toFixed(2);
}

function percent(ratio: number): string {
  return `${num(Math.round(ratio * 1000) / 10)}%`;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The line as findings name it: its number and, once known, its article. */
function lineParams(line: OrderLine): FindingParams {
  return { line: line.lineNo, sku: line.sku ?? null };
}

function label(line: OrderLine): string {
  return line.sku ? `Line ${line.lineNo} (${line.sku})` : `Line ${line.lineNo}`;
}

/** False when the document's unit and the catalog's differ: quantities and prices are then not comparable. */
export function sameUnit(line: OrderLine, product: ProductFacts): boolean {
  return line.unit === null || canonicalUnit(line.unit) === canonicalUnit(product.unit);
}

export function checkUnit(line: OrderLine, index: number, product: ProductFacts): Finding[] {
  if (sameUnit(line, product)) return [];
  return [
    finding(
      'quantity_anomaly',
      'warning',
      `lines[${index}].unit`,
      `${label(line)}: unit ${line.unit} differs from the catalog unit ${product.unit}; quantity and price were not checked`,
      { t: 'quantity_anomaly.unit', ...lineParams(line), unit: line.unit, catalogUnit: product.unit },
    ),
  ];
}

/**
 * The line's unit price against the customer's price (prices.csv), else the list price. A missing
 * unit price is fine: the ERP prices the line. Prices in another currency are not compared.
 */
export function checkPrice(
  line: OrderLine,
  index: number,
  product: ProductFacts,
  ctx: { currency: string | null; customerCurrency: string | null; tolerance: number },
): Finding[] {
  if (line.unitPrice === null) return [];
  const own = product.customerPrice !== null;
  const reference = own ? product.customerPrice! : product.unitPrice;
  const what = own ? "the customer's price" : 'the list price';
  const refCurrency = own ? (ctx.customerCurrency ?? product.currency) : product.currency;
  const field = `lines[${index}].unitPrice`;
  if (ctx.currency && refCurrency && ctx.currency !== refCurrency) {
    const msg = `${label(line)}: unit price ${num(line.unitPrice)} ${ctx.currency} cannot be compared with ${what} ${num(reference)} ${refCurrency}`;
    return [
      finding('price_mismatch', 'warning', field, msg, {
        t: 'price_mismatch.currency',
        ...lineParams(line),
        price: line.unitPrice,
        currency: ctx.currency,
        own: own ? 1 : 0,
        reference,
        refCurrency,
      }),
    ];
  }
  const diff =
    reference === 0 ? (line.unitPrice === 0 ? 0 : 1) : Math.abs(line.unitPrice - reference) / reference;
  if (diff <= ctx.tolerance + 1e-9) return [];
  const by = reference === 0 ? '' : ` by ${percent(diff)}`;
  const msg = `${label(line)}: unit price ${num(line.unitPrice)} differs from ${what} ${num(reference)}${by} (tolerance ${percent(ctx.tolerance)})`;
  return [
    finding('price_mismatch', 'warning', field, msg, {
      t: 'price_mismatch.differs',
      ...lineParams(line),
      price: line.unitPrice,
      own: own ? 1 : 0,
      reference,
      diff: reference === 0 ? null : diff,
      tolerance: ctx.tolerance,
    }),
  ];
}

/** Quantity sanity: positive, whole for counted units; then min_qty, pack_size and history. */
export function checkQuantity(
  line: OrderLine,
  index: number,
  product: ProductFacts | null,
  config: ValidationConfig,
): Finding[] {
  const q = line.quantity;
  if (q === null) return [];
  const field = `lines[${index}].quantity`;
  const anomaly = (severity: 'error' | 'warning', text: string, params: FindingParams) => [
    finding('quantity_anomaly', severity, field, `${label(line)}: quantity ${num(q)} ${text}`, {
      ...lineParams(line),
      quantity: q,
      ...params,
    }),
  ];
  if (q <= 0) return anomaly('error', 'must be greater than 0', { t: 'quantity_anomaly.notPositive' });
  const unit = line.unit ?? product?.unit ?? null;
  if (isCounted(unit) && !Number.isInteger(q)) {
    return anomaly('error', `is not a whole number of ${unit}`, { t: 'quantity_anomaly.notWhole', unit });
  }
  if (!product || !sameUnit(line, product)) return [];
  if (product.minQty !== null && q < product.minQty) {
    return anomaly('warning', `is below the minimum order quantity ${num(product.minQty)}`, {
      t: 'quantity_anomaly.belowMin',
      min: product.minQty,
    });
  }
  if (product.packSize !== null && !isMultiple(q, product.packSize)) {
    return anomaly('warning', `is not a multiple of the pack size ${num(product.packSize)}`, {
      t: 'quantity_anomaly.pack',
      pack: product.packSize,
    });
  }
  const unusual = historyAnomaly(q, product.history, config);
  if (!unusual) return [];
  return anomaly('warning', unusual, {
    t: 'quantity_anomaly.history',
    high: q > median(product.history) ? 1 : 0,
    factor: config.quantityAnomalyFactor,
    median: median(product.history),
    orders: product.history.length,
  });
}

function isMultiple(q: number, pack: number): boolean {
  const r = q / pack;
  return Math.abs(r - Math.round(r)) < 1e-9;
}

/**
 * Far from this customer's usual quantity of the SKU: more than `factor` times the median of its
 * past orders, or less than the median divided by `factor`. The median, not the mean, so one
 * exceptional past order does not move the bar.
 */
export function historyAnomaly(q: number, history: number[], config: ValidationConfig): string | null {
  if (history.length < config.quantityHistoryMin) return null;
  const med = median(history);
  const f = config.quantityAnomalyFactor;
  const usual = `this customer's median of ${num(med)} over ${history.length} past orders`;
  if (q > med * f) return `is more than ${num(f)} times ${usual}`;
  if (q < med / f) return `is less than 1/${num(f)} of ${usual}`;
  return null;
}
