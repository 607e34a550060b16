-- The value of each order (its total, or the sum of quantity x unit price when the document gave
-- none), kept at insert so the credit check sums one column over an index instead of
-- re-adding every open order's lines for each new order.
ALTER TABLE orders ADD COLUMN order_value numeric(18, 4);
UPDATE orders o SET order_value = coalesce(o.total,
  (SELECT sum(l.quantity * l.unit_price) FROM order_lines l WHERE l.order_id = o.id));
CREATE INDEX orders_customer_open_idx ON orders (customer_id, created_at)
  WHERE status IN ('accepted', 'review', 'delivered');
