-- The pages of paper-like documents (PDF, fax, scan) as they were read: the page image shown on
-- the review screen (a blob), the words with their boxes, and how they were read.
CREATE TABLE document_pages (
  document_id bigint NOT NULL REFERENCES documents (id),
  page_no     integer NOT NULL,
  width       integer NOT NULL,
  height      integer NOT NULL,
  source      text NOT NULL CHECK (source IN ('text-layer', 'ocr')),
  confidence  real NOT NULL,
  image_sha256 text REFERENCES blobs (sha256),
  words       jsonb NOT NULL DEFAULT '[]',
  text        text NOT NULL DEFAULT '',
  PRIMARY KEY (document_id, page_no)
);
