-- An order an operator rejects is answered too: the same outbox row per order (an order is
-- either confirmed or rejected, never both), with what it says and the operator's reason.
ALTER TABLE confirmation_outbox ADD COLUMN purpose text NOT NULL DEFAULT 'confirmation'
  CHECK (purpose IN ('confirmation', 'rejection'));
ALTER TABLE confirmation_outbox ADD COLUMN reason text;
