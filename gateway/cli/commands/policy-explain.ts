import { compilePolicy, evaluate, parseOperation, type DecisionRequest } from '../../policy/engine.js';
import { explainJson, explainText } from '../../policy/explain.js';
import { suggestion } from '../../policy/diagnostics.js';
import { EXIT, requireString, UsageError, type Command } from '../command.js';
import { policyFromArgs } from '../policy-arg.js';
import { activeGrants } from '../grants-source.js';

export const policyExplain: Command = {
  name: 'policy explain',
  summary: 'Show the decision for one call, the rule that made it and why',
  usage: '--chain C --connection N --op OP [--group G]… [--json] [--policy FILE]',
  options: {
    chain: { type: 'string' },
    connection: { type: 'string' },
    op: { type: 'string' },
    group: { type: 'string', multiple: true },
    json: { type: 'boolean' },
    policy: { type: 'string' },
    'no-grants': { type: 'boolean' },
  },
  optionHelp: {
    chain: 'The calling chain.',
    connection: 'The connection name from the policy.',
    op: 'The operation: "POST /v1/chat/completions", "write sales.orders", "tool NAME".',
    group: 'An identity-provider group of the caller (repeatable).',
    json: 'Print the decision as JSON.',
    'no-grants': 'Ignore grants from approved requests (the file alone).',
  },
  details: 'Exit status: 0 when the call would be allowed (allow, flag, or a grant), 1 when denied or held for approval.',
  async run(ctx) {
    const policy = policyFromArgs(ctx);
    const connection = requireString(ctx, 'connection');
    const opText = requireString(ctx, 'op');
    const chain = (ctx.values.chain as string | undefined) ?? null;
    const groups = (ctx.values.group as string[] | undefined) ?? [];
    if (chain === null && groups.length === 0) throw new UsageError('say who calls: --chain C and/or --group G');
    if (!policy.connections[connection]) throw new UsageError(`unknown connection "${connection}"${suggestion(connection, Object.keys(policy.connections))}`);
    if (chain !== null && !policy.chains[chain]) ctx.err(`note: chain "${chain}" is not declared in the policy${suggestion(chain, Object.keys(policy.chains))}`);
    const operation = parseOperation(policy, connection, opText);
    if (typeof operation === 'string') throw new UsageError(`--op: ${operation}`);
    const grants = ctx.values['no-grants'] ? [] : await activeGrants(policy);
    const request: DecisionRequest = { chain, groups, connection, operation };
    const decision = evaluate(compilePolicy(policy, grants), request);
    ctx.out(ctx.values.json ? JSON.stringify(explainJson(request, decision), null, 2) : explainText(request, decision));
    return decision.effect === 'allow' || decision.effect === 'flag' ? EXIT.ok : EXIT.findings;
  },
};
