import type { GatewayExecutor, GatewayGraphQLRequestContext, GatewayInterface } from '@apollo/server-gateway-interface';
import { buildSchema, Kind, parse, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { AccessDecisions } from '../../gateway/auth/AccessDecisions';
import { AccessPolicy } from '../../gateway/auth/AccessPolicy';
import { composeSupergraph } from '../../gateway/composeSupergraph';
import { PATIENT_ACCESS_SDL, withPatientAccess } from '../../gateway/patient/withPatientAccess';
import type { User } from '../../lib/auth/Principal';
import type { Role } from '../../lib/auth/Role';

const sdl = composeSupergraph();
const schema = buildSchema(sdl, { assumeValidSDL: true });
const policy = AccessPolicy.fromSupergraph(`${sdl}\n${PATIENT_ACCESS_SDL}`);
const user = (id: string, role: Role, purposeOfUse: string | null, extra: Partial<User> = {}): User => ({
  id,
  role,
  organisation: 'RR8',
  region: null,
  purposeOfUse,
  purposeSource: purposeOfUse === null ? null : 'TOKEN',
  ...extra,
});
const operation = (document: DocumentNode, name?: string) =>
  document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && (name === undefined || d.name?.value === name))!;
const HISTORY = parse('query History($nhs: String!) { patient(nhsNumber: $nhs) { imagingHistory { studies { studyInstanceUid } } } }');

describe('access decisions are cached per document, operation, role and purpose, and on nothing else', () => {
  it('reuses the decision for the same document, operation, role and purpose, whoever the user is', () => {
    const decisions = new AccessDecisions(policy);
    const first = decisions.decide(schema, HISTORY, operation(HISTORY), user('dr-a', 'CLINICIAN', 'DIRECT_CARE'));
    expect(first.denials).toEqual([]);
    expect(decisions.decide(schema, HISTORY, operation(HISTORY), user('dr-b', 'CLINICIAN', 'DIRECT_CARE', { organisation: 'RX1' }))).toBe(first);
  });

  it('never answers one purpose of use or role with the decision made for another', () => {
    const decisions = new AccessDecisions(policy);
    const verdict = (who: User) => decisions.decide(schema, HISTORY, operation(HISTORY), who).denials.map((d) => d.field);
    expect(verdict(user('dr-a', 'CLINICIAN', 'DIRECT_CARE'))).toEqual([]);
    expect(verdict(user('dr-a', 'CLINICIAN', 'RESEARCH'))).toEqual(['Query.patient', 'Patient.imagingHistory', 'ImagingHistory.studies']);
    expect(verdict(user('dr-a', 'CLINICIAN', null))).toEqual(['Query.patient', 'Patient.imagingHistory', 'ImagingHistory.studies']);
    expect(verdict(user('an-a', 'ANALYST', 'DIRECT_CARE'))).toEqual(['Query.patient', 'Patient.imagingHistory', 'ImagingHistory.studies']);
    expect(verdict(user('an-a', 'ANALYST', 'DIRECT_CARE'))[0]).toBe('Query.patient');
    expect(verdict(user('dr-a', 'CLINICIAN', 'DIRECT_CARE'))).toEqual([]);
  });

  it('decides each operation of a document on its own', () => {
    const decisions = new AccessDecisions(policy);
    const both = parse('query Stats { regions { code } } query Read { patient(nhsNumber: "9990000018") { nhsNumber } }');
    const analyst = user('an-a', 'ANALYST', null);
    expect(decisions.decide(schema, both, operation(both, 'Stats'), analyst).denials).toEqual([]);
    expect(decisions.decide(schema, both, operation(both, 'Read'), analyst).denials.map((d) => d.field)).toEqual(['Query.patient']);
  });

  it('decides again under another schema', () => {
    const decisions = new AccessDecisions(policy);
    const first = decisions.decide(schema, HISTORY, operation(HISTORY), user('dr-a', 'CLINICIAN', 'DIRECT_CARE'));
    const other = buildSchema(sdl, { assumeValidSDL: true });
    expect(decisions.decide(other, HISTORY, operation(HISTORY), user('dr-a', 'CLINICIAN', 'DIRECT_CARE'))).not.toBe(first);
  });
});

describe("a patient's own NHS number never comes from a cache", () => {
  it('plans the same myImagingHistory document with each patient’s own NHS number, request after request', async () => {
    const seen: unknown[] = [];
    const executor: GatewayExecutor = async (context) => {
      seen.push(context.request.variables);
      return { data: { myImagingHistory: { imagingHistory: { complete: true } } } };
    };
    const inner: GatewayInterface = { onSchemaLoadOrUpdate: () => () => undefined, load: async () => ({ executor }), stop: async () => undefined };
    const wrapped = (await withPatientAccess(inner).load({} as never)).executor!;
    // One parsed document, as Apollo's document store hands it to every request with this text.
    const document = parse('query Mine { myImagingHistory { complete } }');
    const decisions = new AccessDecisions(policy);
    const patientA = user('p-a', 'PATIENT', 'PATIENT_ACCESS', { nhsNumber: '9990000018' });
    const patientB = user('p-b', 'PATIENT', 'PATIENT_ACCESS', { nhsNumber: '9990000026' });
    for (const patient of [patientA, patientB, patientA]) {
      expect(decisions.decide(schema, document, operation(document), patient).denials).toEqual([]);
      const context = { document, operation: operation(document), request: { query: 'query Mine { myImagingHistory { complete } }', variables: {} }, context: { user: patient } };
      await wrapped(context as unknown as GatewayGraphQLRequestContext);
    }
    expect(seen).toEqual([{ __patientNhsNumber: '9990000018' }, { __patientNhsNumber: '9990000026' }, { __patientNhsNumber: '9990000018' }]);
  });
});
