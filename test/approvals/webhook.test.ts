import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { parsePolicy } from '../../gateway/policy/load.js';
import { compilePolicy, evaluate, parseOperation } from '../../gateway/policy/engine.js';
import { ApprovalService } from '../../gateway/approvals/service.js';
import { MemoryApprovalRepo } from '../../gateway/approvals/repo.js';
import { WebhookNotifier } from '../../gateway/approvals/webhook.js';
import { ResolvedSecret } from '../../gateway/policy/secrets.js';

const { policy } = parsePolicy(`version: 1
chains: { bot: {} }
connections: { openai: { type: http, upstream: https://api.openai.com } }
rules:
  - { name: hold, chains: [bot], connection: openai, approve: { ops: ["POST /v1/files"], approvers: [group:leads] } }
`, 'p.yaml');

test('webhook: retried with backoff until delivered, signed, link-free, no secrets', async () => {
  const received: Array<{ headers: Record<string, unknown>; body: string }> = [];
  let calls = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      calls++;
      received.push({ headers: req.headers, body });
      res.statusCode = calls <= 2 ? 503 : 204;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  const secret = new ResolvedSecret('whsec-test-value', 'env:CW_WEBHOOK_SECRET');
  const failures: string[] = [];
  const service = new ApprovalService(new MemoryApprovalRepo(), policy!);
  const notifier = new WebhookNotifier({ url, secret, backoffMs: 10, onFailure: (e, id, err) => failures.push(`${e} ${id} ${err}`) }).attach(service);
  try {
    const op = parseOperation(policy!, 'openai', 'POST /v1/files') as never;
    const decision = evaluate(compilePolicy(policy!), { chain: 'bot', groups: [], connection: 'openai', operation: op });
    const a = service.createCall({ chain: 'bot', subject: 'key:bot#1', groups: [], runId: null, connection: 'openai', operation: 'POST /v1/files', summary: { method: 'POST', bytes: 10 }, decision });
    await notifier.flush();
    assert.equal(calls, 3, 'two failures then a success');
    assert.deepEqual(failures, []);
    const last = received.at(-1)!;
    assert.equal(last.headers['x-chainwarden-delivery-attempt'], '3');
    assert.equal(last.headers['x-chainwarden-signature'], `sha256=${createHmac('sha256', 'whsec-test-value').update(last.body).digest('hex')}`);
    const payload = JSON.parse(last.body);
    assert.equal(payload.event, 'approval.created');
    assert.equal(payload.approval.id, a.id);
    assert.deepEqual(payload.approval.approvers, ['group:leads']);
    assert.ok(!/https?:\/\//.test(last.body), 'link-free');
    assert.ok(!last.body.includes('whsec-test-value'));
  } finally {
    notifier.close();
    server.close();
  }
});

test('webhook: a receiver that refuses (4xx) is not retried and the failure is reported', async () => {
  let calls = 0;
  const server = createServer((_req, res) => {
    calls++;
    res.statusCode = 400;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const failures: string[] = [];
  const notifier = new WebhookNotifier({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, backoffMs: 1, onFailure: (_e, _id, err) => failures.push(err) });
  const service = new ApprovalService(new MemoryApprovalRepo(), policy!);
  notifier.attach(service);
  try {
    service.createAccess({ chain: 'bot', subject: 'dev', connection: 'openai', operation: 'POST /v1/files', reason: 'x' });
    await notifier.flush();
    assert.equal(calls, 1);
    assert.deepEqual(failures, ['HTTP 400']);
  } finally {
    notifier.close();
    server.close();
  }
});
