import type { IssueType, OperationOutcome, OperationOutcomeIssue } from './FhirTypes';

/** A request the FHIR API answers with an OperationOutcome instead of data. */
export interface FhirFailure {
  status: number;
  issues: OperationOutcomeIssue[];
  headers?: Record<string, string>;
}

export function fhirFailure(status: number, code: IssueType, diagnostics: string, headers?: Record<string, string>): FhirFailure {
  return { status, issues: [{ severity: 'error', code, diagnostics }], ...(headers ? { headers } : {}) };
}

export function operationOutcome(issues: OperationOutcomeIssue[]): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: issues };
}
