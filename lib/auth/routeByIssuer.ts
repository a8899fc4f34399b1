import type { IncomingMessage } from 'node:http';
import { decodeJwt } from 'jose';
import type { Authenticate } from './createAuthenticator';
import { bearerToken } from './createPatientAuthenticator';
import type { Principal } from './Principal';

/**
 * Staff and patients come from different issuers (NHS CIS2, NHS login) with different
 * claims. The token's unverified `iss` only chooses which verifier runs; that verifier
 * then checks the signature against its own issuer's keys and the issuer claim, so a
 * token naming the patient issuer but signed by anyone else fails there.
 */
export function routeByIssuer(staff: Authenticate, patient: { issuer: string; verify: (token: string, req: IncomingMessage) => Promise<Principal> }): Authenticate {
  return async (req) => {
    const token = bearerToken(req);
    if (token) {
      let issuer: unknown;
      try {
        issuer = decodeJwt(token).iss;
      } catch {
        issuer = undefined;
      }
      if (issuer === patient.issuer) return patient.verify(token, req);
    }
    return staff(req);
  };
}
