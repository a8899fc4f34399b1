-- The regional index: study-level metadata and retrieve links, never pixels.
CREATE TABLE study (
  study_instance_uid     text PRIMARY KEY CHECK (length(study_instance_uid) <= 64),
  nhs_number             char(10) NOT NULL CHECK (nhs_number ~ '^[0-9]{10}$'),
  local_patient_id       text,
  issuer_of_patient_id   text,
  accession_number       text,
  study_date             date,
  study_time             time,
  modalities             text[] NOT NULL DEFAULT '{}',
  description            text,
  body_part_examined     text,
  referring_physician    text,
  series_count           integer CHECK (series_count >= 0),
  instance_count         integer CHECK (instance_count >= 0),
  availability           text CHECK (availability IN ('ONLINE', 'NEARLINE', 'OFFLINE', 'UNAVAILABLE')),
  ods_code               text,
  organisation_name      text,
  status                 text NOT NULL DEFAULT 'AVAILABLE' CHECK (status IN ('AVAILABLE', 'ENTERED_IN_ERROR')),
  wado_rs_url            text,
  viewer_url             text,
  updated_at             timestamptz NOT NULL DEFAULT now()
);

-- Patient history: equality on NHS number, ordered newest first, in one index range scan.
CREATE INDEX study_patient_history_idx ON study (nhs_number, study_date DESC, study_time DESC);
-- Activity by period (analysts) and modality (GIN for array containment/overlap).
CREATE INDEX study_date_idx ON study (study_date);
CREATE INDEX study_modalities_idx ON study USING gin (modalities);

CREATE TABLE series (
  series_instance_uid  text PRIMARY KEY CHECK (length(series_instance_uid) <= 64),
  study_instance_uid   text NOT NULL REFERENCES study (study_instance_uid) ON DELETE CASCADE,
  series_number        integer,
  modality             text,
  description          text,
  body_part_examined   text,
  instance_count       integer CHECK (instance_count >= 0)
);
CREATE INDEX series_study_idx ON series (study_instance_uid);
