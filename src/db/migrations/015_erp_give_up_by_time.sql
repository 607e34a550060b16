-- ERP delivery gives up by elapsed time (erp.giveUpHours), not by a count of attempts: a row
-- keeps trying from `trying_since` (when it was queued, or when an operator sent it again).
ALTER TABLE erp_outbox ADD COLUMN trying_since timestamptz;
UPDATE erp_outbox SET trying_since = created_at;
ALTER TABLE erp_outbox ALTER COLUMN trying_since SET NOT NULL;
ALTER TABLE erp_outbox ALTER COLUMN trying_since SET DEFAULT now();
CREATE INDEX erp_outbox_undelivered_idx ON erp_outbox (created_at) WHERE status IN ('pending', 'failed');
