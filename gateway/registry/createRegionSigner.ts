import { randomUUID } from 'node:crypto';
import { deriveRegionSecret, SIGNATURE_HEADER, signRequest } from '../../lib/security/gatewaySignature';
import { DEFAULT_KEY_ID } from '../../lib/security/Keyring';

/** Headers that sign one request body for one region. */
export type RegionSigner = (code: string, body: string) => Record<string, string>;

/**
 * The one signer for every request to a region (fan-out and registration checks). Each
 * region's secret is derived from the master key once, not per request.
 */
export function createRegionSigner(masterKey: string, signingKeyId: string = DEFAULT_KEY_ID): RegionSigner {
  const secrets = new Map<string, string>();
  return (code, body) => {
    let secret = secrets.get(code);
    if (!secret) secrets.set(code, (secret = deriveRegionSecret(masterKey, code, signingKeyId)));
    return { [SIGNATURE_HEADER]: signRequest(secret, body, Date.now(), randomUUID(), signingKeyId) };
  };
}
