import { listMultiRegionNhsNumbers } from '../subgraphs/region/synthetic/listMultiRegionNhsNumbers';
import { mixSeed, Random } from '../subgraphs/region/synthetic/Random';
import { sampleNhsNumbers } from '../subgraphs/region/synthetic/sampleNhsNumbers';

/** An EPR asking for a patient's whole imaging history. */
export const FULL_HISTORY = `query FullHistory($nhs: String!) {
  patient(nhsNumber: $nhs) {
    nhsNumber
    imagingHistory {
      complete
      sources { region { code name } status studyCount }
      studies {
        studyInstanceUid accessionNumber studyDate studyTime modalities description bodyPartExamined
        referringPhysicianName numberOfStudyRelatedSeries numberOfStudyRelatedInstances instanceAvailability status
        localPatientId { value issuer } performingOrganisation { odsCode name }
        region { code name } retrieve { wadoRsUrl viewerUrl }
      }
    }
  }
}`;

/** A clinician's "recent CT/MR" view: the newest 20 of some modalities. */
export const RECENT_BY_MODALITY = `query RecentByModality($nhs: String!, $filter: StudyFilter) {
  patient(nhsNumber: $nhs) {
    nhsNumber
    imagingHistory(first: 20, filter: $filter) {
      complete
      studies { studyInstanceUid studyDate modalities description region { code } retrieve { wadoRsUrl viewerUrl } }
    }
  }
}`;

const MODALITY_FILTERS: readonly (readonly string[])[] = [['CT', 'MR'], ['CR', 'DX'], ['US'], ['MG'], ['CT'], ['MR', 'PT', 'NM']];

/** What defines the synthetic national population (the same for every region). */
export interface PopulationSpec {
  seed: number;
  regionCodes: readonly string[];
}

/**
 * NHS numbers that have studies in the data: a sample per region (weighted by studies, as
 * real lookups are) plus known multi-region patients (movers), shuffled reproducibly.
 */
export function drawNhsNumbers(population: PopulationSpec, regions: readonly { code: string; studyCount: number }[], perRegion: number, movers: number, sampleSeed: number): string[] {
  const found = new Set<string>();
  for (const region of regions) {
    for (const n of sampleNhsNumbers({ seed: population.seed, regionCodes: population.regionCodes, regionCode: region.code, studyCount: region.studyCount }, perRegion, sampleSeed)) found.add(n);
  }
  if (movers > 0) {
    const counts = Object.fromEntries(regions.map((r) => [r.code, r.studyCount]));
    for (const p of listMultiRegionNhsNumbers({ seed: population.seed, regionCodes: population.regionCodes, studyCounts: counts, limit: movers })) found.add(p.nhsNumber);
  }
  const list = [...found];
  const random = new Random(mixSeed(population.seed, sampleSeed, 0xbe4c));
  for (let i = list.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  return list;
}

/** Request bodies cycling through the NHS numbers: half full histories, half `first: 20` with a modality filter. */
export function createBodySource(nhsNumbers: readonly string[], seed: number): () => string {
  if (nhsNumbers.length === 0) throw new Error('no NHS numbers to query');
  const random = new Random(mixSeed(seed, 0x10ad));
  const bodies = nhsNumbers.map((nhs) =>
    random.chance(0.5)
      ? JSON.stringify({ query: FULL_HISTORY, variables: { nhs }, operationName: 'FullHistory' })
      : JSON.stringify({ query: RECENT_BY_MODALITY, variables: { nhs, filter: { modalities: random.pick(MODALITY_FILTERS) } }, operationName: 'RecentByModality' }),
  );
  let next = 0;
  return () => {
    const body = bodies[next]!;
    next = (next + 1) % bodies.length;
    return body;
  };
}
