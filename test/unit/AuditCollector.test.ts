import { AuditCollector } from '../../gateway/audit/AuditCollector';

describe('AuditCollector', () => {
  it('lists each region once, by code', () => {
    const audit = new AuditCollector();
    audit.recordRegion('LON', 'OK', 2);
    audit.recordRegion('LDS', 'TIMEOUT', null);
    expect(audit.regionList()).toEqual([
      { code: 'LDS', status: 'TIMEOUT', studyCount: null },
      { code: 'LON', status: 'OK', studyCount: 2 },
    ]);
  });

  it('adds up study counts over several fetches of one request', () => {
    const audit = new AuditCollector();
    audit.recordRegion('LDS', 'OK', 2);
    audit.recordRegion('LDS', 'OK', 3);
    expect(audit.regionList()).toEqual([{ code: 'LDS', status: 'OK', studyCount: 5 }]);
  });

  it('keeps a failure from any fetch, and an unknown count once any fetch failed', () => {
    const failedFirst = new AuditCollector();
    failedFirst.recordRegion('LDS', 'UNAVAILABLE', null);
    failedFirst.recordRegion('LDS', 'OK', 4);
    expect(failedFirst.regionList()).toEqual([{ code: 'LDS', status: 'UNAVAILABLE', studyCount: null }]);
    const failedLater = new AuditCollector();
    failedLater.recordRegion('LDS', 'OK', 4);
    failedLater.recordRegion('LDS', 'TIMEOUT', null);
    expect(failedLater.regionList()).toEqual([{ code: 'LDS', status: 'TIMEOUT', studyCount: null }]);
  });

  it('starts with nothing identifiable, denied or named', () => {
    const audit = new AuditCollector();
    expect([audit.identifiable, audit.denied, audit.nhsNumbers.size, audit.studyUids.size, audit.regionList()]).toEqual([false, false, 0, 0, []]);
  });
});
