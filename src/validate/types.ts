import type { Channel } from '../domain/document.ts';
import type { ExtractedOrder, FieldMeta } from '../domain/extraction.ts';
import type { Finding } from '../domain/findings.ts';
import type { CanonicalOrder } from '../domain/order.ts';

/** One extracted order and what the channel knows about where it came from. */
export interface ValidationInput {
  extracted: ExtractedOrder;
  channel: Channel;
  /** E-mail address, fax number or EDI id the channel saw. */
  sender: string | null;
  /** Customer already authenticated by the channel (web token): trusted over any document evidence. */
  channelCustomerId: string | null;
  /**
   * The customer whose access token sent the document when the document itself says who the
   * order is for (EDIFACT posted to the API): not trusted as the customer, but an order for
   * anyone else is held for a person (`customer_mismatch`).
   */
  sentByCustomerId?: string | null;
  /**
   * The channel's own identity of the sender (src/pipeline/identity.ts). Absent: taken from
   * `sender` and `sentByCustomerId` as they are (callers that judged the sender themselves).
   */
  identity?: SenderIdentity;
  /** This document: its own orders never count as duplicates or open orders. */
  documentId: number;
  /** Orders earlier in the same document (an interchange with several messages). */
  earlierInDocument: Array<{ customerId: string | null; poNumber: string | null }>;
}

/**
 * Who sent the document, as the channel knows it. An order is accepted untouched only when this
 * belongs to the customer the document names; `none` (a file the supplier handed in itself) lets
 * the document's own evidence decide; `missing` (an outside arrival without one) never does.
 */
export type SenderIdentity =
  | { kind: 'token'; customerId: string }
  | {
      kind: 'email';
      address: string;
      /** What a trusted gateway's Authentication-Results proved about it, in words. */
      proof: string | null;
      /** Why the address may be forged (a trusted gateway failed it), in words. */
      doubt: string | null;
    }
  /** `via`: the fax-to-mail gateway that reported the number. */
  | { kind: 'fax'; number: string; via: string | null }
  /**
   * `hubAllowed`: an interchange sender that is no customer's may be an EDI hub sending for
   * several buyers (a transport the supplier's EDI gateway authenticated): the document decides.
   */
  | { kind: 'edi'; id: string; hubAllowed?: boolean }
  | { kind: 'missing'; what: string }
  | { kind: 'none' };

/**
 * The order resolved against master data. `order.customer.id` and line `sku` are master-data
 * ids or null, never invented; `findings` holds the extraction's own findings, then validation's.
 */
export interface ValidationResult {
  order: CanonicalOrder;
  findings: Finding[];
  fieldMeta: Record<string, FieldMeta>;
  /** The order's confidence after master data confirmed or doubted its readings, 0..1. */
  confidence: number;
}

/** A customers.csv row as validation needs it. */
export interface CustomerFacts {
  id: string;
  name: string;
  taxId: string | null;
  emails: string[];
  faxNumbers: string[];
  ediIds: string[];
  currency: string | null;
  creditLimit: number | null;
}

/** A products.csv row with what this customer has with it: its own price and past quantities. */
export interface ProductFacts {
  sku: string;
  description: string;
  unit: string;
  unitPrice: number;
  currency: string | null;
  /** 14-digit GTIN. */
  gtin: string | null;
  minQty: number | null;
  packSize: number | null;
  /** prices.csv: the customer's own price, in the customer's currency; null when none. */
  customerPrice: number | null;
  /** order_history.csv: this customer's past quantities of this SKU. */
  history: number[];
}

/** The catalog slice one order touches. */
export interface CatalogFacts {
  /** By SKU. */
  products: Map<string, ProductFacts>;
  /** 14-digit GTIN -> SKU. */
  gtins: Map<string, string>;
  /** This customer's cross-references: customer_ref -> SKU (which may be missing from products). */
  crossRefs: Map<string, string>;
}

/** What earlier orders say about this one: a duplicate, and the customer's open amount. */
export interface OrderFacts {
  /** The first earlier order (other documents, not rejected) with the same customer and PO number. */
  duplicate: { orderId: number; receivedAt: string; status: string } | null;
  /** Date of the same PO number in order_history.csv, when it is there. */
  historyDate: string | null;
  /** Sum of the customer's open orders (accepted, review, delivered; last 30 days; other documents). */
  openAmount: number;
  openCount: number;
}
