import { spawnService } from '../../dev/spawnService';
import { createTestAuth } from '../support/testAuth';

describe('an operator deploys without naming the identity provider', () => {
  it.each(['gateway/index.ts', 'subgraphs/region/index.ts'])('%s refuses to start without JWT_ISSUER instead of accepting the demo issuer', async (entry) => {
    const auth = await createTestAuth();
    const env = {
      LOG_LEVEL: 'silent',
      // Never reached: the identity provider is checked first.
      DATABASE_URL: 'postgres://nobody:nothing@127.0.0.1:9/none',
      JWKS_FILE: auth.jwksFile,
      JWT_AUDIENCE: 'national-imaging-index',
      REGION_SIGNING_KEY: auth.signingKey,
      REGION_CODE: 'LDS',
      GATEWAY_SHARED_SECRET: auth.regionSecret('LDS'),
    };
    await expect(spawnService(entry, { env, timeoutMs: 60_000 })).rejects.toThrow(/environment variable JWT_ISSUER is required/);
  });
});
