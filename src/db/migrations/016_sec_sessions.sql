-- Sign-in attempts of the review workspace, per client IP and per login, shared by every process
-- on the database. An attempt is counted (atomically, by the row lock of the upsert) before its
-- password is checked, so parallel requests cannot all slip under the limit.
CREATE TABLE login_throttle (
  key          text PRIMARY KEY,
  window_start timestamptz NOT NULL,
  attempts     integer NOT NULL
);
CREATE INDEX login_throttle_window_idx ON login_throttle (window_start);

-- The customer portal's own sessions, opened from an access token: only the SHA-256 of the
-- cookie is stored, a session expires, logout deletes it, and revoking the token it was opened
-- from ends it (the cookie is never the token itself, so it opens nothing on the API).
CREATE TABLE portal_sessions (
  token_sha256 text PRIMARY KEY,
  token_id     bigint NOT NULL REFERENCES customer_tokens (id) ON DELETE CASCADE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL
);
CREATE INDEX portal_sessions_expiry_idx ON portal_sessions (expires_at);
