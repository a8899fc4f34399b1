import { parseArgs } from 'node:util';

/** Option specs as node:util parseArgs takes them; every value arrives as a string or boolean. */
export type CliOptionSpecs = Record<string, { type: 'string' | 'boolean'; short?: string }>;

export type CliValues = Record<string, string | boolean | undefined>;

export type CliArgs = { ok: true; values: CliValues } | { ok: false; message: string };

/** Parses argv strictly: an unknown option or a stray positional is a message, not a crash. */
export function parseCliArgs(argv: string[], options: CliOptionSpecs): CliArgs {
  try {
    const { values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false });
    return { ok: true, values: values as CliValues };
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
}

/** A string option, or undefined when absent. */
export function stringArg(values: CliValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

/** A whole-number option: the number, undefined when absent, or a message. */
export function integerArg(values: CliValues, name: string): { ok: true; value: number | undefined } | { ok: false; message: string } {
  const v = stringArg(values, name);
  if (v === undefined) return { ok: true, value: undefined };
  if (!/^\d+$/.test(v.replaceAll('_', ''))) return { ok: false, message: `--${name} must be a whole number, got "${v}"` };
  return { ok: true, value: Number(v.replaceAll('_', '')) };
}

/** An http(s) URL option, or a message. */
export function urlArg(values: CliValues, name: string): { ok: true; value: string | undefined } | { ok: false; message: string } {
  const v = stringArg(values, name);
  if (v === undefined) return { ok: true, value: undefined };
  try {
    const u = new URL(v);
    if (u.protocol === 'http:' || u.protocol === 'https:') return { ok: true, value: v };
  } catch {
    // fall through to the message
  }
  return { ok: false, message: `--${name} must be an http(s) URL, got "${v}"` };
}
