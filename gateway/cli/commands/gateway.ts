import { findPolicyFile } from '../../policy/load.js';
import { startGateway } from '../../gateway.js';
import { subscribeDecisionLog } from '../../http/log.js';
import { EXIT, UsageError, type Command } from '../command.js';

export const gatewayCommand: Command = {
  name: 'gateway',
  summary: 'Run the gateway: the HTTP data plane and the admin API, until SIGINT/SIGTERM',
  usage: '[--policy FILE] [--quiet]',
  options: { policy: { type: 'string' }, quiet: { type: 'boolean' } },
  optionHelp: {
    policy: 'The policy file (default: CHAINWARDEN_POLICY, else chainwarden.yaml here or above).',
    quiet: 'Do not print a line per decision on stderr.',
  },
  details: [
    'Chains set their base URL to http://LISTEN/<connection>/… and their API key to their Chainwarden key.',
    'Decision lines: allow|deny|approve|flag chain=… connection=… op="…" status=… ms=…',
    'On SIGINT/SIGTERM the gateway stops accepting, lets calls in flight finish (gateway.timeouts.drain), then exits.',
  ].join('\n'),
  async run(ctx) {
    const file = findPolicyFile(ctx.values.policy as string | undefined, ctx.cwd, ctx.env);
    if (!file) throw new UsageError('no chainwarden.yaml found here or above; pass --policy FILE');
    const stopLog = ctx.values.quiet ? () => undefined : subscribeDecisionLog((text) => process.stderr.write(text));
    const gw = await startGateway({ policyFile: file, env: ctx.env, note: (t) => ctx.err(`chainwarden: ${t}`) });
    ctx.out(`chainwarden gateway listening on ${gw.url} (admin API on ${gw.adminUrl})`);
    ctx.out(`connections: ${[...gw.runtime.upstreams.keys()].map((n) => `${gw.url}/${n}`).join(', ') || 'none'}`);
    for (const p of gw.postgres) ctx.out(`postgres: ${p.connection} on ${p.host.includes(':') ? `[${p.host}]` : p.host}:${p.port}`);
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) return resolve();
      ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    ctx.err('chainwarden: stopping; draining calls in flight');
    const { drained, cut } = await gw.close();
    stopLog();
    ctx.err(drained ? 'chainwarden: stopped' : `chainwarden: stopped; ${cut} call(s) still running after the drain timeout were cut`);
    return EXIT.ok;
  },
};
