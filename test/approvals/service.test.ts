import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePolicy } from '../../gateway/policy/load.js';
import { compilePolicy, evaluate, parseOperation, withGrants } from '../../gateway/policy/engine.js';
import { ApprovalService } from '../../gateway/approvals/service.js';
import { openSqlite } from '../../gateway/store/sqlite-driver.js';
import { MemoryApprovalRepo, type ApprovalRepo } from '../../gateway/approvals/repo.js';
import { SqliteApprovalRepo } from '../../gateway/store/approvals-sqlite.js';
import { ApprovalError } from '../../gateway/approvals/decide.js';
import type { Actor } from '../../gateway/approvals/types.js';

const { policy } = parsePolicy(`version: 1
chains: { support-bot: {}, etl: {} }
connections:
  openai: { type: http, upstream: https://api.openai.com }
rules:
  - name: fine tuning needs a lead
    chains: [support-bot]
    connection: openai
    allow: ["POST /v1/chat/completions"]
    approve: { ops: ["POST /v1/fine_tuning/jobs"], approvers: [group:leads, user:carol], ttl: 1h, timeout: 2s }
`, 'p.yaml');
assert.ok(policy);
const compiled = compilePolicy(policy);

const repos: Array<[string, () => ApprovalRepo]> = [
  ['memory', () => new MemoryApprovalRepo()],
  ['sqlite', () => new SqliteApprovalRepo(openSqlite(':memory:'))],
];

for (const [repoName, makeRepo] of repos) {
function setup(start = 1_000_000) {
  let now = start;
  const clock = { now: () => now, advance: (ms: number) => (now += ms) };
  const service = new ApprovalService(makeRepo(), policy!, clock.now);
  const op = parseOperation(policy!, 'openai', 'POST /v1/fine_tuning/jobs');
  assert.notEqual(typeof op, 'string');
  const decision = evaluate(compiled, { chain: 'support-bot', groups: [], connection: 'openai', operation: op as never });
  assert.equal(decision.effect, 'approve');
  const hold = () => service.createCall({ chain: 'support-bot', subject: 'key:support-bot#1', groups: [], runId: 'run-1', connection: 'openai', operation: 'POST /v1/fine_tuning/jobs', summary: { method: 'POST', model: 'gpt-4o-mini', bytes: 120 }, decision });
  return { service, clock, hold };
}

const lead: Actor = { subject: 'alice', groups: ['leads'], via: 'oidc' };
const carol: Actor = { subject: 'carol', groups: [], via: 'oidc' };
const outsider: Actor = { subject: 'mallory', groups: ['eng'], via: 'oidc' };

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ApprovalError, String(e));
    return e.code;
  }
  assert.fail('expected an ApprovalError');
}

test(`[${repoName}] ` + 'a held call carries who, what, the rule, approvers and its timeout', () => {
  const { hold } = setup();
  const a = hold();
  assert.equal(a.status, 'pending');
  assert.equal(a.rule, 'fine tuning needs a lead');
  assert.deepEqual(a.approvers, ['group:leads', 'user:carol']);
  assert.equal(a.expiresAt - a.requestedAt, 2000);
  assert.equal(a.runId, 'run-1');
});

test(`[${repoName}] ` + 'the requester can never approve their own request, even with the admin token', () => {
  const { service, hold } = setup();
  const a = hold();
  assert.equal(code(() => service.answer(a.id, { subject: 'key:support-bot#1', groups: ['leads'], via: 'oidc' }, { action: 'approve', once: true })), 'CW_ERR_SELF_APPROVAL');
  assert.equal(code(() => service.answer(a.id, { subject: 'key:support-bot#1', groups: [], via: 'admin-token' }, { action: 'approve', once: true })), 'CW_ERR_SELF_APPROVAL');
});

test(`[${repoName}] ` + 'only approver groups and named users may answer', () => {
  const { service, hold } = setup();
  assert.equal(code(() => service.answer(hold().id, outsider, { action: 'approve', once: true })), 'CW_ERR_NOT_APPROVER');
  assert.equal(service.answer(hold().id, carol, { action: 'approve', once: true }).status, 'approved');
  assert.equal(service.answer(hold().id, lead, { action: 'deny', reason: 'not now' }).status, 'denied');
});

test(`[${repoName}] ` + 'two approvers racing: exactly one wins, the other gets a clear error', () => {
  const { service, hold } = setup();
  const a = hold();
  const first = service.answer(a.id, lead, { action: 'approve', once: true });
  assert.equal(first.decidedBy, 'alice');
  assert.equal(code(() => service.answer(a.id, carol, { action: 'deny', reason: 'no' })), 'CW_ERR_ALREADY_DECIDED');
});

test(`[${repoName}] ` + 'answering an expired approval is a clear error; a denial needs a reason', () => {
  const { service, hold, clock } = setup();
  const a = hold();
  assert.equal(code(() => service.answer(a.id, lead, { action: 'deny', reason: ' ' })), 'CW_ERR_REASON_REQUIRED');
  clock.advance(2000);
  assert.equal(code(() => service.answer(a.id, lead, { action: 'approve', once: true })), 'CW_ERR_ALREADY_DECIDED');
  assert.equal(service.get(a.id).status, 'expired');
  assert.equal(code(() => service.get('apr_nope')), 'CW_ERR_APPROVAL_NOT_FOUND');
});

test(`[${repoName}] ` + 'approve --for makes a grant that the engine honours until it expires; it cannot exceed the rule ttl', () => {
  const { service, hold, clock } = setup();
  assert.equal(code(() => service.answer(hold().id, lead, { action: 'approve', forMs: 2 * 3_600_000 })), 'CW_ERR_TTL_EXCEEDED');
  const a = service.answer(hold().id, lead, { action: 'approve', forMs: 2000 });
  assert.equal(a.grant?.mode, 'for');
  const grants = service.activeGrants();
  assert.equal(grants.length, 1);
  const op = parseOperation(policy!, 'openai', 'POST /v1/fine_tuning/jobs') as never;
  const req = { chain: 'support-bot', groups: [], connection: 'openai', operation: op };
  assert.equal(evaluate(withGrants(compiled, grants), { ...req, now: clock.now() }).effect, 'allow');
  clock.advance(2000);
  assert.equal(service.activeGrants().length, 0);
  assert.equal(evaluate(withGrants(compiled, grants), { ...req, now: clock.now() }).effect, 'approve');
});

test(`[${repoName}] ` + 'a revoked grant stops at once', () => {
  const { service, hold } = setup();
  const a = service.answer(hold().id, lead, { action: 'approve', forMs: 60_000 });
  assert.ok(a.grant?.mode === 'for');
  assert.equal(service.revokeGrant(a.grant.grantId), true);
  assert.deepEqual(service.activeGrants(), []);
  assert.equal(service.revokeGrant(a.grant.grantId), false);
});

test(`[${repoName}] ` + 'a once-approval releases exactly one matching call', () => {
  const { service, hold } = setup();
  const a = service.answer(hold().id, lead, { action: 'approve', once: true });
  assert.equal(service.consumeOnce(a.id, 'etl', 'openai', 'POST /v1/fine_tuning/jobs'), undefined, 'another chain');
  assert.equal(service.consumeOnce(a.id, 'support-bot', 'openai', 'POST /v1/files'), undefined, 'another operation');
  assert.ok(service.consumeOnce(a.id, 'support-bot', 'openai', 'POST /v1/fine_tuning/jobs'));
  assert.equal(service.consumeOnce(a.id, 'support-bot', 'openai', 'POST /v1/fine_tuning/jobs'), undefined, 'only once');
});

test(`[${repoName}] ` + 'wait() resolves on approval, on denial, and on timeout', async () => {
  const real = new ApprovalService(makeRepo(), policy!);
  const op = parseOperation(policy!, 'openai', 'POST /v1/fine_tuning/jobs') as never;
  const decision = evaluate(compiled, { chain: 'support-bot', groups: [], connection: 'openai', operation: op });
  const mk = (timeoutMs: number) => real.createCall({ chain: 'support-bot', subject: 's', groups: [], runId: null, connection: 'openai', operation: 'POST /v1/fine_tuning/jobs', summary: {}, decision: { ...decision, approval: { ...decision.approval!, timeoutMs } } });
  const a = mk(5000);
  const waiting = real.wait(a.id);
  setImmediate(() => real.answer(a.id, lead, { action: 'approve', once: true }));
  assert.equal((await waiting).approved, true);

  const b = mk(5000);
  const waitingB = real.wait(b.id);
  setImmediate(() => real.answer(b.id, lead, { action: 'deny', reason: 'too expensive' }));
  const denied = await waitingB;
  assert.ok(!denied.approved && denied.code === 'approval_denied' && denied.approval.decisionReason === 'too expensive');

  const c = mk(50);
  const timedOut = await real.wait(c.id);
  assert.ok(!timedOut.approved && timedOut.code === 'approval_timeout');
  assert.equal(real.get(c.id).status, 'expired');
});

test(`[${repoName}] ` + 'a client that stops waiting leaves the approval pending', async () => {
  const { service, hold } = setup();
  const a = hold();
  const ac = new AbortController();
  const w = service.wait(a.id, ac.signal);
  ac.abort();
  await w;
  assert.equal(service.get(a.id).status, 'pending');
});

test(`[${repoName}] ` + 'access requests take their approvers from the connection\'s approve rules and need a duration', () => {
  const { service } = setup();
  const r = service.createAccess({ chain: 'etl', subject: 'dev:bob', connection: 'openai', operation: 'POST /v1/embeddings', reason: 'RAG index' });
  assert.deepEqual(r.approvers, ['group:leads', 'user:carol']);
  assert.equal(r.maxTtlMs, 3_600_000);
  assert.equal(code(() => service.answer(r.id, lead, { action: 'approve', once: true })), 'CW_ERR_TTL_EXCEEDED');
  const ok = service.answer(r.id, lead, { action: 'approve', forMs: 3_600_000 });
  assert.equal(ok.status, 'approved');
  assert.equal(service.activeGrants()[0]?.chain, 'etl');
});
}
