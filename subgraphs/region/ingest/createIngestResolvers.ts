import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type { Pool } from 'pg';
import { parseDicomUid } from '../../../lib/domain/dicomValues';
import { writeStudies } from '../db/studyWrites';
import { badUserInput } from '../errors';
import type { IndexCache } from '../IndexCache';
import type { MembershipPublisher, Publication } from '../membership/MembershipPublisher';
import type { RegionRef } from '../../../lib/domain/RegionRef';
import type { StudyRecord } from '../StudyRecord';
import { createRegionTeamReads, type IngestContext } from './createRegionTeamReads';
import { validateStudyInput, type StudyInput } from './validateStudyInput';

const MAX_INGEST_BATCH = 1000;

export interface IngestOptions {
  pool: Pool;
  cache: IndexCache;
  region: RegionRef;
  /** Base of the archive's DICOMweb service, used when a record has no wadoRsUrl. */
  archiveBaseUrl: string | null;
  /** Tells the national gateway of patients a write added, before the write is acknowledged. */
  publisher: MembershipPublisher;
}

/** The ingest API's name for what became of a write's membership change. */
function publicationStatus(publication: Publication | null): string {
  if (publication === null) return 'NOTHING_NEW';
  switch (publication.kind) {
    case 'published':
      return 'PUBLISHED';
    case 'not-registered':
      return 'NOT_REGISTERED';
    case 'unpublished':
      return 'UNPUBLISHED';
    default: {
      const never: never = publication;
      throw new Error(`unknown publication ${String(never)}`);
    }
  }
}

interface Rejected {
  index: number;
  studyInstanceUid: string | null;
  reasons: string[];
}

export function createIngestResolvers(options: IngestOptions): GraphQLResolverMap<IngestContext> {
  const { pool, cache, region, archiveBaseUrl, publisher } = options;
  return {
    Query: {
      region: async () => {
        const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM study');
        return { ...region, studyCount: Number(rows[0]?.n ?? 0) };
      },
      ...createRegionTeamReads(pool),
    },
    Mutation: {
      upsertStudies: async (_: unknown, args: { studies: StudyInput[] }) => {
        if (args.studies.length > MAX_INGEST_BATCH) {
          throw badUserInput(`upsertStudies takes at most ${MAX_INGEST_BATCH} studies per call, got ${args.studies.length}; use the bulk loader for initial loads`);
        }
        const rejected: Rejected[] = [];
        const valid = new Map<string, { index: number; record: StudyRecord }>();
        args.studies.forEach((input, index) => {
          const result = validateStudyInput(input);
          if (!result.ok) {
            rejected.push({ index, studyInstanceUid: input.studyInstanceUid ?? null, reasons: result.reasons });
            return;
          }
          const record = result.record;
          if (record.wadoRsUrl === null && archiveBaseUrl) {
            record.wadoRsUrl = `${archiveBaseUrl}/studies/${record.studyInstanceUid}`;
            record.unsaid = record.unsaid?.filter((f) => f !== 'wadoRsUrl');
          }
          const earlier = valid.get(record.studyInstanceUid);
          if (earlier) {
            // Applying records in order means the later one wins; say so rather than silently dropping.
            rejected.push({
              index: earlier.index,
              studyInstanceUid: record.studyInstanceUid,
              reasons: [`superseded by record ${index} with the same studyInstanceUid in this batch`],
            });
          }
          valid.set(record.studyInstanceUid, { index, record });
        });
        const records = [...valid.values()].map((v) => v.record);
        let summary = { inserted: [] as string[], updated: [] as string[], unchanged: [] as string[] };
        let publication: Publication | null = null;
        if (records.length > 0) {
          const client = await pool.connect();
          try {
            const written = await writeStudies(client, records);
            cache.invalidate(written.affectedNhsNumbers, [...written.inserted, ...written.updated]);
            summary = written;
          } finally {
            client.release();
          }
          // Inserted studies (or an NHS number corrected on an update) may add a patient to
          // this region: the gateway hears of it before the archive hears "stored".
          if (summary.inserted.length > 0 || summary.updated.length > 0) publication = await publisher.publish();
        }
        rejected.sort((a, b) => a.index - b.index);
        return {
          accepted: records.length,
          inserted: summary.inserted.length,
          updated: summary.updated.length,
          unchanged: summary.unchanged.length,
          rejected,
          membership: publicationStatus(publication),
        };
      },
      markEnteredInError: async (_: unknown, args: { studyInstanceUids: string[] }) => {
        if (args.studyInstanceUids.length > MAX_INGEST_BATCH) {
          throw badUserInput(`markEnteredInError takes at most ${MAX_INGEST_BATCH} UIDs per call`);
        }
        const uids = args.studyInstanceUids.map((u, i) => {
          const parsed = parseDicomUid(u, `studyInstanceUids[${i}]`);
          if (!parsed.ok) throw badUserInput(parsed.reason);
          return parsed.value;
        });
        const { rows } = await pool.query<{ study_instance_uid: string; nhs_number: string; was: string }>(
          `WITH target AS (SELECT study_instance_uid, status AS was FROM study WHERE study_instance_uid = ANY($1) FOR UPDATE)
           UPDATE study s SET status = 'ENTERED_IN_ERROR',
             updated_at = CASE WHEN t.was = 'ENTERED_IN_ERROR' THEN s.updated_at ELSE now() END
           FROM target t WHERE s.study_instance_uid = t.study_instance_uid
           RETURNING s.study_instance_uid, s.nhs_number, t.was`,
          [uids],
        );
        cache.invalidate(rows.map((r) => r.nhs_number), rows.map((r) => r.study_instance_uid));
        const found = new Set(rows.map((r) => r.study_instance_uid));
        return {
          marked: rows.filter((r) => r.was !== 'ENTERED_IN_ERROR').length,
          alreadyMarked: rows.filter((r) => r.was === 'ENTERED_IN_ERROR').length,
          notFound: [...new Set(uids)].filter((u) => !found.has(u)),
        };
      },
    },
  };
}
