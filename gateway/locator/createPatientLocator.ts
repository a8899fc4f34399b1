import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Pool } from 'pg';
import type { Logger } from '../../lib/logger';
import { deriveRegionSecret } from '../../lib/security/gatewaySignature';
import type { RegionRegistry } from '../registry/RegionRegistry';
import type { RegionSigner } from '../registry/createRegionSigner';
import type { AnswerChecker } from '../registry/createAnswerChecker';
import { createPublishHandler } from './createPublishHandler';
import { LocatorKey } from './LocatorKey';
import { MembershipStore } from './MembershipStore';
import { PatientLocator } from './PatientLocator';

/** The locator's settings; every one has its default in GATEWAY_DEFAULTS. */
export interface LocatorSettings {
  /** The national key summaries are hashed with. @defaultValue derived from the master signing key */
  key?: string;
  /** @defaultValue GATEWAY_DEFAULTS.locatorLeaseMs */
  leaseMs?: number;
  /** @defaultValue GATEWAY_DEFAULTS.locatorPollMs */
  pollMs?: number;
  /** @defaultValue GATEWAY_DEFAULTS.locatorFalsePositiveRate */
  falsePositiveRate?: number;
}

/** A running locator (null when routing is off) and the route regions publish to. */
export interface PatientLocatorParts {
  locator: PatientLocator | null;
  handlePublish: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
}

/**
 * Builds and starts the patient locator over the national database and the registry.
 * With routing off, publications are still accepted and stored (so a replica with routing
 * on, or this one after a restart, has them), and every patient fetch goes to every region.
 */
export async function createPatientLocator(options: {
  pool: Pool;
  logger: Logger;
  registry: RegionRegistry;
  signFor: RegionSigner;
  checkAnswer: AnswerChecker;
  masterKey: string;
  /** Region key ids accepted on publications (README, "Rotating region secrets"). */
  keyIds: readonly string[];
  settings: LocatorSettings | false;
}): Promise<PatientLocatorParts> {
  const { pool, logger, registry, settings } = options;
  const key = settings && settings.key ? new LocatorKey(settings.key) : LocatorKey.derivedFrom(options.masterKey);
  const store = new MembershipStore(pool, key.id);
  const locator = settings
    ? new PatientLocator({
        pool,
        store,
        key,
        logger,
        sign: options.signFor,
        checkAnswer: options.checkAnswer,
        regions: () => registry.list(),
        ...(settings.leaseMs !== undefined ? { leaseMs: settings.leaseMs } : {}),
        ...(settings.pollMs !== undefined ? { pollMs: settings.pollMs } : {}),
        ...(settings.falsePositiveRate !== undefined ? { falsePositiveRate: settings.falsePositiveRate } : {}),
      })
    : null;
  await locator?.start();
  const handlePublish = createPublishHandler({
    store,
    key,
    logger,
    secretFor: (code) => ({
      signingId: options.keyIds[0]!,
      secrets: new Map(options.keyIds.map((id) => [id, deriveRegionSecret(options.masterKey, code, id)])),
    }),
    isRegistered: (code) => registry.get(code) !== undefined,
    onStored: (code) => locator?.refreshFromStore(code) ?? Promise.resolve(),
  });
  return { locator, handlePublish };
}
