import { parseNhsNumber } from '../../lib/domain/parseNhsNumber';
import { parseDicomUid } from '../../lib/domain/dicomValues';
import type { StudyRecord } from '../../subgraphs/region/StudyRecord';
import { createStudyGenerator, type SyntheticRegionOptions } from '../../subgraphs/region/synthetic/createStudyGenerator';
import { generateRegion } from '../../subgraphs/region/synthetic/generateRegion';
import { generateStudy } from '../../subgraphs/region/synthetic/generateStudy';
import { listMultiRegionNhsNumbers } from '../../subgraphs/region/synthetic/listMultiRegionNhsNumbers';
import { sampleNhsNumbers } from '../../subgraphs/region/synthetic/sampleNhsNumbers';
import { MAX_SYNTHETIC_PATIENTS, syntheticNhsNumber } from '../../subgraphs/region/synthetic/syntheticNhsNumber';

const REGIONS = ['LDS', 'LON', 'MAN'];
const base: SyntheticRegionOptions = { seed: 42, regionCode: 'LDS', regionCodes: REGIONS, studyCount: 20_000 };

function regionStudies(regionCode: string, studyCount: number, seed = 42): StudyRecord[] {
  return [...generateRegion({ seed, regionCode, regionCodes: REGIONS, studyCount })];
}

describe('synthetic study generator', () => {
  const lds = regionStudies('LDS', 20_000);

  it('produces identical studies for the same seed and different studies for another seed', () => {
    expect(JSON.stringify(regionStudies('LDS', 500))).toBe(JSON.stringify(lds.slice(0, 500)));
    const other = regionStudies('LDS', 500, 43);
    const same = other.filter((s, i) => s.nhsNumber === lds[i]!.nhsNumber && s.description === lds[i]!.description);
    expect(same.length).toBeLessThan(50);
    expect(other[0]!.studyInstanceUid).not.toBe(lds[0]!.studyInstanceUid);
  });

  it('produces study i the same whether generated alone, in order, in chunks or backwards', () => {
    const chunked = [...generateRegion(base, 0, 7_000), ...generateRegion(base, 7_000, 13_001), ...generateRegion(base, 13_001)];
    expect(JSON.stringify(chunked)).toBe(JSON.stringify(lds));
    for (const i of [19_999, 12_345, 0, 777]) expect(generateStudy(base, i)).toEqual(lds[i]);
    // A different studyCount only decides how many studies exist, not what each one is.
    expect(generateStudy({ ...base, studyCount: 1_000_000 }, 4_321)).toEqual(lds[4_321]);
  });

  it('gives every study a valid NHS number in the 999 test range and valid, unique DICOM UIDs', () => {
    const uids = new Set<string>();
    const bad: string[] = [];
    for (const s of lds) {
      const nhs = parseNhsNumber(s.nhsNumber);
      if (!nhs.ok || nhs.value !== s.nhsNumber || !s.nhsNumber.startsWith('999')) bad.push(s.nhsNumber);
      for (const uid of [s.studyInstanceUid, ...s.series!.map((x) => x.seriesInstanceUid)]) {
        const parsed = parseDicomUid(uid);
        if (!parsed.ok || parsed.value !== uid) bad.push(uid);
        uids.add(uid);
      }
    }
    expect(bad).toEqual([]);
    expect(uids.size).toBe(lds.length + lds.reduce((n, s) => n + s.series!.length, 0));
    const lon = regionStudies('LON', 1_000);
    expect(lon.some((s) => uids.has(s.studyInstanceUid))).toBe(false);
  });

  it('maps distinct patients to distinct valid NHS numbers across the whole 999 range', () => {
    // Neighbours (which share a run of stems) and a spread over the whole range.
    const patients = new Set<number>();
    for (let p = 0; p < 5_000; p++) patients.add(p).add(MAX_SYNTHETIC_PATIENTS - 1 - p);
    for (let p = 0; p < MAX_SYNTHETIC_PATIENTS; p += 337) patients.add(p);
    const seen = new Set<string>();
    const invalid: string[] = [];
    for (const p of patients) {
      const nhs = syntheticNhsNumber(42, p);
      seen.add(nhs);
      if (!parseNhsNumber(nhs).ok || !nhs.startsWith('999')) invalid.push(nhs);
    }
    expect(invalid).toEqual([]);
    expect(seen.size).toBe(patients.size);
    expect(() => syntheticNhsNumber(42, MAX_SYNTHETIC_PATIENTS)).toThrow(RangeError);
  });

  it('only gives a region studies of patients who live in it or moved to it', () => {
    const generator = createStudyGenerator(base);
    const { population } = generator;
    const region = population.regionIndex('LDS');
    const strangers: number[] = [];
    for (let i = 0; i < 5_000; i++) {
      const patient = population.patientForStudy(region, i);
      if (!population.regionsOf(patient).includes(region)) strangers.push(patient);
    }
    expect(strangers).toEqual([]);
  });

  it('has roughly the modality mix of an acute trust, with some multi-modality studies', () => {
    const share = (test: (s: StudyRecord) => boolean) => (100 * lds.filter(test).length) / lds.length;
    const primary = (m: string) => share((s) => s.modalities[0] === m);
    expect(primary('CR') + primary('DX')).toBeGreaterThan(37);
    expect(primary('CR') + primary('DX')).toBeLessThan(43);
    expect(primary('CT')).toBeGreaterThan(13);
    expect(primary('CT')).toBeLessThan(17);
    expect(primary('MR')).toBeGreaterThan(8.5);
    expect(primary('MR')).toBeLessThan(11.5);
    expect(primary('US')).toBeGreaterThan(16);
    expect(primary('US')).toBeLessThan(20);
    expect(primary('MG')).toBeGreaterThan(5.5);
    expect(primary('MG')).toBeLessThan(8.5);
    expect(primary('NM')).toBeGreaterThan(1);
    expect(primary('PT')).toBeGreaterThan(0.5);
    expect(share((s) => s.modalities.join('+') === 'PT+CT')).toBeCloseTo(primary('PT'), 5);
    expect(share((s) => s.modalities.join('+') === 'NM+CT')).toBeGreaterThan(0.2);
    const eie = share((s) => s.status === 'ENTERED_IN_ERROR');
    expect(eie).toBeGreaterThan(0.2);
    expect(eie).toBeLessThan(1);
    expect(share((s) => s.instanceAvailability === 'NEARLINE')).toBeGreaterThan(3);
  });

  it('dates studies over the 15 years before the reference date, mostly in working hours', () => {
    const dates = lds.map((s) => s.studyDate!).sort();
    expect(dates[0]! >= '2010-06-29').toBe(true);
    expect(dates[dates.length - 1]! <= '2025-06-30').toBe(true);
    expect(dates.filter((d) => d >= '2020-06-30').length).toBeGreaterThan(dates.filter((d) => d < '2015-06-30').length);
    const daytime = lds.filter((s) => s.studyTime! >= '08:00:00' && s.studyTime! < '18:00:00').length;
    expect(daytime / lds.length).toBeGreaterThan(0.75);
    expect(generateStudy({ ...base, referenceDate: '2030-01-01' }, 5).studyDate! > '2014-12-31').toBe(true);
  });

  it('gives most patients one or two studies and a few patients dozens', () => {
    const perPatient = new Map<string, number>();
    for (const s of lds) perPatient.set(s.nhsNumber, (perPatient.get(s.nhsNumber) ?? 0) + 1);
    const counts = [...perPatient.values()];
    expect(counts.filter((c) => c <= 2).length / counts.length).toBeGreaterThan(0.6);
    expect(counts.filter((c) => c >= 20).length).toBeGreaterThan(5);
  });

  it('links each study to its archive and viewer, and to a trust with an ODS-like code', () => {
    const s = lds[3]!;
    expect(s.wadoRsUrl).toBe(`https://pacs.lds.example.nhs.uk/dicomweb/studies/${s.studyInstanceUid}`);
    expect(s.viewerUrl).toBe(`https://viewer.lds.example.nhs.uk/viewer?StudyInstanceUID=${s.studyInstanceUid}`);
    expect(generateStudy({ ...base, archiveBaseUrl: 'https://archive.test/dicom-web/' }, 3).wadoRsUrl).toBe(
      `https://archive.test/dicom-web/studies/${s.studyInstanceUid}`,
    );
    const trusts = new Set(lds.map((x) => `${x.odsCode}|${x.organisationName}`));
    expect(trusts.size).toBeGreaterThanOrEqual(3);
    for (const t of trusts) expect(t).toMatch(/^R[0-9A-Z]{2}\|.+ NHS (Foundation )?Trust$/);
    expect(lds.every((x) => x.referringPhysicianName === null || /^[A-Za-z]+\^[A-Za-z]+$/.test(x.referringPhysicianName))).toBe(true);
  });
});

describe('synthetic national population', () => {
  const counts = { LDS: 3_000, LON: 2_000, MAN: 2_500 };
  const actual = new Map<string, Set<string>>();
  for (const [code, n] of Object.entries(counts)) {
    for (const s of regionStudies(code, n)) {
      const regions = actual.get(s.nhsNumber) ?? new Set<string>();
      regions.add(code);
      actual.set(s.nhsNumber, regions);
    }
  }

  it('has patients with studies in several regions', () => {
    const movers = [...actual.values()].filter((r) => r.size >= 2).length;
    expect(movers / actual.size).toBeGreaterThan(0.03);
    expect([...actual.values()].some((r) => r.size === 3)).toBe(true);
  });

  it('lists NHS numbers that really have studies in every region it names', () => {
    const listed = listMultiRegionNhsNumbers({ seed: 42, regionCodes: REGIONS, studyCounts: counts, limit: 25 });
    expect(listed).toHaveLength(25);
    for (const p of listed) {
      expect(p.regionCodes.length).toBeGreaterThanOrEqual(2);
      expect(new Set(p.regionCodes)).toEqual(actual.get(p.nhsNumber));
    }
    const three = listMultiRegionNhsNumbers({ seed: 42, regionCodes: REGIONS, studyCounts: counts, limit: 3, minRegions: 3 });
    for (const p of three) expect(actual.get(p.nhsNumber)?.size).toBe(3);
  });

  it('samples distinct NHS numbers that have studies in the region, reproducibly', () => {
    const options = { seed: 42, regionCode: 'LON', regionCodes: REGIONS, studyCount: counts.LON };
    const sample = sampleNhsNumbers(options, 200);
    expect(new Set(sample).size).toBe(200);
    const inLon = new Set(regionStudies('LON', counts.LON).map((s) => s.nhsNumber));
    for (const nhs of sample) expect(inLon.has(nhs)).toBe(true);
    expect(sampleNhsNumbers(options, 200)).toEqual(sample);
    expect(sampleNhsNumbers(options, 200, 2)).not.toEqual(sample);
  });

  it('refuses a region outside the population and impossible sizes', () => {
    expect(() => createStudyGenerator({ ...base, regionCode: 'BRS' })).toThrow(/not in the population/);
    expect(() => createStudyGenerator({ ...base, populationSize: 2_000_000 })).toThrow(RangeError);
    expect(() => createStudyGenerator({ ...base, regionCodes: ['LDS', 'too-long!'] })).toThrow(RangeError);
  });
});
