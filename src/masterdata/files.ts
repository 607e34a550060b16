import {
  type Column,
  currency,
  decimal,
  emailList,
  faxList,
  gtin,
  idList,
  flag,
  isoDate,
  oneOf,
  taxId,
  text,
  upper,
} from './columns.ts';

/** A loaded row: column name -> SQL parameter (null for an empty optional cell). */
export type Row = Record<string, string | string[] | null>;

/** One master-data file (CONTRACTS.md section 2) and the table it is upserted into. */
export interface FileSpec {
  file: string;
  table: string;
  /** Primary key columns: the upsert's conflict target. */
  key: string[];
  columns: Column[];
  /** The table has an `updated_at` column. */
  updatedAt: boolean;
  /**
   * Merges two rows with the same key in one file. Without it the later row is reported as an
   * error and the first one loads.
   */
  merge?(first: Row, later: Row): Row;
}

const customers: FileSpec = {
  file: 'customers.csv',
  table: 'customers',
  key: ['id'],
  updatedAt: true,
  columns: [
    text('id', true),
    text('name', true),
    taxId('tax_id'),
    emailList('emails'),
    faxList('fax_numbers'),
    idList('edi_ids'),
    currency('currency'),
    decimal('credit_limit', { max: 1e16 }),
    decimal('sla_hours', { max: 1e6 }),
    // Extensions (CONTRACTS.md: unknown columns are ignored elsewhere): how the customer gets order
    // confirmations (empty: on the channel the order came from) and in which language.
    oneOf('confirmations', ['email', 'edi', 'none']),
    oneOf('language', ['es', 'en']),
    // Extension: this customer's orders always go first in the review queue.
    flag('priority'),
  ],
};

const products: FileSpec = {
  file: 'products.csv',
  table: 'products',
  key: ['sku'],
  updatedAt: true,
  columns: [
    text('sku', true),
    text('description', true),
    upper('unit', true),
    decimal('unit_price', { required: true, max: 1e12 }),
    currency('currency'),
    gtin('gtin'),
    decimal('min_qty', { max: 1e14 }),
    decimal('pack_size', { positive: true, max: 1e14 }),
  ],
};

const crossRefs: FileSpec = {
  file: 'cross_refs.csv',
  table: 'cross_refs',
  key: ['customer_id', 'customer_ref'],
  updatedAt: true,
  columns: [text('customer_id', true), text('customer_ref', true), text('sku', true)],
};

const prices: FileSpec = {
  file: 'prices.csv',
  table: 'prices',
  key: ['customer_id', 'sku'],
  updatedAt: true,
  columns: [
    text('customer_id', true),
    text('sku', true),
    decimal('unit_price', { required: true, max: 1e12 }),
  ],
};

const orderHistory: FileSpec = {
  file: 'order_history.csv',
  table: 'order_history',
  key: ['customer_id', 'po_number', 'sku'],
  updatedAt: false,
  columns: [
    text('customer_id', true),
    text('po_number', true),
    isoDate('order_date', true),
    text('sku', true),
    decimal('quantity', { required: true, positive: true, max: 1e14 }),
    decimal('unit_price', { max: 1e12 }),
  ],
  // An ERP export lists a SKU twice when a PO had two lines of it: the history keeps the sum.
  merge: (first, later) => ({
    ...first,
    quantity: String(Number(first.quantity) + Number(later.quantity)),
  }),
};

/** In load order: customers and products first, so a later file's references usually exist. */
export const FILE_SPECS: readonly FileSpec[] = [customers, products, crossRefs, prices, orderHistory];
