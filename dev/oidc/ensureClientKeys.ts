import fs from 'node:fs';
import path from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';

export interface ClientKeys {
  /** The gateway's private JWK (OIDC_CLIENT_KEY_FILE). */
  privateKeyFile: string;
  /** Its public half, registered with the demo identity providers (CLIENT_JWKS_FILE). */
  publicJwksFile: string;
}

/**
 * The gateway's client key pair for private_key_jwt, made once in `dir`. In production
 * the public half is registered with CIS2 and NHS login when the client is onboarded.
 */
export async function ensureClientKeys(dir: string): Promise<ClientKeys> {
  const privateKeyFile = path.join(dir, 'oidc-client.private.jwk.json');
  const publicJwksFile = path.join(dir, 'oidc-client.jwks.json');
  if (!fs.existsSync(privateKeyFile) || !fs.existsSync(publicJwksFile)) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const kid = `gateway-${Date.now().toString(36)}`;
    fs.writeFileSync(privateKeyFile, JSON.stringify({ ...(await exportJWK(privateKey)), kid, alg: 'ES256' }), { mode: 0o600 });
    fs.writeFileSync(publicJwksFile, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }] }));
  }
  return { privateKeyFile, publicJwksFile };
}
