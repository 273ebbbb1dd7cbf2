/** The real LangChain clients against the gateway, which forwards to fake OpenAI and Anthropic upstreams. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ChatOpenAI } from '@langchain/openai';
import { ChatAnthropic } from '@langchain/anthropic';
import { fakeAnthropic, fakeOpenAI, REPLY_WORDS, type FakeUpstream } from './fakes.js';
import { gatewayFor, KEYS, policyYaml } from './setup.js';
import type { RunningGateway } from '../../gateway/gateway.js';
import type { AuditRecord } from '../../gateway/store/types.js';

let openai: FakeUpstream;
let anthropic: FakeUpstream;
let gw: RunningGateway;
let stop: () => Promise<void>;

before(async () => {
  openai = await fakeOpenAI('/base/v1');
  anthropic = await fakeAnthropic();
  // The OpenAI connection's upstream has its own path prefix: /openai/v1/x → /base/v1/x.
  ({ gw, stop } = await gatewayFor(policyYaml({ openaiUrl: `${openai.url}/base`, anthropicUrl: anthropic.url })));
});

after(async () => {
  await stop();
  await openai.close();
  await anthropic.close();
});

const chatOpenAI = (apiKey: string) => new ChatOpenAI({ model: 'gpt-fake', apiKey, maxRetries: 0, configuration: { baseURL: `${gw.url}/openai/v1` } });
const chatAnthropic = (apiKey: string) => new ChatAnthropic({ model: 'claude-fake', apiKey, maxRetries: 0, anthropicApiUrl: `${gw.url}/anthropic` });

function assertNoChainKeys(seen: FakeUpstream['seen']): void {
  const all = JSON.stringify(seen.map((s) => s.headers));
  assert.ok(!all.includes(KEYS.support), 'the upstream must never see the chain key');
  assert.ok(!all.includes(KEYS.other));
}

async function audit(): Promise<AuditRecord[]> {
  const r = await fetch(`${gw.adminUrl}/v1/audit?limit=1000`, { headers: { authorization: `Bearer ${KEYS.admin}` } });
  assert.equal(r.status, 200);
  return ((await r.json()) as { records: AuditRecord[] }).records;
}

test('ChatOpenAI invoke goes through with the injected key, never the chain key', async () => {
  const before = openai.seen.length;
  const reply = await chatOpenAI(KEYS.support).invoke('hi');
  assert.equal(reply.content, REPLY_WORDS.join(''));
  const seen = openai.seen.slice(before);
  assert.equal(seen.length, 1);
  assert.equal(seen[0]!.url, '/base/v1/chat/completions');
  assert.equal(seen[0]!.headers.authorization, `Bearer ${KEYS.openai}`);
  assertNoChainKeys(openai.seen);
});

test('ChatOpenAI stream arrives chunk by chunk', async () => {
  const parts: string[] = [];
  for await (const chunk of await chatOpenAI(KEYS.support).stream('hi')) if (typeof chunk.content === 'string' && chunk.content) parts.push(chunk.content);
  assert.deepEqual(parts, REPLY_WORDS);
});

test('ChatAnthropic invoke and stream go through with x-api-key replaced', async () => {
  const model = chatAnthropic(KEYS.support);
  const reply = await model.invoke('hi');
  assert.equal(reply.content, REPLY_WORDS.join(''));
  const parts: string[] = [];
  for await (const chunk of await model.stream('hi')) if (typeof chunk.content === 'string' && chunk.content) parts.push(chunk.content);
  assert.deepEqual(parts, REPLY_WORDS);
  assert.ok(anthropic.seen.length >= 2);
  for (const s of anthropic.seen) assert.equal(s.headers['x-api-key'], KEYS.anthropic);
  assertNoChainKeys(anthropic.seen);
});

test('a denied path surfaces the reason in the LangChain error', async () => {
  const before = openai.seen.length;
  // "other" may not chat: the default deny names why.
  await assert.rejects(chatOpenAI(KEYS.other).invoke('hi'), (e: Error) => {
    assert.match(e.message, /403/);
    assert.match(e.message, /the policy denies this call: POST \/v1\/chat\/completions on "openai"/);
    assert.match(e.message, /no rule matched \(default deny\)/);
    return true;
  });
  await assert.rejects(chatAnthropic(KEYS.other).invoke('hi'), (e: Error) => {
    // The Anthropic SDK prints the JSON body, quotes escaped.
    assert.match(e.message, /the policy denies this call: POST \/v1\/messages on \\"anthropic\\" — no rule matched \(default deny\)/);
    return true;
  });
  assert.equal(openai.seen.length, before, 'a denied call never reaches the upstream');
});

test('a wrong key gets 401 from both SDKs', async () => {
  await assert.rejects(chatOpenAI('sk-not-a-chain-key').invoke('hi'), (e: Error & { status?: number }) => {
    assert.match(e.message, /401/);
    assert.match(e.message, /not a Chainwarden key/);
    return true;
  });
  await assert.rejects(chatAnthropic('sk-not-a-chain-key').invoke('hi'), (e: Error) => (assert.match(e.message, /401/), true));
});

test('the audit trail has a record per call with chain, connection, operation, decision and latency', async () => {
  const records = await audit();
  const allowed = records.filter((r) => r.connection === 'openai' && r.decision === 'allow' && r.chain === 'support-bot');
  assert.ok(allowed.length >= 2);
  for (const r of allowed) {
    assert.equal(r.operation, 'POST /v1/chat/completions');
    assert.equal(r.status, 200);
    assert.ok(r.latency_ms > 0);
    assert.ok(r.upstream_ms !== null && r.upstream_ms > 0);
    assert.ok(r.bytes_out > 0);
    assert.equal(r.target, `${openai.url}/base/v1/chat/completions`);
  }
  const denied = records.filter((r) => r.chain === 'other' && r.decision === 'deny');
  assert.equal(denied.length, 2);
  assert.ok(denied.every((r) => r.status === 403 && r.error === 'CW_ERR_DENIED'));
  assert.ok(records.some((r) => r.error === 'CW_ERR_INVALID_CREDENTIAL' && r.status === 401 && r.chain === null));
  const text = JSON.stringify(records);
  for (const secret of Object.values(KEYS)) assert.ok(!text.includes(secret), 'no credential in audit records');
});

test('flag allows and marks the record; run id is recorded', async () => {
  const r = await fetch(`${gw.url}/openai/v1/models`, { headers: { authorization: `Bearer ${KEYS.support}`, 'x-chainwarden-run': 'run-123' } });
  assert.equal(r.status, 200);
  await r.arrayBuffer();
  const rec = (await audit()).find((x) => x.run_id === 'run-123');
  assert.ok(rec);
  assert.equal(rec.decision, 'flag');
  assert.equal(rec.flagged, true);
});
