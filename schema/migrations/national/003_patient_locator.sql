-- The patient locator's durable state. Regions publish the NHS numbers they add; the
-- gateway stores only keyed hashes (HMAC with the national locator key, first 8 bytes),
-- so these tables reveal no NHS number to whoever reads them without that key. Rows are
-- kept per key fingerprint, so a new key can be rolled out replica by replica while the
-- old key's summaries still serve the replicas that have not restarted yet.
CREATE TABLE region_membership (
  key_id         text NOT NULL,
  region         text NOT NULL,
  -- The region database's epoch the hashes below came from.
  epoch          uuid NOT NULL,
  -- Every change of that epoch up to here is in membership_hash.
  published_seq  bigint NOT NULL DEFAULT 0,
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (key_id, region)
);

CREATE TABLE membership_hash (
  key_id  text NOT NULL,
  region  text NOT NULL,
  hash    bigint NOT NULL,
  -- The publication that first added it: replicas read "seq > what I have applied".
  seq     bigint NOT NULL,
  PRIMARY KEY (key_id, region, hash)
);
CREATE INDEX membership_hash_seq_idx ON membership_hash (key_id, region, seq);

-- Which contract version a region serves: regions on the previous version have no
-- membership endpoint and are asked about every patient.
ALTER TABLE region_registration ADD COLUMN contract_version integer NOT NULL DEFAULT 1;

GRANT SELECT, INSERT, UPDATE, DELETE ON region_membership, membership_hash TO imaging_gateway_app;
