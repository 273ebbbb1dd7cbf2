/**
 * Decision engine throughput on a policy with 200 rules, against a baseline measured in the same
 * run: the same rules evaluated by a linear scan (every rule checked per call, globs precompiled).
 *   npm run build && node dist/bench/policy-engine.js
 */
import { parsePolicy } from '../gateway/policy/load.js';
import { compilePolicy, evaluate, parseOperation, type DecisionRequest } from '../gateway/policy/engine.js';
import { operationKinds, type AtomicOperation } from '../gateway/policy/operations.js';
import type { Policy } from '../gateway/policy/types.js';
import { prng, pick } from '../test/helpers/prng.js';

const RULES = 200;
const CHAINS = 50;
const CONNECTIONS = 20;
const rand = prng(42);
const paths = ['/v1/chat/completions', '/v1/embeddings', '/v1/models/*', '/v1/files/**', '/v1/audio/*', '/v1/fine_tuning/jobs', '/search', '/v1/**'];
const methods = ['POST', 'GET', '*'];

function policyText(): string {
  const lines = ['version: 1', 'chains:'];
  for (let c = 0; c < CHAINS; c++) lines.push(`  chain-${c}: {}`);
  lines.push('connections:');
  for (let n = 0; n < CONNECTIONS; n++) lines.push(`  conn-${n}: { type: http, upstream: "https://api${n}.example.com" }`);
  lines.push('rules:');
  for (let r = 0; r < RULES; r++) {
    const effect = rand() < 0.7 ? 'allow' : rand() < 0.5 ? 'deny' : 'flag';
    const chains = rand() < 0.1 ? '["*"]' : `[chain-${Math.floor(rand() * CHAINS)}, chain-${Math.floor(rand() * CHAINS)}]`;
    const ops = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => `"${pick(rand, methods)} ${pick(rand, paths)}"`).join(', ');
    lines.push(`  - { name: rule-${r}, chains: ${chains}, connection: conn-${Math.floor(rand() * CONNECTIONS)}, ${effect}: [${ops}] }`);
  }
  return lines.join('\n') + '\n';
}

/** The reference: what a naive engine does per call. */
function linearEvaluate(policy: Policy, compiledOps: Map<string, Array<{ effect: string; test: (op: AtomicOperation) => boolean }>>, req: DecisionRequest): string {
  let best = 'deny-default';
  let rank = -1;
  const ranks: Record<string, number> = { allow: 0, flag: 1, approve: 2, deny: 4 };
  for (const rule of policy.rules) {
    if (!rule.connections.includes(req.connection)) continue;
    if (!(rule.chains ?? []).some((c) => c === '*' || c === req.chain)) continue;
    for (const p of compiledOps.get(rule.name)!) {
      if (p.test(req.operation as AtomicOperation) && ranks[p.effect]! > rank) {
        rank = ranks[p.effect]!;
        best = p.effect;
      }
    }
  }
  return best;
}

const { policy, diagnostics } = parsePolicy(policyText(), 'bench.yaml');
if (!policy) throw new Error(diagnostics.map((d) => d.message).join('\n'));
const compiled = compilePolicy(policy);
const compiledOps = new Map(policy.rules.map((r) => [r.name, (['deny', 'flag', 'allow'] as const).flatMap((effect) => r[effect].map((op) => ({ effect, test: (operationKinds.http.compile(op) as { test: (o: AtomicOperation) => boolean }).test })))]));
const concrete = ['/v1/chat/completions', '/v1/embeddings', '/v1/models/gpt-4o', '/v1/files/abc', '/v1/audio/speech', '/v1/fine_tuning/jobs', '/search', '/v1/batches'];
const requests: DecisionRequest[] = Array.from({ length: 1024 }, () => {
  const connection = `conn-${Math.floor(rand() * CONNECTIONS)}`;
  const operation = parseOperation(policy, connection, `${pick(rand, ['POST', 'GET'])} ${pick(rand, concrete)}`);
  if (typeof operation === 'string') throw new Error(operation);
  return { chain: `chain-${Math.floor(rand() * CHAINS)}`, groups: [], connection, operation, now: 0 };
});

// Both must agree before their speeds mean anything.
for (const r of requests) {
  const a = evaluate(compiled, r).effect;
  const b = linearEvaluate(policy, compiledOps, r);
  if (a !== (b === 'deny-default' ? 'deny' : b)) throw new Error(`engine and baseline disagree on ${JSON.stringify(r)}: ${a} vs ${b}`);
}

function measure(label: string, fn: (r: DecisionRequest) => unknown, iterations: number): number {
  for (let i = 0; i < 200_000; i++) fn(requests[i & 1023]!); // warm-up
  const samples: number[] = [];
  for (let s = 0; s < 5; s++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) fn(requests[i & 1023]!);
    samples.push(iterations / (Number(process.hrtime.bigint() - t0) / 1e9));
  }
  samples.sort((x, y) => x - y);
  const median = samples[2]!;
  console.log(`${label.padEnd(28)} ${Math.round(median).toLocaleString('en-US').padStart(12)} decisions/s (median of 5)`);
  return median;
}

console.log(`policy: ${RULES} rules, ${CHAINS} chains, ${CONNECTIONS} connections; node ${process.version}`);
const engine = measure('compiled index (engine)', (r) => evaluate(compiled, r), 2_000_000);
const baseline = measure('linear scan (baseline)', (r) => linearEvaluate(policy, compiledOps, r), 200_000);
console.log(`ratio engine / linear scan: ${(engine / baseline).toFixed(1)}x; goal >= 1,000,000 decisions/s: ${engine >= 1_000_000 ? 'met' : 'MISSED'}`);
