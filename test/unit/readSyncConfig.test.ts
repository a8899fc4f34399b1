import { parseSyncConfig } from '../../subgraphs/region/sync/readSyncConfig';

describe('sync configuration', () => {
  it('reads several archives, each with its own placements, public base and change feed, with defaults', () => {
    const parsed = parseSyncConfig({
      archives: [
        { name: 'lds-pacs', dicomweb: 'http://pacs.lds.internal:8042/dicom-web/', publicBase: 'https://pacs.lds.nhs.uk/dicomweb', changeFeed: 'orthanc' },
        { name: 'lds-vna', dicomweb: 'https://vna.lds.internal/qido', nhsNumberPlacements: ['patientIdWithoutIssuer'], maxRemoveShare: 0.01 },
      ],
    });
    if (!parsed.ok) throw new Error(parsed.message);
    const [pacs, vna] = parsed.config.archives;
    expect(pacs).toMatchObject({
      dicomwebBaseUrl: 'http://pacs.lds.internal:8042/dicom-web',
      publicBaseUrl: 'https://pacs.lds.nhs.uk/dicomweb',
      changeFeed: { kind: 'orthanc', restBaseUrl: 'http://pacs.lds.internal:8042' },
      nhsNumberPlacements: ['patientId', 'otherPatientIdsSequence'],
      maxRemoveShare: 0.05,
      fetchMetadata: true,
    });
    expect(vna).toMatchObject({ changeFeed: { kind: 'none' }, nhsNumberPlacements: ['patientIdWithoutIssuer'], maxRemoveShare: 0.01, publicBaseUrl: null });
    expect(parsed.config).toMatchObject({ pollSeconds: 10, reconcileSeconds: 3600 });
  });

  it('names every problem at once', () => {
    const parsed = parseSyncConfig({
      archives: [
        { name: 'a', dicomweb: 'ftp://x', nhsNumberPlacements: ['patientID'], viewerUrlTemplate: 'https://v/', colour: 'red' },
        { name: 'a', dicomweb: 'http://ok/dicom-web', changeFeed: 'dcm4chee', maxRemoveShare: 2 },
      ],
    });
    expect(parsed.ok).toBe(false);
    const message = parsed.ok ? '' : parsed.message;
    for (const expected of ['archives[0].dicomweb', 'nhsNumberPlacements', '{studyInstanceUid}', 'colour is not a setting', 'used twice', 'changeFeed', 'maxRemoveShare']) {
      expect(message).toContain(expected);
    }
  });

  it('refuses a configuration without archives', () => {
    expect(parseSyncConfig({ archives: [] })).toEqual({ ok: false, message: expect.stringContaining('non-empty list') });
  });
});
