import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

/** A file the IDE serves, held in memory from startup with everything needed to answer for it. */
export interface IdeAsset {
  contentType: string;
  body: Buffer;
  /**
   * The body gzipped once at startup: graphiql.min.js is about 1 MB and analysts on
   * slow trust networks would otherwise fetch it uncompressed on every cold cache.
   */
  gzipped: Buffer;
  /** Content hash: the ETag, and the `v` query parameter that makes the asset URL immutable. */
  hash: string;
}

export function createIdeAsset(contentType: string, body: Buffer): IdeAsset {
  return {
    contentType,
    body,
    gzipped: gzipSync(body),
    hash: createHash('sha256').update(body).digest('base64url').slice(0, 22),
  };
}
