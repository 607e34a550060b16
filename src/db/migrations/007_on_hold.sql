-- An order an operator put on hold (waiting for the customer, for stock...): still to review,
-- shown after the others with the reason.
ALTER TABLE orders ADD COLUMN on_hold text;
