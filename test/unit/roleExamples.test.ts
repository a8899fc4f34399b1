import { buildSchema, extendSchema, parse, validate } from 'graphql';
import { AccessPolicy } from '../../gateway/auth/AccessPolicy';
import { composeSupergraph } from '../../gateway/composeSupergraph';
import { examplesForRole } from '../../gateway/ide/roleExamples';
import { PATIENT_ACCESS_SDL } from '../../gateway/patient/withPatientAccess';
import type { User } from '../../lib/auth/Principal';
import { ROLES, type Role } from '../../lib/auth/Role';

const PURPOSE: Record<Role, string | null> = { CLINICIAN: 'DIRECT_CARE', ANALYST: null, ARCHIVE: null, ADMIN: null, PATIENT: 'PATIENT_ACCESS' };

describe("the IDE's examples for each role, and patients' access", () => {
  const sdl = composeSupergraph();
  const policy = AccessPolicy.fromSupergraph(`${sdl}\n${PATIENT_ACCESS_SDL}`);
  const schema = extendSchema(buildSchema(sdl, { assumeValidSDL: true }), parse(PATIENT_ACCESS_SDL), { assumeValidSDL: true });
  const user = (role: Role): User => ({ id: 'u1', role, organisation: null, region: role === 'ARCHIVE' ? 'LDS' : null, purposeOfUse: PURPOSE[role], purposeSource: PURPOSE[role] ? 'TOKEN' : null, ...(role === 'PATIENT' ? { nhsNumber: '9990000018' } : {}) });

  it.each(ROLES)('gives %s only examples that are valid and that the role may run', (role) => {
    const examples = examplesForRole(role, '9990000018');
    expect(examples.length).toBeGreaterThan(0);
    for (const example of examples) {
      const document = parse(example.query);
      expect({ name: example.name, errors: validate(schema, document).map((e) => e.message) }).toEqual({ name: example.name, errors: [] });
      expect({ name: example.name, denials: policy.check(schema, document, user(role)).denials }).toEqual({ name: example.name, denials: [] });
    }
  });

  it('lets a patient read their own history, audited, and nothing that names a patient', () => {
    expect(policy.check(schema, parse('{ myImagingHistory { studies { studyDate } } }'), user('PATIENT'))).toEqual({ denials: [], identifiable: true });
    const named = policy.check(schema, parse('{ patient(nhsNumber: "9990000018") { nhsNumber } study(studyInstanceUid: "1.2") { studyDate } }'), user('PATIENT'));
    expect(named.denials.map((d) => d.field)).toEqual(['Query.patient', 'Query.study']);
  });

  it('keeps myImagingHistory from staff', () => {
    expect(policy.check(schema, parse('{ myImagingHistory { complete } }'), user('CLINICIAN')).denials.map((d) => d.field)).toEqual(['Query.myImagingHistory']);
  });
});
