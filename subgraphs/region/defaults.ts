/**
 * Every default of a regional index, stated once. The options types point here with
 * `@defaultValue`; subgraphs/region/index.ts uses these as the environment's fallbacks, and
 * the factories when an option is left out.
 */
export const REGION_DEFAULTS = {
  port: 4100,
  host: '127.0.0.1',
  dbPoolSize: 10,
  /** node-cache TTL for patient histories, seconds; 0 disables. */
  cacheTtlSeconds: 30,
  /** Largest /graphql request body; /ingest accepts eight times this (its batches of 1000 fit). */
  maxBodyBytes: 1024 * 1024,
  /** Plain queries on /graphql run compiled (graphql-jit); anything else, and every error, through Apollo Server. */
  compiledExecution: true,
} as const;
