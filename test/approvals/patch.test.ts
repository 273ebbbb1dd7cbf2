import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { applyRequestToPolicy, unifiedDiff } from '../../gateway/approvals/patch.js';
import { parsePolicy } from '../../gateway/policy/load.js';
import { compilePolicy, evaluate, parseOperation } from '../../gateway/policy/engine.js';
import type { Approval } from '../../gateway/approvals/types.js';
import { EXAMPLE_POLICY } from '../helpers/paths.js';

const request: Approval = {
  id: 'req_abc', kind: 'access', status: 'approved', chain: 'ticket-triage', subject: 'dev:bob', groups: [], runId: null,
  connection: 'tavily', operation: 'POST /search', summary: {}, reason: 'triage needs web search', rule: null, approvers: [],
  maxTtlMs: null, requestedAt: 0, expiresAt: 1, decidedAt: 1, decidedBy: 'alice', decisionReason: null, grant: null, consumedAt: null,
};

test('an approved access request becomes a rule that keeps comments and validates', () => {
  const before = readFileSync(EXAMPLE_POLICY, 'utf8');
  const after = applyRequestToPolicy(before, request);
  assert.ok(after.includes('# Chainwarden policy for the support-bot example.'), 'comments survive');
  const { policy, diagnostics } = parsePolicy(after, EXAMPLE_POLICY);
  assert.ok(policy, diagnostics.map((d) => d.message).join('\n'));
  const op = parseOperation(policy, 'tavily', 'POST /search');
  assert.equal(evaluate(compilePolicy(policy), { chain: 'ticket-triage', groups: [], connection: 'tavily', operation: op as never }).effect, 'allow');

  const diff = unifiedDiff(before, after, 'chainwarden.yaml');
  assert.match(diff, /^--- a\/chainwarden\.yaml\n\+\+\+ b\/chainwarden\.yaml\n@@ -\d+,\d+ \+\d+,\d+ @@/);
  const added = diff.split('\n').filter((l) => l.startsWith('+') && !l.startsWith('+++'));
  assert.ok(added.some((l) => l.includes('name: "ticket-triage POST /search on tavily (request req_abc)"')));
  assert.ok(added.some((l) => l.includes('allow: ["POST /search"]')), added.join('\n'));
  assert.equal(diff.split('\n').filter((l) => l.startsWith('-') && !l.startsWith('---')).length, 0, 'nothing removed');
});

test('unifiedDiff: identical texts give no hunk; a change gives one', () => {
  assert.equal(unifiedDiff('a\nb\n', 'a\nb\n', 'f'), '--- a/f\n+++ b/f\n');
  assert.equal(unifiedDiff('a\nb\nc\n', 'a\nx\nc\n', 'f'), '--- a/f\n+++ b/f\n@@ -1,4 +1,4 @@\n a\n-b\n+x\n c\n \n');
});
