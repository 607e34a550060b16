-- The archive's full-text search: page text (PDF text layers and OCR) and each order's own text
-- (PO number, EDI segments, e-mail bodies), in the Spanish and English configurations, accents
-- and case folded first, so "almacén" finds "ALMACEN".
CREATE FUNCTION oc_fold(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT translate(lower(coalesce(t, '')), 'áàäâãéèëêíìïîóòöôõúùüûñçº', 'aaaaaeeeeiiiiooooouuuunco')
$$;

ALTER TABLE document_pages ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
  to_tsvector('spanish', oc_fold(text)) || to_tsvector('english', oc_fold(text))
) STORED;
CREATE INDEX document_pages_tsv_idx ON document_pages USING gin (tsv);

ALTER TABLE orders ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
  to_tsvector('spanish', oc_fold(coalesce(po_number, '') || ' ' || coalesce(source_text, '')))
  || to_tsvector('english', oc_fold(coalesce(po_number, '') || ' ' || coalesce(source_text, '')))
) STORED;
CREATE INDEX orders_tsv_idx ON orders USING gin (tsv);
CREATE INDEX documents_received_idx ON documents (received_at);
