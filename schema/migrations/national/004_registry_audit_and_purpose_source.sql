-- Append-only record of every change (and refused attempt) to the region registry:
-- who, what, when. A registration decides where national patient lookups go.
CREATE TABLE registry_event (
  id              bigserial PRIMARY KEY,
  at              timestamptz NOT NULL DEFAULT now(),
  user_id         text NOT NULL,
  role            text NOT NULL,
  organisation    text,
  action          text NOT NULL CHECK (action IN ('REGISTER', 'DEREGISTER')),
  region_code     text NOT NULL,
  url             text,
  outcome         text NOT NULL CHECK (outcome IN ('CREATED', 'REPLACED', 'DEREGISTERED', 'NOT_REGISTERED', 'REFUSED', 'DENIED')),
  reasons         text[] NOT NULL DEFAULT '{}',
  request_id      text NOT NULL
);
CREATE INDEX registry_event_code_idx ON registry_event (region_code, at DESC);

-- One guard for every append-only table, naming the table it refuses for.
CREATE FUNCTION append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP;
END $$;
CREATE TRIGGER registry_event_no_update_delete BEFORE UPDATE OR DELETE ON registry_event
  FOR EACH ROW EXECUTE FUNCTION append_only();
CREATE TRIGGER registry_event_no_truncate BEFORE TRUNCATE ON registry_event
  FOR EACH STATEMENT EXECUTE FUNCTION append_only();

REVOKE ALL ON registry_event FROM PUBLIC;
GRANT SELECT, INSERT ON registry_event TO imaging_gateway_app;
GRANT USAGE ON SEQUENCE registry_event_id_seq TO imaging_gateway_app;

-- Whether an access's purpose of use was stated by the identity provider (token claim) or
-- asserted by the caller (X-Purpose-Of-Use header).
ALTER TABLE audit_event ADD COLUMN purpose_source text CHECK (purpose_source IN ('TOKEN', 'HEADER'));
