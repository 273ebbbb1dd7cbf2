import { existsSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { findPolicyFile } from '../../policy/load.js';
import { formatDiagnostic, hasErrors } from '../../policy/diagnostics.js';
import { Workspace, formatText, toSarif, toScanJson } from '../../../server/scan/api.js';
import { EXIT, UsageError, type Command } from '../command.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

function version(): string {
  return (JSON.parse(readFileSync(fileURLToPath(new URL('../../../../package.json', import.meta.url)), 'utf8')) as { version: string }).version;
}

const FORMATS = ['text', 'json', 'sarif'] as const;

export const scan: Command = {
  name: 'scan',
  summary: 'Find every external resource the code touches and check it against the policy',
  usage: '[PATH…] [--format text|json|sarif] [--policy FILE]',
  options: { format: { type: 'string', default: 'text' }, policy: { type: 'string' } },
  optionHelp: {
    format: 'text (problems and an inventory line), json (every resource use, DESIGN.md shape) or sarif (SARIF 2.1.0).',
    policy: 'The policy file (default: CHAINWARDEN_POLICY, else chainwarden.yaml in the scanned folder or above).',
  },
  details: [
    'Findings are relative to the scanned folder (a single folder argument) or the current directory.',
    'Exit status: 1 when a finding has severity error (policy scan.severity), 0 otherwise, 2 on usage errors.',
    'Examples:',
    '  chainwarden scan examples/support-bot',
    '  chainwarden scan src --format sarif > chainwarden.sarif',
  ].join('\n'),
  async run(ctx) {
    const format = String(ctx.values.format ?? 'text');
    if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
    const paths = ctx.positionals.map((p) => resolve(ctx.cwd, p));
    for (const p of paths) if (!existsSync(p)) throw new UsageError(`no such file or folder: ${relative(ctx.cwd, p) || p}`);
    const root = paths.length === 1 && statSync(paths[0]!).isDirectory() ? paths[0]! : ctx.cwd;
    // An explicit --policy is relative to where the user is; discovery starts from the scanned folder.
    const explicit = ctx.values.policy as string | undefined;
    const policyFile = explicit ? resolve(ctx.cwd, explicit) : findPolicyFile(undefined, root, ctx.env);
    if (ctx.values.policy && (!policyFile || !existsSync(policyFile))) throw new UsageError(`policy file not found: ${String(ctx.values.policy)}`);
    const ws = await new Workspace({ root, ...(policyFile ? { policyFile } : {}) }).ready();
    if (ws.policyDiagnostics.length) {
      for (const d of ws.policyDiagnostics) ctx.err(formatDiagnostic({ ...d, file: relative(ctx.cwd, d.file) || d.file }));
      if (hasErrors(ws.policyDiagnostics)) {
        ctx.err('the policy has errors: fix them (chainwarden policy check) before scanning');
        return EXIT.findings;
      }
    }
    if (!policyFile) ctx.err('warning: no chainwarden.yaml found; resources are listed but not checked');
    const findings = ws.scanAll(paths.length ? paths : undefined);
    for (const [file, message] of ws.errors) ctx.err(`${ws.relative(file)}: warning: not analysed: ${message}`);
    if (format === 'json') ctx.out(JSON.stringify(toScanJson(findings), null, 2));
    else if (format === 'sarif') ctx.out(JSON.stringify(toSarif(findings, { root, version: version() }), null, 2));
    else ctx.out(formatText(findings));
    return findings.some((f) => f.severity === 'error') ? EXIT.findings : EXIT.ok;
  },
};
