/** Ten imaging regions of England; runs with more regions add R11, R12, ... */
const NAMED_REGIONS: ReadonlyArray<{ code: string; name: string }> = [
  { code: 'LDS', name: 'West Yorkshire' },
  { code: 'LON', name: 'North Central London' },
  { code: 'MAN', name: 'Greater Manchester' },
  { code: 'BRS', name: 'Bristol and Somerset' },
  { code: 'BHM', name: 'Birmingham and Solihull' },
  { code: 'NCL', name: 'North East and North Cumbria' },
  { code: 'NOT', name: 'Nottingham and Nottinghamshire' },
  { code: 'SHF', name: 'South Yorkshire' },
  { code: 'LIV', name: 'Cheshire and Merseyside' },
  { code: 'CAM', name: 'Cambridgeshire and Peterborough' },
];

/** The centralised baseline's single region: every region's rows in one database. */
export const CENTRAL_REGION = { code: 'ENG', name: 'England (centralised baseline)' } as const;

export function benchRegions(count: number): Array<{ code: string; name: string }> {
  return Array.from({ length: count }, (_, i) => NAMED_REGIONS[i] ?? { code: `R${i + 1}`, name: `Synthetic region ${i + 1}` });
}

/**
 * Regions beyond the R real ones, for scaling to more registered regions: region i >= R is
 * region i mod R again under another code (LDS2, LON2, ...), as its own process over the
 * same database (each code has its own signing secret, so one process cannot answer for
 * two codes). An alias answers with the same studies as its original, which the gateway
 * de-duplicates: merging costs at least as much as with distinct regions.
 */
export function aliasRegions<T extends { code: string; name: string }>(regions: readonly T[], total: number): Array<T & { aliasOf: string }> {
  return Array.from({ length: Math.max(0, total - regions.length) }, (_, k) => {
    const i = regions.length + k;
    const base = regions[i % regions.length]!;
    const round = Math.floor(i / regions.length) + 1;
    return { ...base, code: `${base.code}${round}`, name: `${base.name} (alias ${round})`, aliasOf: base.code };
  });
}
