import { randomBytes } from 'node:crypto';
import { KeyedBloomFilter } from '../../gateway/locator/KeyedBloomFilter';
import { LocatorKey, hashFromBigint, hashToBigint, type MembershipHash } from '../../gateway/locator/LocatorKey';

const randomHash = (): MembershipHash => {
  const b = randomBytes(8);
  return { hi: b.readUInt32BE(0), lo: b.readUInt32BE(4) };
};

describe('KeyedBloomFilter', () => {
  it('never forgets a key it was given, whatever its bits (no false negatives)', () => {
    const filter = new KeyedBloomFilter(20_000, 0.001);
    const keys = Array.from({ length: 20_000 }, randomHash);
    // Keys with the top bit of either half set are the ones signed arithmetic gets wrong.
    keys.push({ hi: 0xffffffff, lo: 0xffffffff }, { hi: 0x80000000, lo: 0x80000001 }, { hi: 0, lo: 0 });
    for (const k of keys) filter.add(k);
    expect(keys.filter((k) => !filter.mightContain(k))).toEqual([]);
  });

  it('keeps false positives near the rate it was sized for', () => {
    const filter = new KeyedBloomFilter(50_000, 0.01);
    for (let i = 0; i < 50_000; i++) filter.add(randomHash());
    let positives = 0;
    const probes = 50_000;
    for (let i = 0; i < probes; i++) if (filter.mightContain(randomHash())) positives++;
    expect(positives / probes).toBeLessThan(0.02);
    expect(positives / probes).toBeGreaterThan(0.002);
  });

  it('takes about 9.6 bits per entry at 1% and 14.4 at 0.1%', () => {
    expect(new KeyedBloomFilter(1_000_000, 0.01).bits / 1_000_000).toBeCloseTo(9.59, 1);
    expect(new KeyedBloomFilter(1_000_000, 0.001).bits / 1_000_000).toBeCloseTo(14.38, 1);
  });
});

describe('LocatorKey', () => {
  it('hashes the same NHS number the same way under one key, and differently under another', () => {
    const a = new LocatorKey('a-locator-key-of-some-length');
    const b = new LocatorKey('another-locator-key-entirely');
    expect(a.hash('9990000018')).toEqual(a.hash('9990000018'));
    expect(a.hash('9990000018')).not.toEqual(b.hash('9990000018'));
    expect(a.id).not.toBe(b.id);
  });

  it('round-trips a hash through the database form', () => {
    for (let i = 0; i < 1000; i++) {
      const h = randomHash();
      expect(hashFromBigint(hashToBigint(h).toString())).toEqual(h);
    }
  });
});
