/*
 * The demo's stand-in identity provider: a real OpenID Connect provider (oidc-provider 9,
 * ESM-only, hence its own process) playing NHS CIS2 (PROVIDER_PROFILE=staff) or NHS login
 * (PROVIDER_PROFILE=patient). Its sign-in page lists the demo users to pick from; a real
 * provider's own login page replaces it in production. Demo and test tooling only.
 *
 * Environment: PORT (0 = any), HOST (127.0.0.1), CLIENT_ID, CLIENT_JWKS_FILE (the gateway's
 * public key: the client authenticates with private_key_jwt), REDIRECT_URIS (comma-separated),
 * AUDIENCE (the gateway's JWT audience), ACCESS_TOKEN_TTL (seconds, default 300),
 * DEMO_PATIENT_NHS_NUMBER, SIGNING_KEY_FILE (optional private JWK that signs the access tokens,
 * so `npm run token` and this provider share one key; otherwise a fresh RS256 key). Prints {"event":"listening","url":<issuer>} once ready.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { errors } from 'oidc-provider';

const profile = process.env.PROVIDER_PROFILE === 'patient' ? 'patient' : 'staff';
const host = process.env.HOST || '127.0.0.1';
const audience = process.env.AUDIENCE || 'national-imaging-index';
const clientId = process.env.CLIENT_ID || 'national-imaging-index-ide';
const accessTokenTtl = Number(process.env.ACCESS_TOKEN_TTL || 300);
const redirectUris = (process.env.REDIRECT_URIS || '').split(',').filter(Boolean);
const clientJwks = JSON.parse(fs.readFileSync(process.env.CLIENT_JWKS_FILE, 'utf8'));
const patientNumber = process.env.DEMO_PATIENT_NHS_NUMBER || '9990000018';
const users = JSON.parse(fs.readFileSync(new URL('./demoUsers.json', import.meta.url), 'utf8'))[profile].map((user) =>
  user.nhs_number === '$DEMO_PATIENT_NHS_NUMBER' ? { ...user, nhs_number: patientNumber } : user,
);
const byId = new Map(users.map((user) => [user.id, user]));
const SCOPE = 'openid profile offline_access';
/** Resource indicators are URIs (RFC 8707); the tokens' audience is the gateway's JWT_AUDIENCE. */
const RESOURCE = 'urn:imaging-index:national-gateway';

/** Claims the gateway's JWT verification reads (lib/auth/): role, org, purpose_of_use; or nhs_number and identity level. */
function tokenClaims(user) {
  const { id: _id, name: _name, ...claims } = user;
  return claims;
}

const server = http.createServer();
await new Promise((resolve) => server.listen(Number(process.env.PORT || 0), host, resolve));
const issuer = `http://${host}:${server.address().port}`;
// ID tokens: RS256, the default every relying party accepts. Access tokens: the demo's own
// key when given, so the gateway verifies both with one JWKS.
const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const idTokenKey = { ...(await exportJWK(privateKey)), kid: `demo-${profile}-${Date.now().toString(36)}`, alg: 'RS256', use: 'sig' };
const accessTokenKey = process.env.SIGNING_KEY_FILE ? { use: 'sig', ...JSON.parse(fs.readFileSync(process.env.SIGNING_KEY_FILE, 'utf8')) } : idTokenKey;
const accessTokenAlg = accessTokenKey.alg || 'RS256';

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_name: 'National imaging index IDE',
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'ES256',
      jwks: clientJwks,
      redirect_uris: redirectUris,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    },
  ],
  jwks: { keys: accessTokenKey === idTokenKey ? [idTokenKey] : [idTokenKey, accessTokenKey] },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  claims: { openid: ['sub'], profile: ['name', 'nhs_number', 'identity_proofing_level'] },
  conformIdTokenClaims: false,
  findAccount: async (_ctx, sub) => {
    const user = byId.get(sub);
    if (!user) return undefined;
    return { accountId: sub, claims: async () => ({ sub, ...(user.name ? { name: user.name } : {}), ...tokenClaims(user) }) };
  },
  features: {
    devInteractions: { enabled: false },
    revocation: { enabled: true },
    rpInitiatedLogout: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => RESOURCE,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, resource) => {
        if (resource !== RESOURCE) throw new errors.InvalidTarget();
        return { scope: 'imaging', audience, accessTokenTTL: accessTokenTtl, accessTokenFormat: 'jwt', jwt: { sign: { alg: accessTokenAlg } } };
      },
    },
  },
  pkce: { required: () => true },
  // The access token is what the gateway verifies: it must carry the claims the role needs.
  extraTokenClaims: async (_ctx, token) => {
    const user = byId.get(token.accountId);
    return user ? tokenClaims(user) : undefined;
  },
  issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  // Every refresh returns a new refresh token and consumes the old; using a consumed one
  // again revokes the whole grant (oidc-provider's reuse detection). Strict, as a provider
  // guarding against stolen refresh tokens is, so the gateway's serialised refresh is tested.
  rotateRefreshToken: true,
  // A first-party client: no consent screen, the grant covers what the IDE asks for.
  loadExistingGrant: async (ctx) => {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) {
      const found = await ctx.oidc.provider.Grant.find(grantId);
      if (found) return found;
    }
    if (!ctx.oidc.session.accountId) return undefined;
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope(SCOPE);
    grant.addOIDCClaims(['name', 'nhs_number', 'identity_proofing_level']);
    grant.addResourceScope(RESOURCE, 'imaging');
    await grant.save();
    return grant;
  },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  ttl: { AccessToken: accessTokenTtl, IdToken: 3600, RefreshToken: 8 * 3600, Grant: 8 * 3600, Session: 8 * 3600, Interaction: 600 },
});

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function signInPage(uid) {
  const title = profile === 'patient' ? 'Demo NHS login' : 'Demo NHS Care Identity Service 2';
  const groups = new Map();
  for (const user of users) {
    const label = user.role || `Patient, identity level ${user.identity_proofing_level}`;
    groups.set(label, [...(groups.get(label) || []), user]);
  }
  const sections = [...groups]
    .map(([label, members]) => `<section><h2>${escape(label)}</h2>${members
      .map((user) => `<form method="post" action="/interaction/${escape(uid)}/login"><input type="hidden" name="account" value="${escape(user.id)}"><button type="submit" data-account="${escape(user.id)}">${escape(user.name)}${user.org ? ` (${escape(user.org)})` : ''}</button></form>`)
      .join('')}</section>`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1><p>Demo only: pick a user. No passwords.</p>${sections}</body></html>`;
}

function readForm(req) {
  return new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
      if (body.length > 10_000) reject(new Error('form too large'));
    });
    req.on('end', () => resolve(new URLSearchParams(body)));
    req.on('error', reject);
  });
}

const callback = provider.callback();
server.on('request', async (req, res) => {
  const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec((req.url || '').split('?')[0]);
  if (!match) return callback(req, res);
  try {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== match[1]) throw new Error('interaction mismatch');
    if (!match[2] && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', // No form-action: Chromium applies it to the form's redirects too, which end at the client.
        'content-security-policy': "default-src 'none'; frame-ancestors 'none'" });
      return res.end(signInPage(details.uid));
    }
    if (match[2] && req.method === 'POST') {
      const account = (await readForm(req)).get('account');
      if (!account || !byId.has(account)) throw new Error('unknown demo user');
      return await provider.interactionFinished(req, res, { login: { accountId: account } }, { mergeWithLastSubmission: false });
    }
    res.writeHead(405).end();
  } catch (err) {
    res.writeHead(400, { 'content-type': 'text/plain' }).end(`sign-in failed: ${err.message}`);
  }
});

process.stdout.write(`${JSON.stringify({ event: 'listening', url: issuer, profile })}\n`);
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
