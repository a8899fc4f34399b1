/** A region as every service names it: its code (see parseRegionCode) and display name. */
export interface RegionRef {
  code: string;
  name: string;
}

/** How a region's part of a request went; the regional contract's `SourceStatus`. */
export type RegionStatus = 'OK' | 'UNAVAILABLE' | 'TIMEOUT';

/** The statuses of a region that did not answer. */
export type RegionFailureStatus = Exclude<RegionStatus, 'OK'>;
