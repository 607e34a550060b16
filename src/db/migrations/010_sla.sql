-- When each order is due: arrival plus the customer's sla_hours (or the configured default) in
-- business hours (src/sla/calendar.ts), fixed when the order is first stored.
ALTER TABLE orders ADD COLUMN due_at timestamptz;
CREATE INDEX orders_due_idx ON orders (due_at) WHERE status = 'review';
