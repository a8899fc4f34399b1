-- Keeping the index in step with the region's archives (subgraphs/region/sync/).

-- A study the archive no longer holds: out of histories by default, distinct from
-- ENTERED_IN_ERROR (a clinical correction), and back to AVAILABLE when the archive lists it again.
ALTER TABLE study DROP CONSTRAINT IF EXISTS study_status_check;
ALTER TABLE study ADD CONSTRAINT study_status_check CHECK (status IN ('AVAILABLE', 'ENTERED_IN_ERROR', 'NOT_IN_ARCHIVE'));

-- One row per configured archive: where its change feed was read up to and how the last pass went.
CREATE TABLE sync_archive (
  archive            text PRIMARY KEY,
  change_seq         bigint,
  last_change_at     timestamptz,
  last_pass_at       timestamptz,
  last_pass          jsonb,
  last_error         text,
  last_error_at      timestamptz,
  last_reconciled_at timestamptz,
  updated_at         timestamptz NOT NULL DEFAULT now()
);

-- Which archive supplied which study, so reconciliation of one archive never touches another
-- archive's (or /ingest's) studies; fingerprint is the listing row, to skip unchanged studies.
CREATE TABLE sync_study (
  archive            text NOT NULL REFERENCES sync_archive (archive) ON DELETE CASCADE,
  study_instance_uid text NOT NULL,
  fingerprint        text,
  present            boolean NOT NULL DEFAULT true,
  seen_at            timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (archive, study_instance_uid)
);

-- Studies an archive holds that the index cannot take, with every reason. Leaves when fixed.
CREATE TABLE sync_quarantine (
  archive            text NOT NULL REFERENCES sync_archive (archive) ON DELETE CASCADE,
  source_key         text NOT NULL,
  study_instance_uid text,
  reasons            text[] NOT NULL,
  first_seen_at      timestamptz NOT NULL DEFAULT now(),
  last_seen_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (archive, source_key)
);

-- Region-team reads of the region's own index on /ingest: who, what, when. Append-only.
CREATE TABLE region_audit_event (
  id             bigserial PRIMARY KEY,
  at             timestamptz NOT NULL DEFAULT now(),
  user_id        text NOT NULL,
  role           text NOT NULL,
  operation      text NOT NULL,
  nhs_numbers    text[] NOT NULL DEFAULT '{}',
  study_uids     text[] NOT NULL DEFAULT '{}',
  result_count   integer
);

CREATE FUNCTION region_audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'region_audit_event is append-only';
END $$;
CREATE TRIGGER region_audit_event_no_update BEFORE UPDATE OR DELETE ON region_audit_event
  FOR EACH ROW EXECUTE FUNCTION region_audit_event_append_only();
CREATE TRIGGER region_audit_event_no_truncate BEFORE TRUNCATE ON region_audit_event
  FOR EACH STATEMENT EXECUTE FUNCTION region_audit_event_append_only();
