import { randomBytes } from 'node:crypto';
import { KeyedBloomFilter } from '../gateway/locator/KeyedBloomFilter';
import { LocatorKey } from '../gateway/locator/LocatorKey';

/** What one region summary costs, measured on this machine. */
export interface LocatorFilterFigures {
  entries: number;
  falsePositiveRateTarget: number;
  falsePositiveRateMeasured: number;
  bitsPerEntry: number;
  bytesPerMillionEntries: number;
  /** 60 million patients, about 15% of whom have studies in two or more regions. */
  megabytesFor60MillionPatients: number;
  hashMicroseconds: number;
  testNanoseconds: number;
  addNanoseconds: number;
}

/** Builds one summary of `entries` keyed hashes and measures its size, speed and false positives. */
export function measureLocatorFilter(entries = 1_000_000, falsePositiveRate = 0.001): LocatorFilterFigures {
  const key = new LocatorKey(randomBytes(32).toString('base64url'));
  let t = performance.now();
  const hashes = Array.from({ length: 200_000 }, (_, i) => key.hash(String(9_990_000_000 + i)));
  const hashMicroseconds = ((performance.now() - t) * 1000) / hashes.length;
  const filter = new KeyedBloomFilter(entries, falsePositiveRate);
  const random = () => {
    const b = randomBytes(8);
    return { hi: b.readUInt32BE(0), lo: b.readUInt32BE(4) };
  };
  const members = Array.from({ length: entries }, random);
  t = performance.now();
  for (const h of members) filter.add(h);
  const addNanoseconds = ((performance.now() - t) * 1e6) / entries;
  const probes = Array.from({ length: 1_000_000 }, random);
  t = performance.now();
  let positives = 0;
  for (const h of probes) if (filter.mightContain(h)) positives++;
  const testNanoseconds = ((performance.now() - t) * 1e6) / probes.length;
  const bitsPerEntry = filter.bits / entries;
  return {
    entries,
    falsePositiveRateTarget: falsePositiveRate,
    falsePositiveRateMeasured: positives / probes.length,
    bitsPerEntry,
    bytesPerMillionEntries: (bitsPerEntry / 8) * 1e6,
    megabytesFor60MillionPatients: (60e6 * 1.15 * bitsPerEntry) / 8 / 1e6,
    hashMicroseconds,
    testNanoseconds,
    addNanoseconds,
  };
}

if (require.main === module) {
  for (const rate of [0.01, 0.001]) process.stdout.write(`${JSON.stringify(measureLocatorFilter(1_000_000, rate))}\n`);
}
