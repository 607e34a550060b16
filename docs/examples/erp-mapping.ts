/**
 * An ERP mapping as a module (ORDERCAP_ERP_MAPPING=docs/examples/erp-mapping.ts): the default
 * export turns the canonical order into the body the ERP takes. Use a module where a JSON
 * template is not enough: computed fields, units converted, lines split or merged.
 */
import type { CanonicalOrder } from '../../src/domain/order.ts';
import type { MappingContext } from '../../src/erp/mapping.ts';

export default function toSalesOrder(order: CanonicalOrder, context: MappingContext) {
  return {
    externalDocumentNumber: order.poNumber,
    customerNumber: order.customer.id,
    orderDate: order.orderDate ?? context.receivedAt.slice(0, 10),
    // Business Central keeps 100 characters of a line description.
    salesOrderLines: order.lines.map((line) => ({
      sequence: line.lineNo * 10000,
      lineType: 'Item',
      lineObjectNumber: line.sku,
      description: line.description?.slice(0, 100) ?? null,
      quantity: line.quantity,
      unitPrice: line.unitPrice,
    })),
  };
}
