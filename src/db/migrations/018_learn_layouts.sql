-- What the learner (src/learn) keeps per customer and page layout: one row per version of a
-- layout, recognised by a fingerprint of the page's label words. A newer confirmed order of the
-- same layout that contradicts it adds a version and marks the old one replaced. An admin can
-- switch the whole layout off, or single parts of it (a header field, the table, the cross-
-- references, the ignored words) through `disabled`.
CREATE TABLE learned_layouts (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id text NOT NULL,
  layout_key  text NOT NULL,
  version     integer NOT NULL,
  fingerprint jsonb NOT NULL,
  model       jsonb NOT NULL,
  disabled    text[] NOT NULL DEFAULT '{}',
  active      boolean NOT NULL DEFAULT true,
  -- No foreign keys: what was learned outlives the document's retention period.
  document_id bigint,
  order_id    bigint,
  source      text NOT NULL CHECK (source IN ('review', 'teach', 'history')),
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  replaced_at timestamptz,
  replaced_by bigint,
  UNIQUE (layout_key, version)
);
CREATE INDEX learned_layouts_active_idx ON learned_layouts (customer_id) WHERE active AND replaced_at IS NULL;
