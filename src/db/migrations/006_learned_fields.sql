-- Header fields learned from operators' corrections: where a customer's documents put a value
-- (the label before it). Versioned: a new correction adds a version, the newest active one is
-- used; admins can see and switch them off. Together with templates/*.yaml they make the
-- customer's template.
CREATE TABLE learned_fields (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id text NOT NULL,
  field       text NOT NULL CHECK (field IN ('poNumber', 'orderDate', 'deliveryDate')),
  label       text NOT NULL,
  version     integer NOT NULL,
  active      boolean NOT NULL DEFAULT true,
  order_id    bigint REFERENCES orders (id),
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (customer_id, field, version)
);
