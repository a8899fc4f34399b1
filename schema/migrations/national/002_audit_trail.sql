-- Append-only audit trail of access to patient-identifiable data.
CREATE TABLE audit_event (
  id              bigserial PRIMARY KEY,
  at              timestamptz NOT NULL DEFAULT now(),
  user_id         text NOT NULL,
  role            text NOT NULL,
  organisation    text,
  purpose_of_use  text,
  nhs_numbers     text[] NOT NULL DEFAULT '{}',
  study_uids      text[] NOT NULL DEFAULT '{}',
  operation_name  text,
  -- [{ "code": "LDS", "status": "OK", "studyCount": 3 }]: counts, never data
  regions         jsonb NOT NULL DEFAULT '[]',
  outcome         text NOT NULL CHECK (outcome IN ('OK', 'PARTIAL', 'DENIED', 'ERROR')),
  request_id      text NOT NULL
);
CREATE INDEX audit_event_nhs_idx ON audit_event USING gin (nhs_numbers);
CREATE INDEX audit_event_user_idx ON audit_event (user_id, at DESC);
CREATE INDEX audit_event_at_idx ON audit_event (at DESC);

-- Rows can be added, never changed or removed: not by the application, and not by the
-- table's owner either without first dropping these triggers (which is itself visible).
CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_event is append-only: % is not allowed', TG_OP;
END $$;
CREATE TRIGGER audit_event_no_update_delete BEFORE UPDATE OR DELETE ON audit_event
  FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
  FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();

-- The gateway's own database role: it may read the registry and append to the audit
-- trail, but has no UPDATE, DELETE or TRUNCATE privilege on audit_event at all. The gateway
-- switches to it (SET ROLE) on every connection; see gateway/index.ts.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'imaging_gateway_app') THEN
    CREATE ROLE imaging_gateway_app NOLOGIN;
  END IF;
END $$;
GRANT imaging_gateway_app TO CURRENT_USER;
REVOKE ALL ON audit_event FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO imaging_gateway_app;
GRANT SELECT, INSERT ON audit_event TO imaging_gateway_app;
GRANT USAGE ON SEQUENCE audit_event_id_seq TO imaging_gateway_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON region_registration TO imaging_gateway_app;
GRANT SELECT ON schema_migrations TO imaging_gateway_app;
