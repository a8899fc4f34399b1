import { parseCliArgs, type CliOptionSpecs, type CliValues } from './parseCliArgs';

/** What a CLI's body gets: its parsed options, and `fail` for a bad argument (prints it with the usage, exit status 2). */
export interface CliRun {
  values: CliValues;
  fail(message: string): number;
}

/**
 * The harness every region CLI shares: strict option parsing, `-h/--help`, usage on a bad
 * argument (exit 2), and exit status 1 with one line on stderr when the body throws.
 */
export function runCli(name: string, usage: string, options: CliOptionSpecs, body: (run: CliRun) => Promise<number>): void {
  const main = async (): Promise<number> => {
    const args = parseCliArgs(process.argv.slice(2), { ...options, help: { type: 'boolean', short: 'h' } });
    const fail = (message: string) => {
      process.stderr.write(`${message}\n\n${usage}\n`);
      return 2;
    };
    if (!args.ok) return fail(args.message);
    if (args.values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    return body({ values: args.values, fail });
  };
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`${name} failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
