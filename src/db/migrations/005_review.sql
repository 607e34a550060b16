-- The review workspace: operators and their sessions, holds on orders being reviewed, and the
-- order version that keeps two people from deciding one order twice.
CREATE TABLE users (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  login         text NOT NULL UNIQUE,
  name          text NOT NULL,
  role          text NOT NULL CHECK (role IN ('operator', 'admin')),
  -- scrypt$N$r$p$salt$hash (base64), see src/review/passwords.ts
  password_hash text NOT NULL,
  language      text CHECK (language IN ('es', 'en')),
  disabled      boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now()
);

-- Only the SHA-256 of a session token is stored: a copy of the table signs nobody in.
CREATE TABLE user_sessions (
  token_sha256 text PRIMARY KEY,
  user_id      bigint NOT NULL REFERENCES users (id),
  csrf         text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL
);
CREATE INDEX user_sessions_user_idx ON user_sessions (user_id);

ALTER TABLE orders ADD COLUMN version integer NOT NULL DEFAULT 1;
ALTER TABLE orders ADD COLUMN held_by bigint REFERENCES users (id);
ALTER TABLE orders ADD COLUMN held_until timestamptz;
ALTER TABLE orders ADD COLUMN decided_by bigint REFERENCES users (id);
-- Why the order is urgent (urgent wording, a near delivery date); NULL when it is not.
ALTER TABLE orders ADD COLUMN priority text;
CREATE INDEX orders_review_idx ON orders (created_at) WHERE status = 'review';
