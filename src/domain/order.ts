/** The canonical order (CONTRACTS.md section 1): what every channel ends in. */

export interface CustomerRef {
  /** Id from customers.csv, or null when the customer is unknown. */
  id: string | null;
  name: string | null;
  taxId: string | null;
}

export interface Address {
  name: string | null;
  street: string | null;
  postalCode: string | null;
  city: string | null;
  country: string | null;
}

export interface OrderLine {
  lineNo: number;
  /** The supplier's own SKU (products.csv) after cross-reference resolution. */
  sku: string | null;
  /** What the customer wrote as its article number. */
  customerRef: string | null;
  gtin: string | null;
  description: string | null;
  quantity: number | null;
  unit: string | null;
  unitPrice: number | null;
  amount: number | null;
}

export interface CanonicalOrder {
  customer: CustomerRef;
  poNumber: string | null;
  orderDate: string | null;
  deliveryDate: string | null;
  currency: string | null;
  shipTo: Address | null;
  lines: OrderLine[];
  total: number | null;
  notes: string | null;
}

export function emptyOrder(): CanonicalOrder {
  return {
    customer: { id: null, name: null, taxId: null },
    poNumber: null,
    orderDate: null,
    deliveryDate: null,
    currency: null,
    shipTo: null,
    lines: [],
    total: null,
    notes: null,
  };
}

export function emptyLine(lineNo: number): OrderLine {
  return {
    lineNo,
    sku: null,
    customerRef: null,
    gtin: null,
    description: null,
    quantity: null,
    unit: null,
    unitPrice: null,
    amount: null,
  };
}
