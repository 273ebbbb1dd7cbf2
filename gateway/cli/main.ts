/** The `chainwarden` command: finds the verb, parses its options, maps outcomes to exit codes. */
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PolicyError } from '../policy/diagnostics.js';
import { EXIT, UsageError, type Command, type CommandContext } from './command.js';
import { commands } from './registry.js';

export interface RunIo {
  out?: (text: string) => void;
  err?: (text: string) => void;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

export function version(): string {
  const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('../../../package.json', import.meta.url)), 'utf8')) as { version: string };
  return pkg.version;
}

export function findCommand(argv: readonly string[]): { command: Command; rest: string[] } | undefined {
  const two = argv.slice(0, 2).join(' ');
  const byTwo = commands.find((c) => c.name === two);
  if (byTwo) return { command: byTwo, rest: argv.slice(2) };
  const byOne = commands.find((c) => c.name === argv[0]);
  return byOne ? { command: byOne, rest: argv.slice(1) } : undefined;
}

export function helpFor(c: Command): string {
  const lines = [`chainwarden ${c.name}${c.usage ? ' ' + c.usage : ''}`, '', c.summary];
  const opts = Object.entries(c.options);
  if (opts.length) {
    lines.push('', 'Options:');
    for (const [name, o] of opts) {
      const flag = `--${name}${o.type === 'string' ? ' VALUE' : ''}${o.short ? `, -${o.short}` : ''}`;
      lines.push(`  ${flag.padEnd(24)} ${c.optionHelp?.[name] ?? ''}`.trimEnd());
    }
  }
  lines.push(`  ${'--help, -h'.padEnd(24)} Show this help.`);
  if (c.details) lines.push('', c.details);
  return lines.join('\n');
}

export function overview(): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return [
    `chainwarden ${version()} — policy, approvals and audit for what LangChain chains call`,
    '',
    'Usage: chainwarden <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)} ${c.summary}`),
    '',
    'Run "chainwarden <command> --help" for a command\'s options.',
    'Exit status: 0 ok, 1 findings / denied / invalid policy, 2 usage error.',
  ].join('\n');
}

export async function run(argv: readonly string[], io: RunIo = {}): Promise<number> {
  const out = io.out ?? ((t: string) => process.stdout.write(t + '\n'));
  const err = io.err ?? ((t: string) => process.stderr.write(t + '\n'));
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    const topic = argv[0] === 'help' && argv.length > 1 ? findCommand(argv.slice(1)) : undefined;
    out(topic ? helpFor(topic.command) : overview());
    return EXIT.ok;
  }
  if (argv[0] === '--version' || argv[0] === '-v' || argv[0] === 'version') {
    out(version());
    return EXIT.ok;
  }
  const found = findCommand(argv);
  if (!found) {
    const group = commands.filter((c) => c.name.startsWith(argv[0] + ' '));
    if (group.length) err(`chainwarden ${argv[0]}: expected one of: ${group.map((c) => c.name.split(' ')[1]).join(', ')}`);
    else err(`chainwarden: unknown command "${argv.join(' ')}". Run "chainwarden --help" for the list.`);
    return EXIT.usage;
  }
  const { command, rest } = found;
  if (rest.includes('--help') || rest.includes('-h')) {
    out(helpFor(command));
    return EXIT.ok;
  }
  let parsed: { values: CommandContext['values']; positionals: string[] };
  try {
    parsed = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true }) as typeof parsed;
  } catch (e) {
    err(`chainwarden ${command.name}: ${(e as Error).message}`);
    err(`usage: chainwarden ${command.name} ${command.usage}`);
    return EXIT.usage;
  }
  const ctx: CommandContext = { ...parsed, out, err, cwd: io.cwd ?? process.cwd(), env: io.env ?? process.env, signal: io.signal ?? new AbortController().signal };
  try {
    return await command.run(ctx);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`chainwarden ${command.name}: ${e.message}`);
      err(`usage: chainwarden ${command.name} ${command.usage}`);
      return EXIT.usage;
    }
    if (e instanceof PolicyError) {
      err(e.message);
      return EXIT.findings;
    }
    const code = (e as { code?: string }).code;
    err(`chainwarden ${command.name}: ${code ? `${code}: ` : ''}${(e as Error).message}`);
    return EXIT.findings;
  }
}
