-- Membership: which patients this region holds studies for, as a change log with a
-- high-water mark. The national gateway routes a patient's lookups only to regions whose
-- membership may contain the patient, so every write that can add a patient to this
-- region must raise the sequence. Triggers on `study` do it, so every write path (ingest
-- API, bulk loader, archive sync, a DBA's INSERT) is covered without each remembering.
-- Removing a study never removes membership: a stale entry costs one wasted region call
-- (a false positive); a missing one would hide a study (a false negative).

-- One row. `epoch` identifies this database: a region restored from a backup or rebuilt
-- from scratch gets a new epoch, and the gateway rebuilds its summary instead of trusting
-- a sequence that went backwards. `published_seq` is how far this region has told the
-- national side (an optimisation; the gateway's own record is authoritative).
CREATE TABLE membership_state (
  singleton      boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  epoch          uuid NOT NULL DEFAULT gen_random_uuid(),
  published_seq  bigint NOT NULL DEFAULT 0
);
INSERT INTO membership_state DEFAULT VALUES;

CREATE TABLE membership_change (
  seq         bigserial PRIMARY KEY,
  nhs_number  char(10) NOT NULL,
  study_uid   text NOT NULL,
  at          timestamptz NOT NULL DEFAULT now()
);

-- Statement-level, with transition tables: one INSERT ... SELECT per statement, whether
-- the statement wrote one study (ingest) or twenty thousand (a bulk-load chunk).
-- The advisory lock serialises membership-changing transactions until they commit, so
-- sequence numbers become visible in order: a reader of "changes since N" never sees
-- N+2 committed while N+1 is still to come.
CREATE FUNCTION membership_on_study_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('membership_change'));
  INSERT INTO membership_change (nhs_number, study_uid)
    SELECT nhs_number, study_instance_uid FROM added ORDER BY study_instance_uid;
  RETURN NULL;
END $$;

CREATE FUNCTION membership_on_study_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM after_rows a JOIN before_rows b USING (study_instance_uid) WHERE a.nhs_number IS DISTINCT FROM b.nhs_number) THEN
    PERFORM pg_advisory_xact_lock(hashtext('membership_change'));
    INSERT INTO membership_change (nhs_number, study_uid)
      SELECT a.nhs_number, a.study_instance_uid
      FROM after_rows a JOIN before_rows b USING (study_instance_uid)
      WHERE a.nhs_number IS DISTINCT FROM b.nhs_number
      ORDER BY a.study_instance_uid;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER study_membership_insert AFTER INSERT ON study
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION membership_on_study_insert();
CREATE TRIGGER study_membership_update AFTER UPDATE ON study
  REFERENCING OLD TABLE AS before_rows NEW TABLE AS after_rows FOR EACH STATEMENT EXECUTE FUNCTION membership_on_study_update();

-- Studies already held when this migration runs are members too.
INSERT INTO membership_change (nhs_number, study_uid)
  SELECT nhs_number, study_instance_uid FROM study ORDER BY study_instance_uid;
