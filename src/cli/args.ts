// Command-line arguments for the headless CLI: a small, strict parser (unknown flags are errors, not ignored).

export interface CliArgs {
  command: string;
  positional: string[];
  flags: Map<string, string | true>;
  /** Every value a value flag was given, in order (a repeated flag such as --sweep keeps them all). */
  lists: Map<string, string[]>;
}

export function parseArgs(argv: string[], valueFlags: ReadonlySet<string>, boolFlags: ReadonlySet<string>): CliArgs {
  const [command = 'help', ...rest] = argv;
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  const lists = new Map<string, string[]>();
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const [name, inline] = a.slice(2).split(/=(.*)/s, 2);
    if (boolFlags.has(name)) {
      flags.set(name, true);
      continue;
    }
    if (!valueFlags.has(name)) throw new Error(`unknown flag --${name}`);
    const value = inline ?? rest[++i];
    if (value === undefined) throw new Error(`--${name} needs a value`);
    flags.set(name, value);
    lists.set(name, [...(lists.get(name) ?? []), value]);
  }
  return { command, positional, flags, lists };
}

export function numberFlag(args: CliArgs, name: string, fallback: number): number {
  const v = args.flags.get(name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isFinite(n))
    throw new Error(`--${name} must be a number, got ${JSON.stringify(v)}`);
  return n;
}

export function stringFlag(args: CliArgs, name: string): string | undefined {
  const v = args.flags.get(name);
  return typeof v === 'string' ? v : undefined;
}

/** All values of a repeatable flag, in the order given ([] when absent). */
export function listFlag(args: CliArgs, name: string): string[] {
  return args.lists.get(name) ?? [];
}
