-- Secondary indexes and foreign keys of `study` and `series` that a bulk load into an EMPTY
-- index dropped, to build or check each once after the load instead of row by row
-- (subgraphs/region/bulk/deferSecondaryIndexes.ts). Each row holds the statement that
-- re-creates it (from pg_get_indexdef / pg_get_constraintdef) and means "this is missing": the loader re-creates it when it
-- finishes or fails, and a region start or the next load repairs it after a crash.
-- Primary keys are never deferred: the load's merge (ON CONFLICT) needs them.
CREATE TABLE deferred_index (
  name        text PRIMARY KEY,
  definition  text NOT NULL,
  deferred_at timestamptz NOT NULL DEFAULT now()
);
