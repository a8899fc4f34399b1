import type { SeriesRecord, StudyRecord } from '../StudyRecord';
import { EXAMS_BY_MODALITY, MODALITY_MIX } from './examCatalogue';
import type { Population, PopulationOptions } from './Population';
import { populationFor } from './populationFor';
import { hashString, mixSeed, pickWeighted, Random } from './Random';
import { regionTrusts } from './regionTrusts';
import { FAMILY_NAMES, GIVEN_NAMES } from './syntheticNames';

/** Everything that determines one region's synthetic index. Same options, same studies. */
export interface SyntheticRegionOptions extends PopulationOptions {
  /** The region to generate; must be one of `regionCodes`. */
  regionCode: string;
  /** Studies in this region (0 <= index < studyCount); at most 1,000,000,000. */
  studyCount: number;
  /** DICOMweb base URL of the region's archive; WADO-RS URL = `${archiveBaseUrl}/studies/${uid}`. */
  archiveBaseUrl?: string;
  /** Viewer launch URL; viewer URL = `${viewerBaseUrl}?StudyInstanceUID=${uid}`. */
  viewerBaseUrl?: string;
  /** Last day of the 15 years of history (ISO date). Fixed, never "today", so output is reproducible. */
  referenceDate?: string;
}

/** Produces the studies of one region, each on its own in O(log patients). */
export interface StudyGenerator {
  readonly population: Population;
  readonly regionCode: string;
  readonly studyCount: number;
  study(index: number): StudyRecord;
  /** Studies from..to-1 (default: all), in index order. */
  studies(from?: number, to?: number): IterableIterator<StudyRecord>;
  /** The NHS number of study `index` without building the rest of the study. */
  nhsNumberOfStudy(index: number): string;
}

/**
 * A made-up sub-arc for synthetic data only. The 64-character UID limit holds for every
 * study and series we make: root (27) + seed (<= 10 digits) + region number (<= 10) +
 * index (<= 9) + series number (<= 2) plus dots is at most 62.
 */
const SYNTHETIC_UID_ROOT = '1.2.826.0.1.3680043.10.1234';
const DEFAULT_REFERENCE_DATE = '2025-06-30';
const MAX_STUDIES_PER_REGION = 1_000_000_000;

// See Random.ts: hot paths avoid global lookups.
const { floor, sqrt } = Math;
const HISTORY_DAYS = Math.round(15 * 365.25);
const DAY_MS = 86_400_000;
const SALT_STUDY = 3;
const SALT_TRUST = 4;
const ENTERED_IN_ERROR_SHARE = 0.005;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

/** ISO date of a day number (days since 1970-01-01), without Date: Hinnant's civil_from_days. */
function isoDate(days: number): string {
  const z = days + 719_468;
  const era = floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = floor((doe - floor(doe / 1460) + floor(doe / 36_524) - floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + floor(yoe / 4) - floor(yoe / 100));
  const mp = floor((5 * doy + 2) / 153);
  const d = doy - floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return `${yoe + era * 400 + (m <= 2 ? 1 : 0)}-${pad2(m)}-${pad2(d)}`;
}

function defaultArchiveBaseUrl(regionCode: string): string {
  return `https://pacs.${regionCode.toLowerCase()}.example.nhs.uk/dicomweb`;
}

function defaultViewerBaseUrl(regionCode: string): string {
  return `https://viewer.${regionCode.toLowerCase()}.example.nhs.uk/viewer`;
}

/**
 * Builds the generator for one region. Every value of study i comes from a PRNG seeded by
 * (seed, region, i) and from the shared population, so a study never depends on which
 * other studies were generated, in what order or in which chunks.
 */
export function createStudyGenerator(options: SyntheticRegionOptions): StudyGenerator {
  const population = populationFor(options);
  const regionCode = options.regionCode;
  const region = population.regionIndex(regionCode);
  const studyCount = options.studyCount;
  if (!Number.isInteger(studyCount) || studyCount < 0 || studyCount > MAX_STUDIES_PER_REGION) {
    throw new RangeError(`studyCount must be an integer 0..${MAX_STUDIES_PER_REGION}`);
  }
  const reference = Date.parse(`${options.referenceDate ?? DEFAULT_REFERENCE_DATE}T00:00:00Z`);
  if (Number.isNaN(reference)) throw new RangeError(`referenceDate "${options.referenceDate}" is not an ISO date`);
  const archiveBaseUrl = (options.archiveBaseUrl ?? defaultArchiveBaseUrl(regionCode)).replace(/\/+$/, '');
  const viewerBaseUrl = options.viewerBaseUrl ?? defaultViewerBaseUrl(regionCode);
  const viewerJoin = viewerBaseUrl.includes('?') ? '&' : '?';
  const regionHash = hashString(regionCode);
  // Base 36 reads the code as a number: distinct codes give distinct UID components.
  const regionNumber = parseInt(regionCode, 36);
  const uidPrefix = `${SYNTHETIC_UID_ROOT}.${population.seed}.${regionNumber}.`;
  const trusts = regionTrusts(population, region);
  const seed = population.seed;

  function checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= studyCount) {
      throw new RangeError(`study index ${index} is outside 0..${studyCount - 1} for region ${regionCode}`);
    }
  }

  function study(index: number): StudyRecord {
    checkIndex(index);
    const patient = population.patientForStudy(region, index);
    const random = new Random(mixSeed(seed, regionHash, index, SALT_STUDY));
    const uid = `${uidPrefix}${index}`;

    const primary = pickWeighted(random, MODALITY_MIX);
    const exam = random.pick(EXAMS_BY_MODALITY[primary]!);
    const series: SeriesRecord[] = [];
    const modalities = [primary];
    let instances = 0;
    for (const template of exam.series) {
      if (template.probability !== undefined && !random.chance(template.probability)) continue;
      const n = series.length + 1;
      const modality = template.modality ?? primary;
      if (!modalities.includes(modality)) modalities.push(modality);
      const count = random.between(template.instances[0], template.instances[1]);
      instances += count;
      series.push({
        seriesInstanceUid: `${uid}.${n}`,
        seriesNumber: n,
        modality,
        description: template.description,
        bodyPartExamined: exam.bodyPart,
        instanceCount: count,
      });
    }

    // More imaging every year: 40% spread evenly over 15 years, 60% with density rising
    // linearly towards the reference date.
    const u = random.next();
    const daysBack = floor(HISTORY_DAYS * (random.chance(0.4) ? u : 1 - sqrt(u)));
    let day = floor(reference / DAY_MS) - daysBack;
    const weekday = (day + 4) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
    if ((weekday === 0 || weekday === 6) && random.chance(0.75)) day -= weekday === 6 ? 1 : 2;
    const studyDate = isoDate(day);
    const hour = random.chance(0.8) ? random.between(8, 17) : random.int(24);
    const studyTime = `${pad2(hour)}:${pad2(random.int(60))}:${pad2(random.int(60))}`;
    const ageYears = daysBack / 365.25;

    // Most patients go to their local trust; some are seen elsewhere in the region.
    const usual = mixSeed(seed, SALT_TRUST, patient, region) % trusts.length;
    const trustIndex = random.chance(0.85) ? usual : random.int(trusts.length);
    const trust = trusts[trustIndex]!;
    // 7919 is coprime with 9,000,000, so distinct patients get distinct hospital numbers.
    const hospitalNumber = 1_000_000 + ((patient * 7919 + trustIndex * 1_234_567 + region * 97) % 9_000_000);

    const referrer = random.chance(0.92) ? `${random.pick(FAMILY_NAMES)}^${random.pick(GIVEN_NAMES)}` : null;
    const nearline = random.chance(ageYears > 8 ? 0.4 : 0.03);
    const enteredInError = random.chance(ENTERED_IN_ERROR_SHARE);

    return {
      studyInstanceUid: uid,
      nhsNumber: population.nhsNumber(patient),
      localPatientId: `${trust.localIdPrefix}${hospitalNumber}`,
      issuerOfPatientId: trust.odsCode,
      accessionNumber: `${trust.odsCode}${`${index}`.padStart(9, '0')}`,
      studyDate,
      studyTime,
      modalities,
      description: exam.description,
      bodyPartExamined: exam.bodyPart,
      referringPhysicianName: referrer,
      numberOfStudyRelatedSeries: series.length,
      numberOfStudyRelatedInstances: instances,
      instanceAvailability: nearline ? 'NEARLINE' : 'ONLINE',
      odsCode: trust.odsCode,
      organisationName: trust.name,
      status: enteredInError ? 'ENTERED_IN_ERROR' : 'AVAILABLE',
      wadoRsUrl: `${archiveBaseUrl}/studies/${uid}`,
      viewerUrl: `${viewerBaseUrl}${viewerJoin}StudyInstanceUID=${uid}`,
      series,
    };
  }

  function* studies(from = 0, to = studyCount): IterableIterator<StudyRecord> {
    for (let i = Math.max(0, from); i < Math.min(to, studyCount); i++) yield study(i);
  }

  return {
    population,
    regionCode,
    studyCount,
    study,
    studies,
    nhsNumberOfStudy: (index) => {
      checkIndex(index);
      return population.nhsNumber(population.patientForStudy(region, index));
    },
  };
}
