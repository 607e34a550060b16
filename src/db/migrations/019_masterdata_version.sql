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

CREATE FUNCTION masterdata_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO masterdata_version (id, version) VALUES (true, nextval('masterdata_version_seq'))
  ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version;
  RETURN NULL;
END
$$;

CREATE TRIGGER customers_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON customers
  FOR EACH STATEMENT EXECUTE FUNCTION masterdata_changed();
CREATE TRIGGER products_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON products
  FOR EACH STATEMENT EXECUTE FUNCTION masterdata_changed();
CREATE TRIGGER prices_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON prices
  FOR EACH STATEMENT EXECUTE FUNCTION masterdata_changed();
CREATE TRIGGER cross_refs_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON cross_refs
  FOR EACH STATEMENT EXECUTE FUNCTION masterdata_changed();
CREATE TRIGGER order_history_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON order_history
  FOR EACH STATEMENT EXECUTE FUNCTION masterdata_changed();
