import { formatDiagnostic, hasErrors } from '../../policy/diagnostics.js';
import { findPolicyFile, loadPolicyFile } from '../../policy/load.js';
import { relative } from 'node:path';
import { EXIT, UsageError, type Command } from '../command.js';

export const policyCheck: Command = {
  name: 'policy check',
  summary: 'Validate chainwarden.yaml; errors as FILE:LINE:COL: error: message',
  usage: '[FILE] [--policy FILE] [--strict-secrets] [--json]',
  options: { policy: { type: 'string' }, 'strict-secrets': { type: 'boolean' }, json: { type: 'boolean' } },
  optionHelp: {
    policy: 'The policy file (default: CHAINWARDEN_POLICY, else chainwarden.yaml here or above).',
    'strict-secrets': 'Also require every env:/file: reference to resolve now, as the gateway does at start.',
    json: 'Print the diagnostics as JSON.',
  },
  run(ctx) {
    const explicit = (ctx.positionals[0] ?? ctx.values.policy) as string | undefined;
    const file = findPolicyFile(explicit, ctx.cwd, ctx.env);
    if (!file) throw new UsageError('no chainwarden.yaml found here or above; pass --policy FILE');
    const { diagnostics } = loadPolicyFile(file, { resolveSecrets: Boolean(ctx.values['strict-secrets']), env: ctx.env });
    const shown = diagnostics.map((d) => ({ ...d, file: relative(ctx.cwd, d.file) || d.file }));
    if (ctx.values.json) ctx.out(JSON.stringify({ file: relative(ctx.cwd, file) || file, valid: !hasErrors(diagnostics), diagnostics: shown }, null, 2));
    else {
      for (const d of shown) ctx.err(formatDiagnostic(d));
      const errors = diagnostics.filter((d) => d.severity === 'error').length;
      if (errors === 0) ctx.out(`${relative(ctx.cwd, file) || file}: ok${diagnostics.length ? ` (${diagnostics.length} warning${diagnostics.length > 1 ? 's' : ''})` : ''}`);
      else ctx.err(`${errors} error${errors > 1 ? 's' : ''}`);
    }
    return hasErrors(diagnostics) ? EXIT.findings : EXIT.ok;
  },
};
