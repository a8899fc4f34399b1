import type { Role } from '../../lib/auth/Role';
import { defaultExamples } from './defaultExamples';
import type { IdeExample } from './IdeExample';

const FROM = '2024-01-01';
const TO = '2024-12-31';

function activity(name: string, operation: string, groupBy: string): IdeExample {
  return {
    name,
    query: `query ${operation}($from: String!, $to: String!) {
  # Drawn as a chart beside the result; suppressed counts are marked, never drawn as zero
  studyActivity(filter: { from: $from, to: $to }, groupBy: [${groupBy}]) {
    complete
    sources { region { code } status }
    buckets { region { code name } modality month studyCount suppressed }
  }
}
`,
    variables: JSON.stringify({ from: FROM, to: TO }, null, 2),
  };
}

/** Analysts: aggregate activity, each tab a chart (by month as a line, by modality or region as bars). */
export function analystExamples(): IdeExample[] {
  return [
    activity('Studies per month (line chart)', 'StudiesByMonth', 'MONTH'),
    activity('Studies by modality (bar chart)', 'StudiesByModality', 'MODALITY'),
    activity('Studies by region (bar chart)', 'StudiesByRegion', 'REGION'),
    activity('Studies by region and modality', 'StudiesByRegionAndModality', 'REGION, MODALITY'),
  ];
}

function registryExample(): IdeExample {
  return { name: 'Registered regions and their circuits', query: 'query Regions {\n  regions { code name timeoutMs registeredAt circuit }\n}\n' };
}

function auditExample(nhsNumber: string): IdeExample {
  return {
    name: "Who read this patient's record",
    query: `query AuditTrail($nhsNumber: String!) {
  auditEvents(nhsNumber: $nhsNumber, first: 50) {
    at userId role organisation purposeOfUse operationName outcome
    regions { code status studyCount }
  }
}
`,
    variables: JSON.stringify({ nhsNumber }, null, 2),
  };
}

function myHistoryExample(): IdeExample {
  return {
    name: 'My imaging history (from your NHS login: no NHS number to type)',
    query: `query MyImagingHistory {
  myImagingHistory(first: 50) {
    complete
    studies { studyDate modalities description bodyPartExamined region { name } performingOrganisation { name } }
  }
}
`,
  };
}

/**
 * The IDE's tabs for a signed-in user: only what their role may run. `nhsNumber` is a
 * 999-range test number for the clinician's and administrator's examples.
 */
export function examplesForRole(role: Role, nhsNumber: string): IdeExample[] {
  switch (role) {
    case 'CLINICIAN':
      return defaultExamples(nhsNumber).slice(0, 3);
    case 'ANALYST':
      return analystExamples();
    case 'ADMIN':
      return [registryExample(), auditExample(nhsNumber), ...analystExamples().slice(0, 1)];
    case 'ARCHIVE':
      return [registryExample()];
    case 'PATIENT':
      return [myHistoryExample()];
    default: {
      const never: never = role;
      throw new Error(`no examples for role ${String(never)}`);
    }
  }
}
