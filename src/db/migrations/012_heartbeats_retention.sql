-- Each running process's heartbeat: its roles and the health of its parts (connectors, workers),
-- written every few seconds (src/monitor/status.ts), so `/health` of any process shows them all.
CREATE TABLE process_heartbeats (
  id          text PRIMARY KEY,
  host        text NOT NULL,
  pid         integer NOT NULL,
  roles       text[] NOT NULL,
  started_at  timestamptz NOT NULL,
  seen_at     timestamptz NOT NULL,
  interval_ms integer NOT NULL,
  parts       jsonb NOT NULL DEFAULT '[]'
);

-- The deletion log: every document the retention policy removed, what it was and why.
CREATE TABLE deletions (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  document_id  bigint NOT NULL,
  channel      text NOT NULL,
  source_ref   text NOT NULL,
  sha256       text NOT NULL,
  size         integer NOT NULL,
  received_at  timestamptz NOT NULL,
  status       text NOT NULL,
  orders       integer NOT NULL,
  customer_ids text[] NOT NULL,
  po_numbers   text[] NOT NULL,
  reason       text NOT NULL,
  deleted_by   text NOT NULL,
  deleted_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX deletions_document_idx ON deletions (document_id);

-- The audit log stays append-only, with one exception: the retention sweeper deletes the events
-- of the documents it deletes, in a transaction it marks with `ordercap.retention = on` (and logs
-- in `deletions`). Updates are refused always.
CREATE OR REPLACE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('ordercap.retention', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'events is append-only (% refused)', TG_OP;
END $$;
