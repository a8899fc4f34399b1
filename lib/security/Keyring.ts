/** The key id of a secret given without one (every secret before key ids existed). */
export const DEFAULT_KEY_ID = '1';

/**
 * The secrets one party holds for one channel, by key id: the one it signs with, and every
 * one it accepts. Two at once during a rotation (README, "Rotating region secrets").
 */
export interface Keyring {
  signingId: string;
  secrets: ReadonlyMap<string, string>;
}

const ID = /^[A-Za-z0-9]{1,16}$/;

/**
 * `"2:<secret>,1:<secret>"` (the first signs, all are accepted) or a bare `"<secret>"`
 * (key id 1). Secrets are base64url, so neither `:` nor `,` can occur in one.
 */
export function parseKeyring(spec: string): Keyring {
  const secrets = new Map<string, string>();
  let signingId: string | null = null;
  for (const part of spec.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const colon = part.indexOf(':');
    const id = colon < 0 ? DEFAULT_KEY_ID : part.slice(0, colon);
    const secret = colon < 0 ? part : part.slice(colon + 1);
    if (!ID.test(id) || secret === '') throw new Error(`a keyring entry must be "<key id>:<secret>" with a key id of 1-16 letters or digits`);
    if (secrets.has(id)) throw new Error(`key id ${id} appears twice in the keyring`);
    secrets.set(id, secret);
    signingId ??= id;
  }
  if (signingId === null) throw new Error('the keyring is empty');
  return { signingId, secrets };
}

/** The secret a keyring signs with. */
export function signingSecret(keyring: Keyring): string {
  return keyring.secrets.get(keyring.signingId)!;
}
