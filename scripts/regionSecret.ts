/**
 * Prints the request-signing secret a region needs (its GATEWAY_SHARED_SECRET), derived from
 * the gateway's REGION_SIGNING_KEY:
 *   REGION_SIGNING_KEY=... npx tsx scripts/regionSecret.ts LDS
 * Give each region only its own secret, over a secure channel.
 */
import { envString } from '../lib/config/readEnv';
import { parseRegionCode } from '../lib/domain/parseRegionCode';
import { deriveRegionSecret } from '../lib/security/gatewaySignature';

const code = parseRegionCode(process.argv[2] ?? '');
if (code === null) {
  process.stderr.write('usage: REGION_SIGNING_KEY=... npx tsx scripts/regionSecret.ts REGION_CODE\n');
  process.exit(2);
}
process.stdout.write(`${deriveRegionSecret(envString('REGION_SIGNING_KEY'), code)}\n`);
