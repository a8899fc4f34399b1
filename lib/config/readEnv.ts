/** Reads configuration from the environment with clear messages for bad values. */
export function envString(name: string, fallback?: string): string {
  const value = process.env[name];
  if (value !== undefined && value.trim() !== '') return value.trim();
  if (fallback !== undefined) return fallback;
  throw new Error(`environment variable ${name} is required`);
}

export function envOptional(name: string): string | null {
  const value = process.env[name];
  return value !== undefined && value.trim() !== '' ? value.trim() : null;
}

export function envNumber(name: string, fallback: number, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new Error(`environment variable ${name} must be a number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}
