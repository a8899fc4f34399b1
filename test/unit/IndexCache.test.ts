import { IndexCache } from '../../subgraphs/region/IndexCache';
import type { StudyRow } from '../../subgraphs/region/db/studyReads';

describe('IndexCache', () => {
  const rows = [{ study_instance_uid: '1.2.3' }] as StudyRow[];
  let cache: IndexCache;
  beforeEach(() => {
    cache = new IndexCache({ ttlSeconds: 30 });
  });
  afterEach(() => cache.close());

  it('keeps a history read after the last invalidation', () => {
    cache.invalidate(['9990000018'], []);
    cache.setHistory('9990000018', rows, cache.epoch());
    expect(cache.getHistory('9990000018')).toBe(rows);
  });

  it('does not store a history read that an ingest overtook', () => {
    const readEpoch = cache.epoch(); // the read starts...
    cache.invalidate(['9990000018'], []); // ...an ingest commits and invalidates...
    cache.setHistory('9990000018', rows, readEpoch); // ...the old rows arrive
    expect(cache.getHistory('9990000018')).toBeUndefined();
  });

  it('still stores reads of other patients during that ingest', () => {
    const readEpoch = cache.epoch();
    cache.invalidate(['9990000018'], []);
    cache.setHistory('9990000026', rows, readEpoch);
    expect(cache.getHistory('9990000026')).toBe(rows);
  });
});
