import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import type { MembershipPosition } from '../../../lib/locator/membershipProtocol';
import { SignatureVerifier } from '../../../lib/security/gatewaySignature';
import { createMembershipHandler } from './createMembershipHandler';
import { MembershipPublisher, type MembershipPublisherOptions } from './MembershipPublisher';
import { readMembershipPosition } from './readMembership';
import { createNonceStore } from '../createNonceStore';

/** A region's side of the patient locator, wired for its server. */
export interface RegionMembership {
  /** Publishes a write's membership change before the write is acknowledged. */
  publisher: MembershipPublisher;
  /** Adds the region's membership position to every GraphQL answer (`extensions.membership`). */
  plugin: ApolloServerPlugin<never>;
  /** What every /graphql answer carries in `extensions` (the plugin adds it; the compiled path too). */
  answerExtensions: () => Record<string, unknown>;
  /** POST /membership: the gateway's signed reads of position and changes. */
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** The current position, read from the database (for readiness). */
  position(): Promise<MembershipPosition>;
  close(): void;
}

/**
 * Everything a region does for the national patient locator. Every answer to the gateway
 * carries the membership sequence this process last saw, so a gateway that asked anyway
 * learns at once when its summary of this region is behind.
 */
export async function createRegionMembership(options: Omit<MembershipPublisherOptions, 'onPublished'>): Promise<RegionMembership> {
  const { pool, logger, region } = options;
  let current = await readMembershipPosition(pool);
  const observe = (seq: number) => {
    if (seq > current.seq) current = { ...current, seq };
  };
  const publisher = new MembershipPublisher({ ...options, onPublished: observe });
  const answerExtensions = () => ({ membership: current });
  // Its own verifier: replay memory per door, and signatures are bound to their purpose anyway.
  const verifier = new SignatureVerifier(options.secret);
  const nonces = createNonceStore(pool, logger);
  return {
    publisher,
    answerExtensions,
    plugin: {
      async requestDidStart() {
        return {
          async willSendResponse({ response }) {
            if (response.body.kind === 'single') {
              const result = response.body.singleResult;
              result.extensions = { ...result.extensions, ...answerExtensions() };
            }
          },
        };
      },
    },
    handle: createMembershipHandler({ pool, logger, region, verifier, nonces, secret: options.secret, onPosition: observe }),
    position: async () => {
      const position = await readMembershipPosition(pool);
      observe(position.seq);
      return position;
    },
    close: () => {
      verifier.close();
      nonces.close();
    },
  };
}
