import { spawnService, type ServiceProcess, type SpawnServiceOptions } from '../spawnService';

/** Options for {@link startDemoIdentityProvider}. */
export interface DemoIdentityProviderOptions {
  /** staff: stands in for NHS CIS2 (one user per role); patient: for NHS login (demo patients). */
  profile: 'staff' | 'patient';
  clientJwksFile: string;
  redirectUris: string[];
  audience: string;
  clientId: string;
  /** The NHS number of the demo patient (a 999 test number). */
  patientNhsNumber?: string;
  accessTokenTtlSeconds?: number;
  /** A private JWK to sign access tokens with (the demo's own key); otherwise the provider makes one. */
  signingKeyFile?: string;
  port?: number;
  spawn?: Omit<SpawnServiceOptions, 'env'>;
}

/** Runs dev/oidc/demoIdentityProvider.mjs (oidc-provider is ESM-only) as its own process; `issuer` is its URL. */
export async function startDemoIdentityProvider(options: DemoIdentityProviderOptions): Promise<ServiceProcess & { issuer: string }> {
  const service = await spawnService('dev/oidc/demoIdentityProvider.mjs', {
    ...options.spawn,
    env: {
      PROVIDER_PROFILE: options.profile,
      PORT: String(options.port ?? 0),
      CLIENT_ID: options.clientId,
      CLIENT_JWKS_FILE: options.clientJwksFile,
      REDIRECT_URIS: options.redirectUris.join(','),
      AUDIENCE: options.audience,
      ...(options.patientNhsNumber ? { DEMO_PATIENT_NHS_NUMBER: options.patientNhsNumber } : {}),
      ...(options.accessTokenTtlSeconds ? { ACCESS_TOKEN_TTL: String(options.accessTokenTtlSeconds) } : {}),
      ...(options.signingKeyFile ? { SIGNING_KEY_FILE: options.signingKeyFile } : {}),
    },
  });
  return { ...service, issuer: service.info.url! };
}
