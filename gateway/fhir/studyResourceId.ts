import { parseDicomUid } from '../../lib/domain/dicomValues';

/**
 * The logical id of an ImagingStudy resource, derived from its StudyInstanceUID.
 *
 * Why reversible rather than a hash: the gateway is stateless and regions index studies
 * by UID only, so `GET /fhir/ImagingStudy/{id}` must get the UID back from the id alone.
 * Why not the UID itself: FHIR ids are opaque to clients by contract, and keeping them
 * opaque leaves room to change the scheme (the leading letter is its version).
 *
 * Scheme "u": each UID character becomes a 4-bit nibble ('0'-'9' -> 0-9, '.' -> 10,
 * 15 pads an odd length), the bytes are base64url-encoded, and '_' becomes '.' because
 * FHIR ids allow only [A-Za-z0-9-.]. A 64-character UID gives a 44-character id, within
 * FHIR's 64.
 */
export function encodeStudyId(uid: string): string {
  const nibbles = [...uid].map((c) => (c === '.' ? 10 : c.charCodeAt(0) - 48));
  if (nibbles.length % 2 === 1) nibbles.push(15);
  const bytes = Buffer.alloc(nibbles.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (nibbles[2 * i]! << 4) | nibbles[2 * i + 1]!;
  return `u${bytes.toString('base64url').replace(/_/g, '.')}`;
}

/** The UID an id stands for, or null when the id is not one this gateway issued. */
export function decodeStudyId(id: string): string | null {
  if (!/^u[A-Za-z0-9\-.]{1,63}$/.test(id)) return null;
  const bytes = Buffer.from(id.slice(1).replace(/\./g, '_'), 'base64url');
  let uid = '';
  for (const byte of bytes) {
    for (const nibble of [byte >> 4, byte & 15]) {
      if (nibble <= 9) uid += String(nibble);
      else if (nibble === 10) uid += '.';
      else if (nibble !== 15) return null;
    }
  }
  const parsed = parseDicomUid(uid);
  // Only the canonical spelling resolves, so one study never has two ids.
  return parsed.ok && encodeStudyId(parsed.value) === id ? parsed.value : null;
}
