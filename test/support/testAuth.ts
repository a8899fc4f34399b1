import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAuthenticator, type Authenticate } from '../../lib/auth/createAuthenticator';
import { DEMO_AUDIENCE, DEMO_ISSUER, ensureDemoKeys, issueDemoToken, type DemoTokenClaims } from '../../dev/demoKeys';
import { deriveRegionSecret, SIGNATURE_HEADER, signRequest } from '../../lib/security/gatewaySignature';
import { purposeBound, SIGNATURE_PURPOSE } from '../../lib/locator/membershipProtocol';

export interface TestAuth {
  jwksFile: string;
  keyDir: string;
  authenticate: Authenticate;
  token(claims: DemoTokenClaims): Promise<string>;
  /** Authorization (and purpose) headers for a role, the way an EPR or analyst sends them. */
  headers(claims: DemoTokenClaims): Promise<Record<string, string>>;
  /** Master key for gateway->region signing, and each region's derived secret. */
  signingKey: string;
  regionSecret(code: string): string;
  /** Signs a body as the gateway would, for calling a region directly. */
  sign(code: string): (body: string) => Record<string, string>;
}

/** A fresh key pair in a temp dir: a stand-in identity provider for one test file. */
export async function createTestAuth(): Promise<TestAuth> {
  const keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'imaging-test-keys-'));
  const keys = await ensureDemoKeys(keyDir);
  const signingKey = `test-signing-${path.basename(keyDir)}`;
  const token = (claims: DemoTokenClaims) => issueDemoToken(keys.privateJwk, claims);
  return {
    jwksFile: keys.jwksFile,
    keyDir,
    authenticate: createAuthenticator({ jwksFile: keys.jwksFile, issuer: DEMO_ISSUER, audience: DEMO_AUDIENCE }),
    token,
    headers: async (claims) => ({ authorization: `Bearer ${await token(claims)}` }),
    signingKey,
    regionSecret: (code) => deriveRegionSecret(signingKey, code),
    sign: (code) => (body) => ({ [SIGNATURE_HEADER]: signRequest(deriveRegionSecret(signingKey, code), purposeBound(SIGNATURE_PURPOSE.graphql, body)) }),
  };
}
