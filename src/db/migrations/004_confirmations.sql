-- Order confirmations sent back to customers (e-mail, or EDIFACT ORDRSP for EDI customers).
-- customers.confirmations: NULL = on the channel the order came from; 'email', 'edi', 'none'.
ALTER TABLE customers ADD COLUMN confirmations text CHECK (confirmations IN ('email', 'edi', 'none'));
ALTER TABLE customers ADD COLUMN language text CHECK (language IN ('es', 'en'));

-- One row per order, written in the transaction that accepts (or approves) it: the primary key
-- is what keeps a confirmation from being queued twice.
CREATE TABLE confirmation_outbox (
  order_id        bigint PRIMARY KEY REFERENCES orders (id),
  kind            text NOT NULL CHECK (kind IN ('email', 'ordrsp')),
  recipient       text NOT NULL,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  locked_by       text,
  locked_until    timestamptz,
  last_error      text,
  reference       text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  sent_at         timestamptz
);
CREATE INDEX confirmation_outbox_ready_idx ON confirmation_outbox (next_attempt_at, order_id)
  WHERE status = 'pending';
