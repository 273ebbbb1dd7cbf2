/**
 * Manual testing: starts the PostgreSQL listeners of a policy, prints audit records as JSON lines on
 * stdout, and takes approvals from stdin ("approve ID", "deny ID reason").
 *
 *   npx tsc -b && node dist/test/pg/dev-server.js --policy examples/support-bot/chainwarden.yaml
 */
import { createInterface } from 'node:readline';
import { IdentityResolver } from '../../gateway/identity/identity.js';
import { compilePolicy, loadPolicyFile } from '../../gateway/policy/index.js';
import { startPostgresListeners } from '../../gateway/pg/listener.js';
import type { ApprovalOutcome } from '../../gateway/pg/hooks.js';

const file = process.argv[process.argv.indexOf('--policy') + 1];
if (!file || process.argv.indexOf('--policy') < 0) {
  console.error('usage: dev-server --policy FILE');
  process.exit(2);
}
const { policy, diagnostics } = loadPolicyFile(file, { resolveSecrets: true });
if (!policy) {
  for (const d of diagnostics) console.error(d.message);
  process.exit(1);
}
const compiled = compilePolicy(policy);
const waiting = new Map<string, (o: ApprovalOutcome) => void>();
let seq = 0;
const listeners = await startPostgresListeners(policy, {
  identity: new IdentityResolver(policy),
  compiled: () => compiled,
  audit: (r) => void process.stdout.write(JSON.stringify(r) + '\n'),
  requestApproval: (summary, pending, signal) =>
    new Promise((resolve) => {
      const id = `apr_dev${++seq}`;
      waiting.set(id, resolve);
      signal.addEventListener('abort', () => waiting.delete(id));
      pending(id);
      console.error(`held ${id}: ${summary.operation} — ${summary.sql} (estimate ${summary.estimatedRows ?? 'n/a'}); type "approve ${id}" or "deny ${id} reason"`);
    }),
  log: (e) => console.error(`[${e.level}] ${e.connection}: ${e.message}`),
});
for (const l of listeners.listeners) console.error(`${l.connection}: listening on ${l.host}:${l.port}`);
createInterface({ input: process.stdin }).on('line', (line) => {
  const [verb, id, ...reason] = line.trim().split(/\s+/);
  const resolve = id ? waiting.get(id) : undefined;
  if (!resolve || (verb !== 'approve' && verb !== 'deny')) return console.error('expected "approve ID" or "deny ID reason"');
  waiting.delete(id!);
  resolve({ approved: verb === 'approve', approver: 'user:console', reason: reason.join(' ') || undefined, approvalId: id! });
});
process.on('SIGINT', () => void listeners.close().then(() => process.exit(0)));
