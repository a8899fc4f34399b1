/**
 * Prints the request-signing secret a region needs (its GATEWAY_SHARED_SECRET), derived from
 * the gateway's REGION_SIGNING_KEY, for key id 1 or the one given (as `<key id>:<secret>`,
 * the keyring entry form used during a rotation):
 *   REGION_SIGNING_KEY=... npx tsx scripts/regionSecret.ts LDS [KEY_ID]
 * Give each region only its own secret, over a secure channel.
 */
import { envString } from '../lib/config/readEnv';
import { parseRegionCode } from '../lib/domain/parseRegionCode';
import { deriveRegionSecret } from '../lib/security/gatewaySignature';

const code = parseRegionCode(process.argv[2] ?? '');
const keyId = process.argv[3];
if (code === null || (keyId !== undefined && !/^[A-Za-z0-9]{1,16}$/.test(keyId))) {
  process.stderr.write('usage: REGION_SIGNING_KEY=... npx tsx scripts/regionSecret.ts REGION_CODE [KEY_ID]\n');
  process.exit(2);
}
const secret = deriveRegionSecret(envString('REGION_SIGNING_KEY'), code, keyId);
process.stdout.write(`${keyId === undefined ? secret : `${keyId}:${secret}`}\n`);
