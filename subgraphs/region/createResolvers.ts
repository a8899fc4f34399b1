import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { parseNhsNumber } from '../../lib/domain/parseNhsNumber';
import { parseDicomUid } from '../../lib/domain/dicomValues';
import type { Pool } from 'pg';
import type { Loaders } from './createLoaders';
import { selectActivity, type ActivityDimension } from './db/selectActivity';
import type { SeriesRow, StudyRow } from './db/studyReads';
import { applyStudyFilter, parseFirst, parseStudyFilter, type StudyFilterInput } from './applyStudyFilter';
import { badUserInput } from './errors';
import type { RegionRef } from '../../lib/domain/RegionRef';

/** Per-request context of the regional subgraph. */
export interface RegionContext {
  loaders: Loaders;
  pool: Pool;
  region: RegionRef;
  startedAt: number;
}

interface PatientRef {
  nhsNumber: string;
}

function requireNhsNumber(input: unknown): string {
  const parsed = parseNhsNumber(input);
  if (!parsed.ok) throw badUserInput(parsed.reason, { argument: 'nhsNumber' });
  return parsed.value;
}

function requireUid(input: unknown): string {
  const parsed = parseDicomUid(input, 'studyInstanceUid');
  if (!parsed.ok) throw badUserInput(parsed.reason, { argument: 'studyInstanceUid' });
  return parsed.value;
}

/** A stored row in the contract's Study shape; `series` resolves lazily through its loader. */
function toStudy(row: StudyRow, region: RegionRef) {
  const retrieve = { wadoRsUrl: row.wado_rs_url, viewerUrl: row.viewer_url };
  return {
    studyInstanceUid: row.study_instance_uid,
    accessionNumber: row.accession_number,
    studyDate: row.study_date,
    studyTime: row.study_time,
    modalities: row.modalities,
    description: row.description,
    bodyPartExamined: row.body_part_examined,
    referringPhysicianName: row.referring_physician,
    numberOfStudyRelatedSeries: row.series_count,
    numberOfStudyRelatedInstances: row.instance_count,
    instanceAvailability: row.availability,
    nhsNumber: row.nhs_number,
    localPatientId: row.local_patient_id ? { value: row.local_patient_id, issuer: row.issuer_of_patient_id } : null,
    performingOrganisation: row.ods_code ? { odsCode: row.ods_code, name: row.organisation_name } : null,
    status: row.status,
    region,
    retrieve,
    locations: [{ region, retrieve }],
  };
}

function toSeries(row: SeriesRow) {
  return {
    seriesInstanceUid: row.series_instance_uid,
    seriesNumber: row.series_number,
    modality: row.modality,
    description: row.description,
    bodyPartExamined: row.body_part_examined,
    numberOfSeriesRelatedInstances: row.instance_count,
  };
}

export function createResolvers(): GraphQLResolverMap<RegionContext> {
  return {
    Query: {
      patient: (_: unknown, args: { nhsNumber: string }): PatientRef => ({ nhsNumber: requireNhsNumber(args.nhsNumber) }),
      studyActivity: async (
        _: unknown,
        args: { filter?: { from?: string | null; to?: string | null; modalities?: string[] | null; regions?: string[] | null } | null; groupBy: ActivityDimension[] },
        ctx: RegionContext,
      ) => {
        const filter = parseStudyFilter(args.filter);
        if (filter.regions && !filter.regions.has(ctx.region.code)) return { buckets: [], complete: true, sources: [] };
        const groupBy = new Set(args.groupBy);
        const rows = await selectActivity(ctx.pool, { groupBy, from: filter.from, to: filter.to, modalities: filter.modalities ? [...filter.modalities] : null });
        const region = groupBy.has('REGION') ? ctx.region : null;
        const buckets = rows.map((r) => ({
          key: [region?.code ?? '*', r.modality ?? '*', r.month ?? '*', r.ods_code ?? '*'].join('|'),
          region,
          modality: r.modality,
          month: r.month,
          organisation: r.ods_code ? { odsCode: r.ods_code, name: r.organisation_name } : null,
          // Exact counts: only the gateway (which signs every request) can ask, and it
          // suppresses small counts after summing across regions.
          studyCount: r.study_count,
          suppressed: false,
        }));
        // No total in sources: a total over one small bucket would undo its suppression.
        return { buckets, complete: true, sources: [{ region: ctx.region, status: 'OK', latencyMs: Date.now() - ctx.startedAt, studyCount: null }] };
      },
      study: async (_: unknown, args: { studyInstanceUid: string }, ctx: RegionContext) => {
        const row = await ctx.loaders.study.load(requireUid(args.studyInstanceUid));
        return row ? toStudy(row, ctx.region) : null;
      },
    },
    Patient: {
      // Every region knows every patient: a region with no studies answers an empty history.
      __resolveReference: (ref: PatientRef): PatientRef => ({ nhsNumber: requireNhsNumber(ref.nhsNumber) }),
      imagingHistory: async (patient: PatientRef, args: { filter?: StudyFilterInput | null; first?: number | null }, ctx: RegionContext) => {
        const filter = parseStudyFilter(args.filter);
        const first = parseFirst(args.first);
        if (filter.regions && !filter.regions.has(ctx.region.code)) {
          // Not asked: no studies and no source entry, so merging stays exact.
          return { studies: [], complete: true, sources: [], coverage: { regionsInScope: 0, regionsAsked: 0, regionsSkipped: 0 } };
        }
        const rows = applyStudyFilter(await ctx.loaders.history.load(patient.nhsNumber), filter);
        const kept = first === null ? rows : rows.slice(0, first);
        return {
          studies: kept.map((r) => toStudy(r, ctx.region)),
          complete: true,
          sources: [{ region: ctx.region, status: 'OK', latencyMs: Date.now() - ctx.startedAt, studyCount: kept.length }],
          // About itself only; the national gateway replaces it with the whole picture.
          coverage: { regionsInScope: 1, regionsAsked: 1, regionsSkipped: 0 },
        };
      },
    },
    Study: {
      __resolveReference: async (ref: { studyInstanceUid: string }, ctx: RegionContext) => {
        const parsed = parseDicomUid(ref.studyInstanceUid);
        if (!parsed.ok) return null;
        const row = await ctx.loaders.study.load(parsed.value);
        return row ? toStudy(row, ctx.region) : null;
      },
      series: async (study: { studyInstanceUid: string }, _: unknown, ctx: RegionContext) =>
        (await ctx.loaders.series.load(study.studyInstanceUid)).map(toSeries),
    },
  };
}
