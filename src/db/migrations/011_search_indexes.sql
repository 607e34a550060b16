-- Prefix searches on PO numbers and article codes, case-insensitive, from an index
-- (text_pattern_ops makes LIKE 'abc%' use it whatever the collation).
CREATE INDEX orders_po_prefix_idx ON orders (lower(po_number) text_pattern_ops);
CREATE INDEX order_lines_sku_prefix_idx ON order_lines (lower(sku) text_pattern_ops);
CREATE INDEX order_lines_ref_idx ON order_lines (customer_ref);
CREATE INDEX orders_customer_idx ON orders (customer_id, document_id);
