-- Nonces of gateway requests this region has accepted, shared by every replica of the
-- region (they share this database), so a captured request cannot be replayed against
-- another replica within the signature window. UNLOGGED: no WAL, no fsync per request;
-- a crash empties it, which reopens only the 60 s window of requests captured before it.
CREATE UNLOGGED TABLE gateway_nonce (
  nonce       text PRIMARY KEY,
  expires_at  timestamptz NOT NULL
);
CREATE INDEX gateway_nonce_expiry_idx ON gateway_nonce (expires_at);
