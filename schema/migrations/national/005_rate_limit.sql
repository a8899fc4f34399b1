-- The per-user rate limit, shared by every gateway replica (rate-limiter-flexible's
-- RateLimiterPostgres layout): a user cannot multiply the limit by the number of replicas.
CREATE TABLE rate_limit (
  key     varchar(255) PRIMARY KEY,
  points  integer NOT NULL DEFAULT 0,
  expire  bigint
);
GRANT SELECT, INSERT, UPDATE, DELETE ON rate_limit TO imaging_gateway_app;
