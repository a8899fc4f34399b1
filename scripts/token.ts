/**
 * Issues a demo token signed with the demo key pair that `npm start` created:
 *   npm run token -- --role CLINICIAN --purpose DIRECT_CARE [--sub dr-jones] [--org RR8] [--hours 8]
 *   npm run token -- --role ANALYST
 *   npm run token -- --role ARCHIVE --region LDS
 *   npm run token -- --role ADMIN
 * The key pair is read from DATA_DIR/demo-keys (DATA_DIR as for npm start, default .data), or
 * from --keys DIR. Only the token goes to stdout; `npm run -s token` also keeps npm's own
 * "> nhs-imaging-index token" banner out of it, for TOKEN=$(npm run -s token -- ...).
 * Demo only: a real deployment gets tokens from its identity provider (e.g. NHS CIS2).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureDemoKeys, issueDemoToken, STAFF_ISSUER_FILE } from '../dev/demoKeys';
import { isRole, ROLES } from '../lib/auth/Role';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      role: { type: 'string' },
      sub: { type: 'string' },
      org: { type: 'string' },
      region: { type: 'string' },
      purpose: { type: 'string' },
      hours: { type: 'string', default: '8' },
      keys: { type: 'string' },
    },
  });
  const role = values.role?.toUpperCase();
  if (!isRole(role)) throw new Error(`--role must be one of ${ROLES.join(', ')}`);
  if (role === 'PATIENT') throw new Error('patients sign in with NHS login: open the IDE and pick the demo patient');
  if (role === 'ARCHIVE' && !values.region) throw new Error('an ARCHIVE token needs --region CODE');
  const hours = Number(values.hours);
  if (!Number.isFinite(hours) || hours <= 0 || hours > 24) throw new Error('--hours must be between 0 and 24');
  const dataDir = path.resolve(process.env.DATA_DIR?.trim() || path.resolve(__dirname, '..', '.data'));
  const keys = await ensureDemoKeys(values.keys ?? path.join(dataDir, 'demo-keys'));
  // npm start's demo identity provider signs with the same key under its own issuer URL.
  const issuerFile = path.join(keys.dir, STAFF_ISSUER_FILE);
  const issuer = fs.existsSync(issuerFile) ? fs.readFileSync(issuerFile, 'utf8').trim() : undefined;
  const token = await issueDemoToken(keys.privateJwk, {
    role,
    ...(values.sub ? { sub: values.sub } : {}),
    ...(values.org ? { org: values.org.toUpperCase() } : {}),
    ...(values.region ? { region: values.region.toUpperCase() } : {}),
    ...(values.purpose ? { purposeOfUse: values.purpose.toUpperCase() } : {}),
    ttlSeconds: Math.round(hours * 3600),
    ...(issuer ? { issuer } : {}),
  });
  process.stdout.write(`${token}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`token: ${(err as Error).message}\n`);
  process.exit(2);
});
