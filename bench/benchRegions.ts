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
