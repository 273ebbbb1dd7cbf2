/** What a CLI verb is. Each verb is one file in ./commands exporting a Command; ./registry.ts lists them. */
import type { ParseArgsConfig } from 'node:util';

export type Options = NonNullable<ParseArgsConfig['options']>;

export interface CommandContext {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  out: (text: string) => void;
  err: (text: string) => void;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Aborted on SIGINT/SIGTERM for long-running verbs (gateway, lsp, --watch). */
  signal: AbortSignal;
}

export interface Command {
  /** One or two words: "scan", "policy check". */
  name: string;
  summary: string;
  /** The argument synopsis after the name, e.g. "[PATH…] [--format text|json|sarif]". */
  usage: string;
  options: Options;
  /** Help lines for each option, by option name. */
  optionHelp?: Record<string, string>;
  /** Extra text at the end of --help (examples). */
  details?: string;
  run(ctx: CommandContext): Promise<number> | number;
}

export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;

/** A mistake in how the command was called: printed with the usage, exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export function requireString(ctx: CommandContext, option: string): string {
  const v = ctx.values[option];
  if (typeof v !== 'string' || v === '') throw new UsageError(`--${option} is required`);
  return v;
}
