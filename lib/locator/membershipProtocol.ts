/**
 * The membership protocol between regions and the national gateway, stated once for both
 * sides. Regions tell the gateway which patients they hold (NHS numbers, sent only over
 * the signed channel); the gateway keeps only keyed hashes and routes a patient's lookups
 * to the regions that may hold the patient.
 */

/** A region's position in its own membership log. */
export interface MembershipPosition {
  /** Identifies the region's database; a new epoch means "rebuild, do not trust old sequences". */
  epoch: string;
  /** High-water mark: rises with every write that can add a patient to the region. */
  seq: number;
}

/** Changes after `fromSeq` up to and including `toSeq`, as the region sends them. */
export interface MembershipChanges extends MembershipPosition {
  region: string;
  /** Exclusive lower bound: the changes follow on from this sequence. */
  fromSeq: number;
  /** Inclusive upper bound; equals `seq` when nothing is left to send. */
  toSeq: number;
  /** NHS numbers added in (fromSeq, toSeq], de-duplicated. */
  nhsNumbers: string[];
}

/** Region to gateway: a publication of changes, signed with the region's secret. */
export const PUBLISH_PATH = '/membership/changes';
/** Gateway to region: reads of the region's position and changes, signed with the region's secret. */
export const REGION_MEMBERSHIP_PATH = '/membership';
/** Header naming the region a publication claims to come from. */
export const REGION_CODE_HEADER = 'x-region-code';
/** Header carrying a region's signature on a publication. */
export const REGION_SIGNATURE_HEADER = 'x-region-signature';

/**
 * Signatures are bound to their purpose, the method and path of the door they are for, so
 * a signature made for one kind of message can never be replayed as another (a gateway's
 * read of /membership as a region's publication, or a GraphQL fetch as either).
 */
export const SIGNATURE_PURPOSE = {
  graphql: 'POST /graphql',
  publish: `POST ${PUBLISH_PATH}`,
  read: `POST ${REGION_MEMBERSHIP_PATH}`,
} as const;

export function purposeBound(purpose: string, body: string): string {
  return `${purpose}\n${body}`;
}

/** Body of a gateway's read at a region's {@link REGION_MEMBERSHIP_PATH}. */
export type MembershipRead = { op: 'state' } | { op: 'changes'; since: number; limit: number };

/** Most NHS numbers in one publication or one page of changes. */
export const MAX_CHANGES_PER_MESSAGE = 20_000;

/**
 * How long a gateway replica trusts a region's confirmed position without hearing from it
 * again. A region whose publication failed waits this long before acknowledging the write,
 * so that every replica has either seen the higher sequence or stopped trusting its old
 * summary. Must be the same on the gateway and on every region.
 * @default 3000
 */
export const DEFAULT_LEASE_MS = 3000;
/** @default 1000: how often each gateway replica asks each region for its position. */
export const DEFAULT_POLL_MS = 1000;
