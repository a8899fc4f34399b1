import fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { importJWK, SignJWT, type JWK } from 'jose';
import { ensureDemoKeys } from '../../dev/demoKeys';
import { createAuthenticator } from '../../lib/auth/createAuthenticator';
import { createPatientAuthenticator } from '../../lib/auth/createPatientAuthenticator';
import { routeByIssuer } from '../../lib/auth/routeByIssuer';

const STAFF = 'https://cis2.example';
const NHS_LOGIN = 'https://nhs-login.example';
const AUDIENCE = 'national-imaging-index';
const NHS_NUMBER = '9990000018';

function request(token: string): IncomingMessage {
  return { headers: { authorization: `Bearer ${token}` }, rawHeaders: ['authorization', `Bearer ${token}`] } as unknown as IncomingMessage;
}

async function sign(jwk: JWK, issuer: string, claims: Record<string, unknown>): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: jwk.kid! })
    .setIssuer(issuer)
    .setAudience(AUDIENCE)
    .setSubject('someone')
    .setExpirationTime('5m')
    .sign(await importJWK(jwk, 'ES256'));
}

describe('patients come only from the NHS login issuer, at identity level P9', () => {
  let staffKeys: Awaited<ReturnType<typeof ensureDemoKeys>>;
  let patientKeys: Awaited<ReturnType<typeof ensureDemoKeys>>;
  let authenticate: ReturnType<typeof routeByIssuer>;

  beforeAll(async () => {
    staffKeys = await ensureDemoKeys(fs.mkdtempSync(path.join(os.tmpdir(), 'staff-keys-')));
    patientKeys = await ensureDemoKeys(fs.mkdtempSync(path.join(os.tmpdir(), 'patient-keys-')));
    const staff = createAuthenticator({ jwksFile: staffKeys.jwksFile, issuer: STAFF, audience: AUDIENCE });
    const verify = createPatientAuthenticator({ jwksFile: patientKeys.jwksFile, issuer: NHS_LOGIN, audience: AUDIENCE, identityClaim: 'identity_proofing_level', identityLevel: 'P9' });
    authenticate = routeByIssuer(staff, { issuer: NHS_LOGIN, verify });
  });

  it('makes a P9 NHS login token a PATIENT with purpose PATIENT_ACCESS and the NHS number of the token, whatever role it claims', async () => {
    const token = await sign(patientKeys.privateJwk, NHS_LOGIN, { nhs_number: NHS_NUMBER, identity_proofing_level: 'P9', role: 'ADMIN', purpose_of_use: 'DIRECT_CARE' });
    expect(await authenticate(request(token))).toEqual({
      kind: 'user',
      user: { id: 'someone', role: 'PATIENT', organisation: null, region: null, purposeOfUse: 'PATIENT_ACCESS', purposeSource: 'TOKEN', nhsNumber: NHS_NUMBER },
    });
  });

  it('refuses a patient below P9', async () => {
    const token = await sign(patientKeys.privateJwk, NHS_LOGIN, { nhs_number: NHS_NUMBER, identity_proofing_level: 'P5' });
    expect(await authenticate(request(token))).toEqual({ kind: 'invalid', reason: 'patient access needs identity proofing level P9' });
  });

  it('refuses a patient token without a valid NHS number', async () => {
    const token = await sign(patientKeys.privateJwk, NHS_LOGIN, { nhs_number: '9990000019', identity_proofing_level: 'P9' });
    expect((await authenticate(request(token))).kind).toBe('invalid');
  });

  it('never makes a PATIENT from the staff issuer, even when the token says so', async () => {
    const token = await sign(staffKeys.privateJwk, STAFF, { role: 'PATIENT', nhs_number: NHS_NUMBER, identity_proofing_level: 'P9' });
    expect(await authenticate(request(token))).toEqual({ kind: 'invalid', reason: 'the PATIENT role comes only from the NHS login issuer' });
  });

  it('refuses a token naming the NHS login issuer that the NHS login keys did not sign', async () => {
    const forged = await sign(staffKeys.privateJwk, NHS_LOGIN, { nhs_number: NHS_NUMBER, identity_proofing_level: 'P9' });
    expect((await authenticate(request(forged))).kind).toBe('invalid');
  });

  it('still lets staff in through their own issuer', async () => {
    const token = await sign(staffKeys.privateJwk, STAFF, { role: 'ANALYST' });
    expect(await authenticate(request(token))).toMatchObject({ kind: 'user', user: { role: 'ANALYST' } });
  });
});
