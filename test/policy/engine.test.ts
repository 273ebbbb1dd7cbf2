import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePolicy } from '../../gateway/policy/load.js';
import { compilePolicy, evaluate, parseOperation, withGrants, type Grant, DEFAULT_DENY_REASON } from '../../gateway/policy/engine.js';
import type { Effect } from '../../gateway/policy/types.js';

const text = `version: 1
chains:
  support-bot: {}
  billing-bot: {}
  billing-reports: {}
connections:
  openai: { type: http, upstream: https://api.openai.com }
  warehouse: { type: postgres, listen: 127.0.0.1:15432, upstream: postgres://etl@127.0.0.1:5432/wh }
rules:
  - name: chat
    chains: [support-bot]
    connection: openai
    allow: ["POST /v1/chat/completions", "POST /v1/embeddings", "GET /v1/models/*"]
  - name: billing chats
    chains: ["billing-*"]
    connection: openai
    allow: ["POST /v1/**"]
  - name: no files
    chains: ["*"]
    connection: openai
    deny: ["* /v1/files/**"]
  - name: models flagged
    chains: [support-bot]
    connection: openai
    flag: ["GET /v1/models/*"]
  - name: fine tuning needs a lead
    chains: [support-bot]
    connection: openai
    approve: { ops: ["POST /v1/fine_tuning/jobs"], approvers: [group:leads] }
  - name: data-eng reads
    groups: [data-eng]
    connection: warehouse
    allow: ["read"]
    approve: { ops: ["write sales.*"], approvers: [group:dba], ttl: 1h }
  - name: analysts read public only
    groups: [analysts]
    chains: [billing-reports]
    connection: warehouse
    allow: ["read public.*"]
  - name: bulk writes held
    chains: [billing-bot]
    connection: warehouse
    allow: ["write public.*"]
    approve: { ops: ["write public.*"], approvers: [group:dba], when: { rowsOver: 1000, unfiltered: true } }
  - name: no ddl
    chains: ["*"]
    groups: [data-eng]
    connection: warehouse
    deny: [ddl, admin]
`;

const { policy, diagnostics } = parsePolicy(text, 'engine.yaml');
assert.ok(policy, diagnostics.map((d) => d.message).join('\n'));
const compiled = compilePolicy(policy);

interface Case {
  name: string;
  chain: string | null;
  groups?: string[];
  connection: string;
  op: string;
  facts?: { estimatedRows?: number; unfiltered?: boolean };
  effect: Effect;
  rule: string | null;
}

const cases: Case[] = [
  { name: 'allow by literal chain', chain: 'support-bot', connection: 'openai', op: 'POST /v1/chat/completions', effect: 'allow', rule: 'chat' },
  { name: 'default deny: method differs', chain: 'support-bot', connection: 'openai', op: 'GET /v1/chat/completions', effect: 'deny', rule: null },
  { name: 'default deny: unknown chain', chain: 'stranger', connection: 'openai', op: 'POST /v1/chat/completions', effect: 'deny', rule: null },
  { name: 'chain glob allows', chain: 'billing-bot', connection: 'openai', op: 'POST /v1/audio/speech', effect: 'allow', rule: 'billing chats' },
  { name: 'deny beats allow (glob "**")', chain: 'billing-bot', connection: 'openai', op: 'POST /v1/files/upload', effect: 'deny', rule: 'no files' },
  { name: 'deny for every chain', chain: 'support-bot', connection: 'openai', op: 'DELETE /v1/files/abc', effect: 'deny', rule: 'no files' },
  { name: 'flag beats allow', chain: 'support-bot', connection: 'openai', op: 'GET /v1/models/gpt-4o', effect: 'flag', rule: 'models flagged' },
  { name: '"*" is one segment', chain: 'support-bot', connection: 'openai', op: 'GET /v1/models/a/b', effect: 'deny', rule: null },
  { name: 'approve without allow', chain: 'support-bot', connection: 'openai', op: 'POST /v1/fine_tuning/jobs', effect: 'approve', rule: 'fine tuning needs a lead' },
  { name: 'group rule allows read', chain: null, groups: ['data-eng'], connection: 'warehouse', op: 'read sales.orders', effect: 'allow', rule: 'data-eng reads' },
  { name: 'group rule approves write', chain: null, groups: ['data-eng'], connection: 'warehouse', op: 'write sales.orders', effect: 'approve', rule: 'data-eng reads' },
  { name: 'approve only for matching tables', chain: null, groups: ['data-eng'], connection: 'warehouse', op: 'write public.t', effect: 'deny', rule: null },
  { name: 'deny beats approve', chain: 'x', groups: ['data-eng'], connection: 'warehouse', op: 'ddl sales.orders', effect: 'deny', rule: 'no ddl' },
  { name: 'no group, no match', chain: null, groups: ['marketing'], connection: 'warehouse', op: 'read sales.orders', effect: 'deny', rule: null },
  { name: 'chains AND groups: both needed', chain: 'billing-reports', groups: ['analysts'], connection: 'warehouse', op: 'read public.invoices', effect: 'allow', rule: 'analysts read public only' },
  { name: 'chains AND groups: chain alone is not enough', chain: 'billing-reports', groups: [], connection: 'warehouse', op: 'read public.invoices', effect: 'deny', rule: null },
  { name: 'table glob scopes read', chain: 'billing-reports', groups: ['analysts'], connection: 'warehouse', op: 'read sales.invoices', effect: 'deny', rule: null },
  { name: 'multi-table: strictest table wins', chain: 'billing-reports', groups: ['analysts'], connection: 'warehouse', op: 'read public.a,sales.b', effect: 'deny', rule: null },
  { name: 'unqualified table is public', chain: 'billing-reports', groups: ['analysts'], connection: 'warehouse', op: 'read invoices', effect: 'allow', rule: 'analysts read public only' },
  { name: 'tableless statement matches class', chain: 'billing-reports', groups: ['analysts'], connection: 'warehouse', op: 'read', effect: 'allow', rule: 'analysts read public only' },
  { name: 'bulk condition: small write allowed', chain: 'billing-bot', connection: 'warehouse', op: 'write public.t', facts: { estimatedRows: 10, unfiltered: false }, effect: 'allow', rule: 'bulk writes held' },
  { name: 'bulk condition: many rows held', chain: 'billing-bot', connection: 'warehouse', op: 'write public.t', facts: { estimatedRows: 5000 }, effect: 'approve', rule: 'bulk writes held' },
  { name: 'bulk condition: no WHERE held', chain: 'billing-bot', connection: 'warehouse', op: 'write public.t', facts: { estimatedRows: 1, unfiltered: true }, effect: 'approve', rule: 'bulk writes held' },
  { name: 'bulk condition: unknown estimate held', chain: 'billing-bot', connection: 'warehouse', op: 'write public.t', effect: 'approve', rule: 'bulk writes held' },
  { name: 'unknown connection', chain: 'support-bot', connection: 'nope', op: 'POST /x', effect: 'deny', rule: null },
];

for (const c of cases) {
  test(`decision: ${c.name}`, () => {
    const operation = parseOperation(policy, c.connection, c.op);
    const request = { chain: c.chain, groups: c.groups ?? [], connection: c.connection, operation: typeof operation === 'string' ? { kind: 'http' as const, method: 'POST', path: '/x' } : operation, facts: c.facts };
    const d = evaluate(compiled, request);
    assert.equal(d.effect, c.effect, d.reasons.join('; '));
    assert.equal(d.rule, c.rule);
    if (c.rule === null && c.effect === 'deny') assert.ok(d.reasons.some((r) => r.endsWith(DEFAULT_DENY_REASON)), d.reasons.join('; '));
    else assert.ok(d.reasons.some((r) => r.includes(`"${c.rule}"`)), 'the deciding rule is among the reasons');
    // Pure: the same inputs give the same answer.
    assert.deepEqual(evaluate(compiled, request), d);
  });
}

test('approve decisions carry the approval settings', () => {
  const op = parseOperation(policy, 'warehouse', 'write sales.orders');
  assert.notEqual(typeof op, 'string');
  const d = evaluate(compiled, { chain: null, groups: ['data-eng'], connection: 'warehouse', operation: op as never });
  assert.deepEqual(d.approval?.approvers, ['group:dba']);
  assert.equal(d.approval?.ttlMs, 3_600_000);
});

const now = Date.parse('2026-11-27T12:00:00Z');
const grant = (over: Partial<Grant>): Grant => ({ id: 'g1', chain: 'support-bot', connection: 'openai', operation: 'POST /v1/fine_tuning/jobs', expiresAt: now + 60_000, grantedBy: 'user:lead', ...over });

const grantCases: Array<{ name: string; grants: Grant[]; chain: string; op: string; effect: Effect; grantId: string | null }> = [
  { name: 'grant beats approve', grants: [grant({})], chain: 'support-bot', op: 'POST /v1/fine_tuning/jobs', effect: 'allow', grantId: 'g1' },
  { name: 'expired grant is ignored', grants: [grant({ expiresAt: now - 1 })], chain: 'support-bot', op: 'POST /v1/fine_tuning/jobs', effect: 'approve', grantId: null },
  { name: 'grant expiring exactly now is ignored', grants: [grant({ expiresAt: now })], chain: 'support-bot', op: 'POST /v1/fine_tuning/jobs', effect: 'approve', grantId: null },
  { name: 'grant without expiry', grants: [grant({ expiresAt: null })], chain: 'support-bot', op: 'POST /v1/fine_tuning/jobs', effect: 'allow', grantId: 'g1' },
  { name: 'grant does not beat deny', grants: [grant({ operation: '* /v1/files/**' })], chain: 'support-bot', op: 'POST /v1/files/x', effect: 'deny', grantId: null },
  { name: 'grant beats default deny', grants: [grant({ operation: 'POST /v1/audio/*' })], chain: 'support-bot', op: 'POST /v1/audio/speech', effect: 'allow', grantId: 'g1' },
  { name: 'grant is per chain', grants: [grant({})], chain: 'billing-bot', op: 'POST /v1/fine_tuning/jobs', effect: 'allow', grantId: null },
  { name: 'grant is per operation', grants: [grant({})], chain: 'support-bot', op: 'GET /v1/fine_tuning/jobs', effect: 'deny', grantId: null },
];

for (const c of grantCases) {
  test(`grant: ${c.name}`, () => {
    const op = parseOperation(policy, 'openai', c.op);
    assert.notEqual(typeof op, 'string');
    const d = evaluate(withGrants(compiled, c.grants), { chain: c.chain, groups: [], connection: 'openai', operation: op as never, now });
    assert.equal(d.effect, c.effect, d.reasons.join('; '));
    assert.equal(d.grant, c.grantId);
  });
}

test('evaluate never throws, even on nonsense input', () => {
  const d = evaluate(compiled, { chain: 'support-bot', groups: null as never, connection: 'openai', operation: { kind: 'http', method: 'POST', path: '/v1/chat/completions' } });
  assert.equal(typeof d.effect, 'string');
  const e = evaluate(compiled, { chain: 'support-bot', groups: [], connection: 'openai', operation: { kind: 'sql', class: 'read', tables: [] } });
  assert.equal(e.effect, 'deny');
  assert.match(e.errors[0]!, /sql operation cannot be sent to http connection/);
});
