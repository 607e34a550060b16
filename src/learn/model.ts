/**
 * What the learner keeps about one layout of one customer: where the header values sit (after
 * which label, or at which place of the page), the table's columns, how values are written, the
 * customer's printed codes and the words inside the table that are no line. Plain data (stored as
 * JSON), so an admin can see it and switch parts of it off.
 */

export const HEADER_FIELDS = ['poNumber', 'orderDate', 'deliveryDate', 'total'] as const;
export type LearnedHeaderField = (typeof HEADER_FIELDS)[number];

export const COLUMNS = ['code', 'description', 'quantity', 'unit', 'price', 'amount'] as const;
export type LearnedColumn = (typeof COLUMNS)[number];

/** Parts of a layout an admin can switch off one by one. */
export const PARTS = [...HEADER_FIELDS, 'taxId', 'table', 'formats', 'crossRefs', 'ignore'] as const;
export type LayoutPart = (typeof PARTS)[number];

/** Where a header value sits: after (`right`) or under (`below`) its label, or at a place of the page. */
export interface HeaderRule {
  /** Folded label tokens (`['pedido', 'n']`), empty when the value has no label. */
  label: string[];
  where: 'right' | 'below' | 'place';
  /** The value's box relative to the page (0..1), for `place` and to choose among repeated labels. */
  box: { page: number; x: number; y: number; w: number; h: number };
  /** Words the value took (a written date: several). */
  words: number;
  /** The value goes on on the row under it (a written date over two rows: `martes, 10 de` / `noviembre de 2026`). */
  wraps?: boolean;
}

export interface ColumnRule {
  column: LearnedColumn;
  /** Left and right edge relative to the page width, as the taught lines spread them. */
  x0: number;
  x1: number;
}

export interface TableRule {
  /** Folded words of the column header row. */
  header: string[];
  columns: ColumnRule[];
  /** Which canonical field the printed code is: the supplier SKU, the customer's own code, a GTIN. */
  code: 'sku' | 'customerRef' | 'gtin' | null;
  /** `amount`: the printed price is not the net unit price (a discount column, per 100): amount / quantity is. */
  price: 'price' | 'amount';
  /** The printed price is per this many units (`P. x 100`); absent: per unit. */
  per?: number;
  /** Folded words of the row that ends the table (`total`, `subtotal`). */
  end: string[];
  /**
   * The taught lines as a sequence of roles (`quantity`, `text:x`, `code`, `description`...), for
   * typed e-mails whose columns do not line up.
   */
  sequence: string[] | null;
  /**
   * Where the first taught line stood (page, top relative to the page height): with no header row
   * to open the table, rows well above it are the page's header, not lines. Absent in layouts
   * learned before it was kept.
   */
  top?: { page: number; y: number };
  /**
   * Units the customer prints otherwise than the confirmed order named them (folded printed word ->
   * unit: `rt` -> `RL`), as a person confirmed them.
   */
  units?: Array<{ printed: string; unit: string }>;
}

export interface LayoutModel {
  version: 1;
  header: Partial<Record<LearnedHeaderField, HeaderRule>>;
  /** Where the customer's tax id is printed: read as evidence, which master data then confirms. */
  taxId?: HeaderRule;
  table: TableRule | null;
  formats: {
    number: 'eu' | 'us';
    date: 'dmy' | 'mdy';
    /** The PO number's shape as a pattern (words.ts poShape). */
    poShape: string | null;
  };
  /** Printed code -> SKU, as the confirmed order resolved them. */
  crossRefs: Array<{ ref: string; sku: string }>;
  /** Folded first words of rows inside the table that are no order line (`reporter`, `liefertermin`). */
  ignore: string[];
}

/** A learned layout as the readers get it: the model, with the parts switched off already removed. */
export interface KnownLayout {
  id: number;
  customerId: string;
  fingerprint: string[];
  model: LayoutModel;
  documentId: number | null;
}

/** The model with the switched-off parts taken out. */
export function withoutParts(model: LayoutModel, disabled: readonly string[]): LayoutModel {
  if (disabled.length === 0) return model;
  const off = new Set(disabled);
  const header = Object.fromEntries(
    Object.entries(model.header).filter(([field]) => !off.has(field)),
  ) as LayoutModel['header'];
  return {
    ...model,
    header,
    ...(off.has('taxId') ? { taxId: undefined } : {}),
    table: off.has('table') ? null : model.table,
    formats: off.has('formats') ? { ...model.formats, poShape: null } : model.formats,
    crossRefs: off.has('crossRefs') ? [] : model.crossRefs,
    ignore: off.has('ignore') ? [] : model.ignore,
  };
}

/** What a part holds, in a few words, for the admin page. */
export function describePart(model: LayoutModel, part: LayoutPart): string | null {
  if ((HEADER_FIELDS as readonly string[]).includes(part) || part === 'taxId') {
    const r = part === 'taxId' ? model.taxId : model.header[part as LearnedHeaderField];
    if (!r) return null;
    const pos = `${Math.round(r.box.x * 100)}%, ${Math.round(r.box.y * 100)}% of page ${r.box.page}`;
    return r.where === 'place' ? `at ${pos}` : `${r.where} of "${r.label.join(' ')}" (${pos})`;
  }
  if (part === 'table') {
    const t = model.table;
    if (!t) return null;
    const cols = t.columns.map((c) => `${c.column} ${Math.round(c.x0 * 100)}-${Math.round(c.x1 * 100)}%`);
    const units = (t.units ?? []).map((u) => `${u.printed} = ${u.unit}`);
    return `${cols.join(', ')}; code is ${t.code ?? 'not printed'}; price from ${t.price}${t.per ? ` per ${t.per}` : ''}${units.length > 0 ? `; units ${units.join(', ')}` : ''}`;
  }
  if (part === 'formats') {
    const f = model.formats;
    return `numbers ${f.number}, dates ${f.date}${f.poShape ? `, PO ${f.poShape}` : ''}`;
  }
  if (part === 'crossRefs') {
    return model.crossRefs.length === 0 ? null : model.crossRefs.map((c) => `${c.ref} → ${c.sku}`).join(', ');
  }
  return model.ignore.length === 0 ? null : model.ignore.join(', ');
}
