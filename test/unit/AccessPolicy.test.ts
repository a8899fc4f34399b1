import { buildSchema, parse } from 'graphql';
import { AccessPolicy } from '../../gateway/auth/AccessPolicy';
import { composeSupergraph } from '../../gateway/composeSupergraph';
import type { User } from '../../lib/auth/Principal';
import type { Role } from '../../lib/auth/Role';

describe('AccessPolicy (the schema @access rules)', () => {
  const sdl = composeSupergraph();
  const policy = AccessPolicy.fromSupergraph(sdl);
  const schema = buildSchema(sdl, { assumeValidSDL: true });
  const user = (role: Role, purposeOfUse: string | null = null): User => ({ id: 'u1', role, organisation: 'RR8', region: null, purposeOfUse, purposeSource: purposeOfUse === null ? null : 'TOKEN' });
  const check = (query: string, who: User) => policy.check(schema, parse(query), who);
  const HISTORY = '{ patient(nhsNumber: "9990000018") { imagingHistory { studies { studyInstanceUid } } } }';

  it('lets a clinician read a history for direct care, and marks it for the audit trail', () => {
    expect(check(HISTORY, user('CLINICIAN', 'DIRECT_CARE'))).toEqual({ denials: [], identifiable: true });
  });

  it('denies a clinician without a stated purpose of use, naming the field', () => {
    const { denials } = check(HISTORY, user('CLINICIAN'));
    expect(denials[0]).toEqual({ field: 'Query.patient', reason: expect.stringMatching(/purpose of use of DIRECT_CARE/) });
  });

  it('denies a clinician with another purpose of use', () => {
    expect(check(HISTORY, user('CLINICIAN', 'RESEARCH')).denials.map((d) => d.field)).toEqual(['Query.patient', 'Patient.imagingHistory', 'ImagingHistory.studies']);
  });

  it('denies every patient-identifiable field to an analyst, and lets them read statistics', () => {
    const both = check(`{ patient(nhsNumber: "9990000018") { nhsNumber } study(studyInstanceUid: "1.2") { description } studyActivity(groupBy: [REGION]) { complete } }`, user('ANALYST'));
    expect(both.denials.map((d) => d.field)).toEqual(['Query.patient', 'Query.study']);
    expect(check('{ studyActivity(groupBy: [REGION]) { complete buckets { studyCount } } regions { code } }', user('ANALYST'))).toEqual({ denials: [], identifiable: false });
  });

  it('applies type rules wherever the type is reached', () => {
    // An administrator may read statistics but not patient data, however it is reached.
    expect(check('{ study(studyInstanceUid: "1.2") { description } }', user('ADMIN', 'DIRECT_CARE')).denials.map((d) => d.field)).toEqual(['Query.study']);
  });

  it('keeps the audit trail to administrators, and marks reading it for the audit', () => {
    expect(check('{ auditEvents { userId } }', user('CLINICIAN', 'DIRECT_CARE')).denials.map((d) => d.field)).toEqual(['Query.auditEvents']);
    expect(check('{ auditEvents { userId } }', user('ADMIN'))).toEqual({ denials: [], identifiable: true });
  });

  it('lets archives and administrators manage registrations, nobody else', () => {
    const mutation = 'mutation { deregisterRegion(code: "LDS") { deregistered } }';
    expect(check(mutation, user('ARCHIVE')).denials).toEqual([]);
    expect(check(mutation, user('ADMIN')).denials).toEqual([]);
    expect(check(mutation, user('CLINICIAN', 'DIRECT_CARE')).denials.map((d) => d.field)).toEqual(['Mutation.deregisterRegion']);
  });

  it('denies a root field that has no rule (fail safe)', () => {
    const unruled = AccessPolicy.fromSupergraph(sdl.replace('@access(roles: ["ANALYST", "ADMIN", "ARCHIVE"])', ''));
    expect(unruled.check(schema, parse('{ regions { code } }'), user('ADMIN')).denials).toEqual([{ field: 'Query.regions', reason: 'it has no access rule' }]);
    expect(check('{ regions { code } }', user('ADMIN')).denials).toEqual([]);
  });

  it('refuses a schema whose rule names an unknown role', () => {
    expect(() => AccessPolicy.fromSupergraph(sdl.replace('roles: ["ANALYST", "ADMIN", "ARCHIVE"]', 'roles: ["JANITOR"]'))).toThrow(/unknown role/);
  });
});
