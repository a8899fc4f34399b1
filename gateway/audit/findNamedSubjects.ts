import { valueFromASTUntyped, visit, type ArgumentNode, type DocumentNode } from 'graphql';
import { parseNhsNumber } from '../../lib/domain/parseNhsNumber';
import { parseFirst, parseStudyFilter, type StudyFilterInput } from '../../lib/domain/parseStudyFilter';

/** The patients and studies an operation names, and the first malformed NHS number. */
export interface NamedSubjects {
  nhsNumbers: string[];
  studyUids: string[];
  problem: string | null;
  /** The first malformed history filter or `first`: checked here because the locator may ask no region at all. */
  historyProblem: { argument: string; reason: string } | null;
}

/** An argument whose value names a subject or bounds a history, in document order. */
type Site = { kind: 'history' | 'nhsNumber' | 'studyUid'; arg: ArgumentNode };

// Where the subjects are depends only on the document; what they are depends on the
// variables. The sites are found once per executed document (the same object for every
// request with the same query text: gateway/auth/executedDocument.ts) and read per request.
const sitesOf = new WeakMap<DocumentNode, readonly Site[]>();

function findSites(document: DocumentNode): readonly Site[] {
  const sites: Site[] = [];
  visit(document, {
    Field(node) {
      if (node.name.value === 'imagingHistory') {
        for (const arg of node.arguments ?? []) if (arg.name.value === 'filter' || arg.name.value === 'first') sites.push({ kind: 'history', arg });
      }
      for (const arg of node.arguments ?? []) {
        // patient(nhsNumber:), auditEvents(nhsNumber:): every patient an operation names.
        if (arg.name.value === 'nhsNumber') sites.push({ kind: 'nhsNumber', arg });
        if (node.name.value === 'study' && arg.name.value === 'studyInstanceUid') sites.push({ kind: 'studyUid', arg });
      }
    },
  });
  return sites;
}

/**
 * Every patient (NHS number) and study an operation names, with its variables: literal,
 * variable or default, in any field or fragment; and the first malformed NHS number or
 * history argument. The audit records the subjects; the argument check refuses the problems.
 */
export function findNamedSubjects(document: DocumentNode, variables: Record<string, unknown>): NamedSubjects {
  let sites = sitesOf.get(document);
  if (!sites) sitesOf.set(document, (sites = findSites(document)));
  const nhsNumbers = new Set<string>();
  const studyUids = new Set<string>();
  let problem: string | null = null;
  let historyProblem: NamedSubjects['historyProblem'] = null;
  for (const { kind, arg } of sites) {
    switch (kind) {
      case 'history': {
        if (historyProblem !== null) break;
        const value = valueFromASTUntyped(arg.value, variables);
        const parsed = arg.name.value === 'filter' ? parseStudyFilter(value as StudyFilterInput | null) : parseFirst(value);
        if (!parsed.ok) historyProblem = { argument: arg.name.value, reason: parsed.reason };
        break;
      }
      case 'nhsNumber': {
        const value = valueFromASTUntyped(arg.value, variables);
        if (value === null || value === undefined) break;
        const parsed = parseNhsNumber(value);
        if (parsed.ok) nhsNumbers.add(parsed.value);
        else problem ??= parsed.reason;
        break;
      }
      case 'studyUid': {
        const value = valueFromASTUntyped(arg.value, variables);
        if (typeof value === 'string') studyUids.add(value.trim());
        break;
      }
      default: {
        const never: never = kind;
        throw new Error(`unknown argument site ${String(never)}`);
      }
    }
  }
  return { nhsNumbers: [...nhsNumbers], studyUids: [...studyUids], problem, historyProblem };
}
