-- order-capture schema, version 1. Applied once, in order, at start-up (src/db/migrate.ts).

-- Content-addressed store of every byte that arrived. Written before anything else happens.
CREATE TABLE blobs (
  sha256     text PRIMARY KEY,
  size       integer NOT NULL,
  bytes      bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE documents (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  sha256        text NOT NULL REFERENCES blobs (sha256),
  size          integer NOT NULL,
  channel       text NOT NULL CHECK (channel IN ('email', 'fax', 'edi', 'web', 'scan')),
  source_ref    text NOT NULL,
  sender        text,
  customer_id   text,
  filename      text,
  content_type  text,
  meta          jsonb NOT NULL DEFAULT '{}',
  received_at   timestamptz NOT NULL,
  status        text NOT NULL DEFAULT 'received'
                CHECK (status IN ('received', 'processing', 'processed', 'rejected')),
  status_reason text,
  format        text,
  priority      integer NOT NULL DEFAULT 0,
  processed_at  timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  -- A connector that re-delivers after a crash (before it could confirm) finds its document.
  UNIQUE (channel, source_ref)
);
CREATE INDEX documents_sha256_idx ON documents (sha256);
CREATE INDEX documents_status_idx ON documents (status, received_at);

CREATE TABLE orders (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  document_id   bigint NOT NULL REFERENCES documents (id),
  seq           integer NOT NULL,
  reference     text,
  customer_id   text,
  po_number     text,
  order_date    date,
  delivery_date date,
  currency      text,
  total         numeric(18, 4),
  status        text NOT NULL
                CHECK (status IN ('accepted', 'review', 'rejected', 'delivered', 'failed')),
  confidence    real NOT NULL DEFAULT 0,
  -- The canonical order (CONTRACTS.md section 1) as it stands now.
  data          jsonb NOT NULL,
  -- Per-field confidence and provenance, keyed by canonical path.
  field_meta    jsonb NOT NULL DEFAULT '{}',
  source_text   text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  decided_at    timestamptz,
  delivered_at  timestamptz,
  UNIQUE (document_id, seq)
);
CREATE INDEX orders_customer_po_idx ON orders (customer_id, po_number);
CREATE INDEX orders_status_idx ON orders (status, created_at);

-- Relational projection of the order lines (queries: credit, history, search, KPIs).
CREATE TABLE order_lines (
  order_id     bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  line_no      integer NOT NULL,
  sku          text,
  customer_ref text,
  gtin         text,
  description  text,
  quantity     numeric(18, 4),
  unit         text,
  unit_price   numeric(18, 6),
  amount       numeric(18, 4),
  PRIMARY KEY (order_id, line_no)
);
CREATE INDEX order_lines_sku_idx ON order_lines (sku);

CREATE TABLE findings (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  document_id bigint NOT NULL REFERENCES documents (id),
  order_id    bigint REFERENCES orders (id) ON DELETE CASCADE,
  code        text NOT NULL,
  severity    text NOT NULL CHECK (severity IN ('error', 'warning', 'info')),
  field       text,
  message     text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX findings_order_idx ON findings (order_id);
CREATE INDEX findings_document_idx ON findings (document_id);

-- Append-only audit log: who or what did what, to which field, old and new value.
CREATE TABLE events (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  actor       text NOT NULL,
  document_id bigint,
  order_id    bigint,
  kind        text NOT NULL,
  field       text,
  old_value   jsonb,
  new_value   jsonb,
  detail      jsonb
);
CREATE INDEX events_document_idx ON events (document_id, id);
CREATE INDEX events_order_idx ON events (order_id, id);

CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'events is append-only (% refused)', TG_OP;
END $$;
CREATE TRIGGER events_no_update BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION events_append_only();

-- Master data (CONTRACTS.md section 2).
CREATE TABLE customers (
  id           text PRIMARY KEY,
  name         text NOT NULL,
  tax_id       text,
  emails       text[] NOT NULL DEFAULT '{}',
  fax_numbers  text[] NOT NULL DEFAULT '{}',
  edi_ids      text[] NOT NULL DEFAULT '{}',
  currency     text,
  credit_limit numeric(18, 2),
  sla_hours    numeric(8, 2),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX customers_edi_ids_idx ON customers USING gin (edi_ids);
CREATE INDEX customers_emails_idx ON customers USING gin (emails);
CREATE INDEX customers_fax_idx ON customers USING gin (fax_numbers);
CREATE INDEX customers_tax_id_idx ON customers (tax_id);

CREATE TABLE products (
  sku         text PRIMARY KEY,
  description text NOT NULL,
  unit        text NOT NULL,
  unit_price  numeric(18, 6) NOT NULL,
  currency    text,
  gtin        text,
  min_qty     numeric(18, 4),
  pack_size   numeric(18, 4),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX products_gtin_idx ON products (gtin);

CREATE TABLE cross_refs (
  customer_id  text NOT NULL,
  customer_ref text NOT NULL,
  sku          text NOT NULL,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (customer_id, customer_ref)
);

CREATE TABLE prices (
  customer_id text NOT NULL,
  sku         text NOT NULL,
  unit_price  numeric(18, 6) NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (customer_id, sku)
);

CREATE TABLE order_history (
  customer_id text NOT NULL,
  po_number   text NOT NULL,
  order_date  date NOT NULL,
  sku         text NOT NULL,
  quantity    numeric(18, 4) NOT NULL,
  unit_price  numeric(18, 6),
  PRIMARY KEY (customer_id, po_number, sku)
);
CREATE INDEX order_history_customer_sku_idx ON order_history (customer_id, sku);

-- Access tokens for the web form / portal / API: only the hash is kept.
CREATE TABLE customer_tokens (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id text NOT NULL REFERENCES customers (id),
  token_hash  text NOT NULL UNIQUE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz
);

-- Durable work queue. A job carries ids, never content; a finished job is deleted in the
-- same transaction that stores its result (src/queue/jobs.ts).
CREATE TABLE jobs (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind         text NOT NULL,
  document_id  bigint,
  order_id     bigint,
  status       text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'dead')),
  priority     integer NOT NULL DEFAULT 0,
  run_at       timestamptz NOT NULL DEFAULT now(),
  attempts     integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL DEFAULT 5,
  locked_by    text,
  locked_until timestamptz,
  last_error   text,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jobs_ready_idx ON jobs (kind, priority DESC, run_at, id) WHERE status = 'pending';

-- ERP outbox: one row per order to deliver, inserted in the transaction that accepts it.
CREATE TABLE erp_outbox (
  order_id        bigint PRIMARY KEY REFERENCES orders (id),
  adapter         text NOT NULL,
  idempotency_key text NOT NULL UNIQUE,
  status          text NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  locked_by       text,
  locked_until    timestamptz,
  last_error      text,
  erp_reference   text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  delivered_at    timestamptz
);
CREATE INDEX erp_outbox_ready_idx ON erp_outbox (next_attempt_at, order_id) WHERE status = 'pending';
