import { parseDicomJsonStudy, type ParsedStudy } from '../../subgraphs/region/bulk/parseDicomJsonStudy';
import type { StudyRecord } from '../../subgraphs/region/StudyRecord';
import { generateRegion } from '../../subgraphs/region/synthetic/generateRegion';
import { toDicomJson } from '../../subgraphs/region/synthetic/toDicomJson';

const UID = '1.2.826.0.1.3680043.10.1234.7.1';

/** A study as an archive's QIDO-RS answer would carry it, NHS number in Other Patient IDs. */
function qidoStudy(): Record<string, unknown> {
  return {
    '00080020': { vr: 'DA', Value: ['20240315'] },
    '00080030': { vr: 'TM', Value: ['142501.123456'] },
    '00080050': { vr: 'SH', Value: ['RR8123456'] },
    '00080056': { vr: 'CS', Value: ['ONLINE'] },
    '00080061': { vr: 'CS', Value: ['CT', 'SR'] },
    '00080080': { vr: 'LO', Value: ['Ashcombe General Hospital NHS Trust'] },
    '00080082': { vr: 'SQ', Value: [{ '00080100': { vr: 'SH', Value: ['RA1'] }, '00080102': { vr: 'SH', Value: ['ODS'] } }] },
    '00080090': { vr: 'PN', Value: [{ Alphabetic: 'Doe^Jane' }] },
    '00081030': { vr: 'LO', Value: ['CT HEAD WITHOUT CONTRAST'] },
    '00081190': { vr: 'UR', Value: [`https://pacs.example.nhs.uk/dicomweb/studies/${UID}`] },
    '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Patient^Test' }] },
    '00100020': { vr: 'LO', Value: ['K1234567'] },
    '00100021': { vr: 'LO', Value: ['RA1'] },
    '00101002': { vr: 'SQ', Value: [{ '00100020': { vr: 'LO', Value: ['9434765919'] }, '00100021': { vr: 'LO', Value: ['NHS'] } }] },
    '00180015': { vr: 'CS', Value: ['HEAD'] },
    '0020000D': { vr: 'UI', Value: [UID] },
    '00201206': { vr: 'IS', Value: [2] },
    '00201208': { vr: 'IS', Value: [231] },
  };
}

function record(parsed: ParsedStudy): StudyRecord {
  if (!parsed.ok) throw new Error(`expected a record, got ${parsed.reasons.join('; ')}`);
  return parsed.record;
}

function reasons(parsed: ParsedStudy): string[] {
  if (parsed.ok) throw new Error('expected the object to be refused');
  return parsed.reasons;
}

describe('parseDicomJsonStudy', () => {
  it('reads a QIDO-RS study object into a study record', () => {
    expect(record(parseDicomJsonStudy(qidoStudy()))).toEqual({
      studyInstanceUid: UID,
      nhsNumber: '9434765919',
      localPatientId: 'K1234567',
      issuerOfPatientId: 'RA1',
      accessionNumber: 'RR8123456',
      studyDate: '2024-03-15',
      studyTime: '14:25:01',
      modalities: ['CT', 'SR'],
      description: 'CT HEAD WITHOUT CONTRAST',
      bodyPartExamined: 'HEAD',
      referringPhysicianName: 'Doe^Jane',
      numberOfStudyRelatedSeries: 2,
      numberOfStudyRelatedInstances: 231,
      instanceAvailability: 'ONLINE',
      odsCode: 'RA1',
      organisationName: 'Ashcombe General Hospital NHS Trust',
      status: null,
      wadoRsUrl: `https://pacs.example.nhs.uk/dicomweb/studies/${UID}`,
      viewerUrl: null,
      unsaid: ['viewerUrl'],
    });
  });

  it('accepts IS values sent as strings, as many archives do', () => {
    const o = { ...qidoStudy(), '00201206': { vr: 'IS', Value: ['3'] }, '00201208': { vr: 'IS', Value: [' 120 '] } };
    const r = record(parseDicomJsonStudy(o));
    expect([r.numberOfStudyRelatedSeries, r.numberOfStudyRelatedInstances]).toEqual([3, 120]);
    expect(reasons(parseDicomJsonStudy({ ...qidoStudy(), '00201208': { vr: 'IS', Value: ['many'] } }))).toEqual([
      'NumberOfStudyRelatedInstances (00201208) "many" is not an integer string (IS)',
    ]);
  });

  it('treats attributes without a Value as empty', () => {
    const o = {
      ...qidoStudy(),
      '00080050': { vr: 'SH' },
      '00080090': { vr: 'PN' },
      '00080061': { vr: 'CS' },
      '00201208': { vr: 'IS' },
      '00080030': { vr: 'TM' },
    };
    const r = record(parseDicomJsonStudy(o));
    expect([r.accessionNumber, r.referringPhysicianName, r.numberOfStudyRelatedInstances, r.studyTime]).toEqual([null, null, null, null]);
    expect(r.modalities).toEqual([]);
  });

  it('reads the referring physician from the Alphabetic group of a Person Name', () => {
    const o = { ...qidoStudy(), '00080090': { vr: 'PN', Value: [{ Alphabetic: 'Okafor^Ngozi^^Dr', Ideographic: '' }] } };
    expect(record(parseDicomJsonStudy(o)).referringPhysicianName).toBe('Okafor^Ngozi^^Dr');
  });

  it('takes the NHS number from Patient ID when its issuer is NHS', () => {
    const o: Record<string, unknown> = { ...qidoStudy(), '00100020': { vr: 'LO', Value: ['943 476 5919'] }, '00100021': { vr: 'LO', Value: ['NHS'] } };
    delete o['00101002'];
    const r = record(parseDicomJsonStudy(o));
    expect([r.nhsNumber, r.localPatientId, r.issuerOfPatientId]).toEqual(['9434765919', null, null]);
  });

  it('refuses a study with a bad UID, NHS number and date, giving every reason', () => {
    const o = {
      ...qidoStudy(),
      '0020000D': { vr: 'UI', Value: ['1.2.03.4'] },
      '00101002': { vr: 'SQ', Value: [{ '00100020': { vr: 'LO', Value: ['9434765918'] }, '00100021': { vr: 'LO', Value: ['NHS'] } }] },
      '00080020': { vr: 'DA', Value: ['20230230'] },
    };
    const parsed = parseDicomJsonStudy(o);
    expect(parsed).toEqual({
      ok: false,
      studyInstanceUid: '1.2.03.4',
      reasons: [
        'studyInstanceUid "1.2.03.4" is not a DICOM UID (dotted numbers, no leading zeros)',
        'NHS number check digit is wrong',
        'studyDate "20230230" is not a real calendar date',
      ],
    });
  });

  it('refuses a study without an NHS number and says where it looked', () => {
    const o: Record<string, unknown> = { ...qidoStudy() };
    delete o['00101002'];
    expect(reasons(parseDicomJsonStudy(o))).toEqual([
      'no NHS number: looked in Patient ID (00100020) with Issuer of Patient ID (00100021) "NHS" or 2.16.840.1.113883.2.1.4.1; Other Patient IDs Sequence (00101002) items with that issuer',
    ]);
  });

  it('refuses a study that carries two different NHS numbers', () => {
    const o = { ...qidoStudy(), '00100020': { vr: 'LO', Value: ['9990000018'] }, '00100021': { vr: 'LO', Value: ['NHS'] } };
    expect(reasons(parseDicomJsonStudy(o))).toContain('the object carries more than one different NHS number');
  });

  it('refuses values that are not shaped as DICOM JSON, and things that are not objects', () => {
    expect(parseDicomJsonStudy([1, 2])).toEqual({ ok: false, studyInstanceUid: null, reasons: ['record is not a JSON object'] });
    const o = { ...qidoStudy(), '00081030': { vr: 'LO', Value: 'CT HEAD' }, '00080090': { vr: 'PN', Value: [42] } };
    expect(reasons(parseDicomJsonStudy(o))).toEqual([
      'StudyDescription (00081030) Value is not an array',
      'ReferringPhysicianName (00080090) is not a Person Name ({ "Alphabetic": "Family^Given" })',
    ]);
  });

  it('marks a study entered in error from StudyStatusID, and only from that', () => {
    expect(record(parseDicomJsonStudy({ ...qidoStudy(), '0032000A': { vr: 'CS', Value: ['ENTERED_IN_ERROR'] } })).status).toBe('ENTERED_IN_ERROR');
    expect(record(parseDicomJsonStudy({ ...qidoStudy(), '0032000A': { vr: 'CS', Value: ['COMPLETED'] } })).status).toBe('AVAILABLE');
    expect(record(parseDicomJsonStudy({ ...qidoStudy(), '00080056': { vr: 'CS', Value: ['UNAVAILABLE'] } })).status).toBeNull();
  });

  it('reads series from Referenced Series Sequence; an empty sequence means no series, an absent one leaves them alone', () => {
    const series = {
      vr: 'SQ',
      Value: [
        { '0020000E': { vr: 'UI', Value: [`${UID}.1`] }, '00080060': { vr: 'CS', Value: ['CT'] }, '00200011': { vr: 'IS', Value: ['1'] }, '00201209': { vr: 'IS', Value: [230] }, '0008103E': { vr: 'LO', Value: ['Axial 5mm'] } },
        { '0020000E': { vr: 'UI', Value: [`${UID}.2`] }, '00080060': { vr: 'CS', Value: ['SR'] } },
      ],
    };
    const o: Record<string, unknown> = { ...qidoStudy(), '00081115': series };
    delete o['00080061'];
    const r = record(parseDicomJsonStudy(o));
    expect(r.series).toEqual([
      { seriesInstanceUid: `${UID}.1`, seriesNumber: 1, modality: 'CT', description: 'Axial 5mm', bodyPartExamined: null, instanceCount: 230 },
      { seriesInstanceUid: `${UID}.2`, seriesNumber: null, modality: 'SR', description: null, bodyPartExamined: null, instanceCount: null },
    ]);
    expect(r.modalities).toEqual(['CT', 'SR']);
    expect(record(parseDicomJsonStudy({ ...qidoStudy(), '00081115': { vr: 'SQ' } })).series).toEqual([]);
    expect('series' in record(parseDicomJsonStudy(qidoStudy()))).toBe(false);
    const bad = { ...qidoStudy(), '00081115': { vr: 'SQ', Value: [{ '0020000E': { vr: 'UI', Value: ['1.2.x'] } }] } };
    expect(reasons(parseDicomJsonStudy(bad))).toEqual(['series[0].seriesInstanceUid "1.2.x" is not a DICOM UID (dotted numbers, no leading zeros)']);
  });

  it('builds the viewer link from the viewer base URL, which DICOM has no tag for', () => {
    expect(record(parseDicomJsonStudy(qidoStudy(), { viewerBaseUrl: 'https://viewer.example.nhs.uk/v' })).viewerUrl).toBe(
      `https://viewer.example.nhs.uk/v?StudyInstanceUID=${UID}`,
    );
    expect(record(parseDicomJsonStudy(qidoStudy(), { viewerBaseUrl: 'https://v.example.nhs.uk/?site=1' })).viewerUrl).toBe(
      `https://v.example.nhs.uk/?site=1&StudyInstanceUID=${UID}`,
    );
  });

  it('reads back every generated study unchanged after toDicomJson', () => {
    const options = { seed: 5, regionCode: 'MAN', regionCodes: ['LDS', 'MAN'], studyCount: 3_000, viewerBaseUrl: 'https://viewer.man.example.nhs.uk/viewer' };
    const studies = [...generateRegion(options)];
    expect(studies.some((s) => s.status === 'ENTERED_IN_ERROR')).toBe(true);
    const differing = studies.filter((s) => {
      const parsed = parseDicomJsonStudy(JSON.parse(JSON.stringify(toDicomJson(s))), { viewerBaseUrl: options.viewerBaseUrl });
      return !parsed.ok || JSON.stringify(parsed.record) !== JSON.stringify(s);
    });
    expect(differing).toEqual([]);
    const withoutLocalId = { ...studies[0]!, localPatientId: null, issuerOfPatientId: null, series: [] };
    expect(parseDicomJsonStudy(toDicomJson(withoutLocalId), { viewerBaseUrl: options.viewerBaseUrl })).toEqual({ ok: true, record: withoutLocalId });
  });
});

describe('where parseDicomJsonStudy looks for the NHS number', () => {
  const withoutNhsIds = (): Record<string, unknown> => {
    const o = qidoStudy();
    delete o['00101002'];
    return o;
  };
  const ALL = ['patientId', 'otherPatientIdsSequence', 'patientIdWithoutIssuer', 'otherPatientIds'] as const;

  it('reads Patient ID whose issuer is the NHS number OID', () => {
    const o = { ...withoutNhsIds(), '00100020': { vr: 'LO', Value: ['9434765919'] }, '00100021': { vr: 'LO', Value: ['2.16.840.1.113883.2.1.4.1'] } };
    expect(record(parseDicomJsonStudy(o)).nhsNumber).toBe('9434765919');
  });

  it('reads Patient ID without an issuer only when the archive opts in', () => {
    const o: Record<string, unknown> = { ...withoutNhsIds(), '00100020': { vr: 'LO', Value: ['943 476 5919'] } };
    delete o['00100021'];
    expect(reasons(parseDicomJsonStudy(o))[0]).toMatch(/^no NHS number: looked in/);
    expect(record(parseDicomJsonStudy(o, { nhsNumberPlacements: ALL })).nhsNumber).toBe('9434765919');
  });

  it('reads the retired Other Patient IDs only when the archive opts in', () => {
    const o = { ...withoutNhsIds(), '00101000': { vr: 'LO', Value: ['H998877', '9434765919'] } };
    expect(reasons(parseDicomJsonStudy(o))[0]).toMatch(/^no NHS number/);
    const r = record(parseDicomJsonStudy(o, { nhsNumberPlacements: ALL }));
    expect([r.nhsNumber, r.localPatientId]).toEqual(['9434765919', 'K1234567']);
  });

  it('leaves out what the object does not carry, so the stored values stay', () => {
    const o: Record<string, unknown> = qidoStudy();
    for (const tag of ['00080082', '00080050', '00081190']) delete o[tag];
    expect(record(parseDicomJsonStudy(o)).unsaid).toEqual(['accessionNumber', 'performingOrganisation', 'wadoRsUrl', 'viewerUrl']);
  });
});
