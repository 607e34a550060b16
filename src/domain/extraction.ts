import type { Finding } from './findings.ts';
import type { CanonicalOrder } from './order.ts';
import type { Page } from './page.ts';

/** Where a field's value was read: a page box for images/PDFs, a segment for EDIFACT and X12, a JSON path, an XML element, a cell. */
export type FieldSource =
  | { kind: 'box'; page: number; x: number; y: number; w: number; h: number }
  | { kind: 'segment'; index: number; tag: string; text: string }
  | { kind: 'json'; path: string }
  | { kind: 'text'; line: number; text: string }
  /** An element of an XML order (UBL, cXML, CII), as a path of element names from the root. */
  | { kind: 'xml'; path: string; text: string }
  /** A spreadsheet cell (`B7`), of the named sheet (XLSX) or of the file (CSV: sheet null). */
  | { kind: 'cell'; sheet: string | null; ref: string; text: string };

export interface FieldMeta {
  /** 0..1: how sure the reading is. Structured channels (EDI, JSON) give 1. */
  confidence: number;
  source: FieldSource | null;
  /**
   * What a second OCR look at the field's box read when it disagreed (src/pipeline/second-look.ts),
   * and the confidence before it: master data may show that the second reading was the right one.
   */
  secondReading?: { value: string; before: number };
}

/** Who the document says the customer is; validation resolves it against master data. */
export interface CustomerEvidence {
  /** EDI party ids in order of trust: buyer GLN (NAD+BY), then the UNB interchange sender. */
  partyIds: string[];
  taxId: string | null;
  /**
   * Every other tax id the document prints outside the supplier's own block (a buyer's and an
   * invoicee's, or one a layout left unlabelled): master data decides which one is a customer.
   */
  otherTaxIds?: string[];
  name: string | null;
  email: string | null;
  fax: string | null;
  /** Other fax or phone numbers the document prints outside the supplier's block (a fax header's caller). */
  otherFaxes?: string[];
}

/**
 * One order as a reader/extractor found it, before master-data resolution. Line `sku` holds the
 * supplier article number the document gave (to be verified), `customerRef` the buyer's own
 * article number, `gtin` the GTIN; validation fills `sku` from them or sets it to null.
 */
export interface ExtractedOrder {
  order: CanonicalOrder;
  evidence: CustomerEvidence;
  /** Keyed by canonical path: `poNumber`, `lines[0].quantity`, ... */
  fieldMeta: Record<string, FieldMeta>;
  /** Findings the extraction itself raised (invalid_edifact, low_confidence, missing_field...). */
  findings: Finding[];
  /** Overall extraction confidence 0..1. */
  confidence: number;
  /**
   * Read documents only: the part of `confidence` owed to no single field (no template, no PO
   * number, an unread quantity). Validation recomputes the order's confidence as the lower of
   * this and its deciding fields once master data has confirmed or doubted them. Absent for
   * structured channels (EDI, JSON), whose `confidence` stands as given.
   */
  confidenceCap?: number;
  /**
   * Read without a template, the header vouched for the order (a PO number under a PO label, an
   * order date, a total) but the lines did not (a misread number broke their arithmetic): once
   * validation has mended the number from the price list and every line and the total close,
   * the cap no longer holds the order.
   */
  headerVouches?: boolean;
  /** The part of the document this order came from, as text a person can read (review screen). */
  sourceText: string | null;
  /**
   * Read documents whose PO number no label named: the code-shaped words outside the line table,
   * for validation to hold against the shape of the customer's earlier PO numbers.
   */
  poCandidates?: Array<{ value: string; meta: FieldMeta }>;
  /** Format-specific reference, e.g. EDIFACT message reference number (UNH 0062). */
  reference: string | null;
  /**
   * True when this part of the document holds nothing usable as an order (a non-ORDERS
   * message in an interchange, a message too broken to map): it ends `rejected`, with its
   * findings saying why, while the other parts of the same document go on.
   */
  rejected?: boolean;
}

/**
 * What a message's own headers say about where it came from (e-mail): the channel's identity of
 * the sender, judged apart from anything the document inside says about its buyer.
 */
export interface MessageOrigin {
  /** The From: address, lower case. */
  from: string | null;
  /** To: and Cc: addresses, lower case. */
  to: string[];
  /** The caller's number a fax-to-mail gateway reported (header, subject or body). */
  faxNumber: string | null;
  /** `Authentication-Results` headers, unfolded, without the header name. */
  authenticationResults: string[];
}

/**
 * What extraction gives for a whole document: orders, or a reason why there are none. Readers of
 * paper-like formats add the pages they read (images and words), which the pipeline stores for
 * the review screen and the archive; the e-mail reader adds the message's origin.
 */
export type ExtractOutcome =
  | {
      kind: 'orders';
      orders: ExtractedOrder[];
      findings: Finding[];
      pages?: Page[];
      origin?: MessageOrigin;
      /** EDIFACT: the interchange sender (UNB), the envelope's identity of who sent it. */
      interchangeSender?: string | null;
      /**
       * The format the orders were written in, when a wrapper read them with another reader (an
       * AS2 message's X12 payload: `x12`). It is the document's format, so the reply is that
       * format's (an X12 855), not the wrapper's.
       */
      format?: string;
    }
  | { kind: 'rejected'; findings: Finding[]; pages?: Page[]; origin?: MessageOrigin };

export function emptyEvidence(): CustomerEvidence {
  return { partyIds: [], taxId: null, name: null, email: null, fax: null };
}
