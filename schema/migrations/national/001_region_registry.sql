-- Regions registered with the national gateway. Every gateway replica reads this table,
-- so a registration made through one replica reaches all of them.
CREATE TABLE region_registration (
  code           text PRIMARY KEY CHECK (code ~ '^[A-Z0-9]{2,12}$'),
  name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  url            text NOT NULL,
  timeout_ms     integer CHECK (timeout_ms BETWEEN 50 AND 60000),
  registered_at  timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
