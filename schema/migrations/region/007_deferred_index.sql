-- Secondary indexes of `study` and `series` that a bulk load into an EMPTY index dropped,
-- to build each once, sorted, after the load instead of maintaining it row by row
-- (subgraphs/region/bulk/deferSecondaryIndexes.ts). Each row holds the exact definition
-- (pg_get_indexdef) and means "this index is missing": the loader re-creates it when it
-- finishes or fails, and a region start or the next load repairs it after a crash.
-- Primary keys are never deferred: the load's merge (ON CONFLICT) needs them.
CREATE TABLE deferred_index (
  name        text PRIMARY KEY,
  definition  text NOT NULL,
  deferred_at timestamptz NOT NULL DEFAULT now()
);
