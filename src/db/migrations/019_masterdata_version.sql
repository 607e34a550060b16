-- A label for the current state of master data (customers, products, prices, cross-references,
-- order history), so a process may keep what it read of them between documents and know, with one
-- cheap read, when to forget it. Every statement that writes one of those tables, from any
-- process (an import, the learner, an admin's SQL), gives the label a new value in its own
-- transaction: the new label becomes visible exactly when the new data does. The values come from
-- a sequence of their own (not owned by a table, so TRUNCATE ... RESTART IDENTITY never restarts
-- it): a label is never reused, and equal labels always mean the same data.
CREATE SEQUENCE masterdata_version_seq;

-- One row at most; none (a new or emptied database) means "unknown": nothing is kept.
CREATE TABLE masterdata_version (
  id      boolean PRIMARY KEY DEFAULT true CHECK (id),
  version bigint NOT NULL
);

-- Once per transaction, however many rows or statements it wrote; run at its commit (deferred
-- constraint triggers), so the label's row is locked only while the writer commits: two writers
-- of master data (an import, a reviewer's approval teaching a cross-reference) never wait for each
-- other's whole transaction, nor deadlock on the label. TRUNCATE has no row triggers: it changes
-- the label at once (it locks its whole table until commit anyway).
CREATE FUNCTION masterdata_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('ordercap.masterdata_changed', true) IS DISTINCT FROM 'yes' THEN
    PERFORM set_config('ordercap.masterdata_changed', 'yes', true);
    INSERT INTO masterdata_version (id, version) VALUES (true, nextval('masterdata_version_seq'))
    ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version;
  END IF;
  RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER customers_changed AFTER INSERT OR UPDATE OR DELETE ON customers
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION masterdata_changed();
CREATE TRIGGER customers_truncated AFTER TRUNCATE ON customers
  FOR EACH STATEMENT EXECUTE FUNCTION masterdata_changed();
CREATE CONSTRAINT TRIGGER products_changed AFTER INSERT OR UPDATE OR DELETE ON products
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION masterdata_changed();
CREATE TRIGGER products_truncated AFTER TRUNCATE ON products
  FOR EACH STATEMENT EXECUTE FUNCTION masterdata_changed();
CREATE CONSTRAINT TRIGGER prices_changed AFTER INSERT OR UPDATE OR DELETE ON prices
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION masterdata_changed();
CREATE TRIGGER prices_truncated AFTER TRUNCATE ON prices
  FOR EACH STATEMENT EXECUTE FUNCTION masterdata_changed();
CREATE CONSTRAINT TRIGGER cross_refs_changed AFTER INSERT OR UPDATE OR DELETE ON cross_refs
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION masterdata_changed();
CREATE TRIGGER cross_refs_truncated AFTER TRUNCATE ON cross_refs
  FOR EACH STATEMENT EXECUTE FUNCTION masterdata_changed();
CREATE CONSTRAINT TRIGGER order_history_changed AFTER INSERT OR UPDATE OR DELETE ON order_history
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION masterdata_changed();
CREATE TRIGGER order_history_truncated AFTER TRUNCATE ON order_history
  FOR EACH STATEMENT EXECUTE FUNCTION masterdata_changed();
