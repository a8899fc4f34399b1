/**
 * The FHIR R4 shapes this gateway emits, typed only as far as it uses them. Kept local
 * (rather than a 400 kB type package) so the mapping code says exactly what it produces;
 * the tests validate every response against the official R4 JSON schema.
 */

export interface Coding {
  system?: string;
  code?: string;
  display?: string;
}

export interface CodeableConcept {
  coding?: Coding[];
  text?: string;
}

export interface Identifier {
  use?: 'usual' | 'official' | 'temp' | 'secondary' | 'old';
  type?: CodeableConcept;
  system?: string;
  value: string;
}

export interface Reference {
  reference?: string;
  identifier?: Identifier;
  display?: string;
}

/** R4 IssueType codes used here (http://hl7.org/fhir/R4/valueset-issue-type.html). */
export type IssueType =
  | 'invalid'
  | 'too-long'
  | 'not-supported'
  | 'business-rule'
  | 'login'
  | 'forbidden'
  | 'not-found'
  | 'throttled'
  | 'transient'
  | 'exception'
  | 'timeout'
  | 'incomplete'
  | 'informational';

export interface OperationOutcomeIssue {
  severity: 'fatal' | 'error' | 'warning' | 'information';
  code: IssueType;
  details?: CodeableConcept;
  diagnostics?: string;
}

export interface OperationOutcome {
  resourceType: 'OperationOutcome';
  issue: OperationOutcomeIssue[];
}

export interface Endpoint {
  resourceType: 'Endpoint';
  id: string;
  status: 'active';
  connectionType: Coding;
  payloadType: CodeableConcept[];
  payloadMimeType?: string[];
  address: string;
}

export interface Organization {
  resourceType: 'Organization';
  id: string;
  identifier: Identifier[];
  name?: string;
}

export interface ImagingStudySeries {
  uid: string;
  number?: number;
  modality: Coding;
  description?: string;
  numberOfInstances?: number;
  bodySite?: Coding;
  performer?: Array<{ actor: Reference }>;
}

export type ImagingStudyStatus = 'registered' | 'available' | 'cancelled' | 'entered-in-error' | 'unknown';

export interface ImagingStudy {
  resourceType: 'ImagingStudy';
  id: string;
  meta: { source: string };
  contained?: Array<Endpoint | Organization>;
  identifier: Identifier[];
  status: ImagingStudyStatus;
  modality?: Coding[];
  subject: Reference;
  started?: string;
  endpoint?: Reference[];
  numberOfSeries?: number;
  numberOfInstances?: number;
  description?: string;
  series?: ImagingStudySeries[];
}

export interface BundleEntry {
  fullUrl?: string;
  resource: ImagingStudy | OperationOutcome;
  search: { mode: 'match' | 'outcome' };
}

export interface Bundle {
  resourceType: 'Bundle';
  type: 'searchset';
  timestamp: string;
  total: number;
  link: Array<{ relation: string; url: string }>;
  entry: BundleEntry[];
}
