-- The IDE's sign-in (gateway/session/): the gateway is a backend-for-frontend, so the
-- identity provider's tokens stay here, shared by every replica, and the browser holds
-- only a random session id. Ids are stored as SHA-256 hashes: a copy of this table does
-- not let anyone present a live cookie.
CREATE TABLE ide_session (
  id_hash           text PRIMARY KEY,
  provider          text NOT NULL,
  csrf_token        text NOT NULL,
  access_token      text NOT NULL,
  refresh_token     text,
  id_token          text,
  -- the ID token's name claim, shown in the IDE
  display_name      text,
  access_expires_at timestamptz NOT NULL,
  expires_at        timestamptz NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ide_session_expires_idx ON ide_session (expires_at);

-- A sign-in under way: the authorization request's state, PKCE verifier and nonce, until
-- the provider sends the browser back (minutes at most). binding_hash ties it to the
-- browser that started it (a short-lived cookie), so a stolen callback URL is useless.
CREATE TABLE ide_login (
  state        text PRIMARY KEY,
  provider     text NOT NULL,
  code_verifier text NOT NULL,
  nonce        text NOT NULL,
  binding_hash text NOT NULL,
  expires_at   timestamptz NOT NULL
);

GRANT SELECT, INSERT, UPDATE, DELETE ON ide_session TO imaging_gateway_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ide_login TO imaging_gateway_app;
