import fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { createLocalJWKSet, createRemoteJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { createCachedJwtVerify } from './createCachedJwtVerify';
import { parseNhsNumber } from '../domain/parseNhsNumber';
import type { Principal } from './Principal';

/** The NHS login-style issuer patients sign in with, separate from the staff issuer. */
export interface PatientAuthenticatorOptions {
  jwksFile?: string | null;
  jwksUrl?: string | null;
  issuer: string;
  audience: string;
  /** The claim carrying the identity proofing level, e.g. `identity_proofing_level`. */
  identityClaim: string;
  /** The level required, e.g. P9 (identity checked in person or with photo ID). */
  identityLevel: string;
  clockToleranceSeconds?: number;
}

/** The patient's purpose of use: their own record, nothing else. */
export const PATIENT_PURPOSE = 'PATIENT_ACCESS';

const BEARER = /^Bearer\s+([A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+)$/;

/**
 * Verifies a patient's token (NHS login): signature by the patient issuer's keys, issuer,
 * audience, expiry, the required identity proofing level and a valid `nhs_number`. The
 * principal is always role PATIENT with purpose PATIENT_ACCESS and the patient's own NHS
 * number; any role or purpose claim in the token is ignored.
 */
export function createPatientAuthenticator(options: PatientAuthenticatorOptions): (token: string, req: IncomingMessage) => Promise<Principal> {
  let keys: JWTVerifyGetKey;
  if (options.jwksFile) keys = createLocalJWKSet(JSON.parse(fs.readFileSync(options.jwksFile, 'utf8')) as JSONWebKeySet);
  else if (options.jwksUrl) keys = createRemoteJWKSet(new URL(options.jwksUrl), { cooldownDuration: 30_000, cacheMaxAge: 600_000 });
  else throw new Error('patient authentication needs PATIENT_JWKS_FILE or PATIENT_JWKS_URL');
  // Same verified-token cache as staff tokens: exp, nbf and key removal re-checked on every hit.
  const verify = createCachedJwtVerify(keys, {
    issuer: options.issuer,
    audience: options.audience,
    algorithms: ['ES256', 'RS256', 'PS256', 'EdDSA'],
    clockTolerance: options.clockToleranceSeconds ?? 30,
    requiredClaims: ['sub', 'exp'],
  });
  return async (token) => {
    let payload;
    try {
      ({ payload } = await verify(token));
    } catch {
      return { kind: 'invalid', reason: 'patient token could not be verified' };
    }
    if (payload[options.identityClaim] !== options.identityLevel) {
      return { kind: 'invalid', reason: `patient access needs identity proofing level ${options.identityLevel}` };
    }
    const nhs = parseNhsNumber(payload.nhs_number);
    if (!nhs.ok) return { kind: 'invalid', reason: 'patient token has no valid nhs_number claim' };
    return {
      kind: 'user',
      user: { id: payload.sub!, role: 'PATIENT', organisation: null, region: null, purposeOfUse: PATIENT_PURPOSE, purposeSource: 'TOKEN', nhsNumber: nhs.value },
    };
  };
}

/** The bearer token of a request, or null when there is none or it is not a JWT. */
export function bearerToken(req: IncomingMessage): string | null {
  const match = BEARER.exec(req.headers.authorization?.trim() ?? '');
  return match ? match[1]! : null;
}
