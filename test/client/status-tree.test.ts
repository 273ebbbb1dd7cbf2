import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statusView } from '../../client/core/status.js';
import { approvalNodes, grantNodes, requestNodes, resourceNodes, age, remaining, type InventoryFinding } from '../../client/core/tree-items.js';
import type { GatewayState } from '../../client/core/gateway-process.js';

const STATUS_CASES: Array<[GatewayState, number | null, RegExp, string]> = [
  [{ kind: 'stopped' }, null, /^\$\(shield\) Chainwarden: stopped$/, 'normal'],
  [{ kind: 'stopped' }, 2, /stopped · 2 pending$/, 'normal'],
  [{ kind: 'starting' }, 0, /starting$/, 'normal'],
  [{ kind: 'running', port: 8790, pid: 42 }, 0, /running on :8790 · 0 pending$/, 'normal'],
  [{ kind: 'running', port: 8790, pid: 42 }, 1, /running on :8790 · 1 pending$/, 'warning'],
  [{ kind: 'running', port: null, pid: 42 }, null, /Chainwarden: running$/, 'normal'],
  [{ kind: 'error', message: 'exited with code 3' }, null, /^\$\(error\) Chainwarden: error$/, 'error'],
];

for (const [state, pending, text, tone] of STATUS_CASES) {
  test(`status bar: ${state.kind} with ${pending} pending`, () => {
    const v = statusView(state, pending);
    assert.match(v.text, text);
    assert.equal(v.tone, tone);
    if (state.kind === 'error') assert.match(v.tooltip, /exited with code 3/);
  });
}

const NOW = Date.parse('2026-11-27T12:00:00Z');
const approval = (id: string, requested: string, extra: object = {}) => ({
  id, kind: 'call' as const, status: 'pending', chain: 'support-bot', connection: 'orders-db', operation: 'write public.orders',
  rule: 'support reads orders', summary: { sql: 'UPDATE orders SET status = $1' }, requested_at: requested, ...extra,
});

test('approvals: oldest first, operation and age in the description, approve/deny context', () => {
  const nodes = approvalNodes([approval('apr_b', '2026-11-27T11:59:00Z'), approval('apr_a', '2026-11-27T11:00:00Z', { kind: 'access', reason: 'triage' })], NOW);
  assert.deepEqual(nodes.map((n) => n.id), ['approval:apr_a', 'approval:apr_b']);
  assert.equal(nodes[0]!.label, 'support-bot → orders-db');
  assert.equal(nodes[0]!.description, 'write public.orders · 1 h ago');
  assert.equal(nodes[1]!.description, 'write public.orders · 1 min ago');
  assert.equal(nodes[0]!.contextValue, 'approval');
  assert.equal(nodes[0]!.icon, 'key');
  assert.match(nodes[1]!.tooltip!, /Held call apr_b\noperation: write public.orders\nrule: support reads orders\nsql: UPDATE orders/);
});

test('requests: newest first; only pending ones can be answered', () => {
  const nodes = requestNodes([approval('req_1', '2026-11-27T10:00:00Z', { status: 'approved', decided_by: 'admin:ana' }), approval('req_2', '2026-11-27T11:00:00Z')], NOW);
  assert.deepEqual(nodes.map((n) => [n.id, n.contextValue, n.icon]), [['request:req_2', 'approval', 'watch'], ['request:req_1', 'request', 'pass']]);
  assert.match(nodes[1]!.tooltip!, /answered by admin:ana/);
});

test('grants: soonest expiry first, revocable', () => {
  const nodes = grantNodes([
    { id: 'grt_2', chain: 'c', connection: 'x', operation: 'read', expires_at: '2026-11-27T14:00:00Z' },
    { id: 'grt_1', chain: 'c', connection: 'x', operation: 'read', expires_at: '2026-11-27T12:30:00Z' },
  ], NOW);
  assert.deepEqual(nodes.map((n) => [n.id, n.description, n.contextValue]), [['grant:grt_1', 'read · expires in 30 min', 'grant'], ['grant:grt_2', 'read · expires in 2 h', 'grant']]);
});

test('resources: chain → status (most urgent first) → uses sorted by file and line, with a jump location', () => {
  const f = (chain: string | null, status: string, relative: string, line: number): InventoryFinding => ({
    file: `/ws/${relative}`, relative, line, column: 5, kind: 'chat_model', provider: 'openai', chain, connection: 'openai', status, message: `${status} use`,
  });
  const tree = resourceNodes([f('support-bot', 'approved', 'src/b.ts', 3), f(null, 'unknown', 'x.ts', 1), f('support-bot', 'bypass', 'src/a.ts', 9), f('support-bot', 'approved', 'src/a.ts', 2)]);
  assert.deepEqual(tree.map((n) => [n.label, n.description]), [['support-bot', '3 resource uses'], ['(no chain)', '1 resource use']]);
  const statuses = tree[0]!.children!;
  assert.deepEqual(statuses.map((s) => [s.label, s.description]), [['bypass', '1'], ['approved', '2']]);
  assert.deepEqual(statuses[1]!.children!.map((u) => u.description), ['openai · src/a.ts:2', 'openai · src/b.ts:3']);
  assert.deepEqual(statuses[1]!.children![0]!.location, { file: '/ws/src/a.ts', line: 2, column: 5 });
  assert.equal(statuses[0]!.children![0]!.icon, 'warning');
});

test('age and remaining read naturally and survive bad input', () => {
  assert.equal(age('2026-11-27T11:59:50Z', NOW), '10 s ago');
  assert.equal(age('2026-11-25T12:00:00Z', NOW), '2 d ago');
  assert.equal(age('garbage', NOW), 'unknown time');
  assert.equal(remaining('2026-11-27T11:00:00Z', NOW), 'expired');
  assert.equal(remaining('nope', NOW), 'no expiry');
});
