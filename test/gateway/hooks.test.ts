/** The pipeline's open hooks: onApprove (hold or release an approve decision) and responseTransform (masking). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Transform } from 'node:stream';
import { fakeOpenAI } from './fakes.js';
import { gatewayFor, KEYS, policyYaml } from './setup.js';

const headers = { authorization: `Bearer ${KEYS.support}`, 'content-type': 'application/json' };

/** Replaces "fake" with "****" and counts it, as a masking transform would. */
function redactFake(): Transform & { maskedCounts: Record<string, number> } {
  const t = new Transform({
    transform(chunk: Buffer, _enc, done) {
      const text = chunk.toString('utf8');
      const n = (text.match(/fake/g) ?? []).length;
      if (n) t.maskedCounts.word = (t.maskedCounts.word ?? 0) + n;
      done(null, text.replace(/fake/g, '****'));
    },
  }) as Transform & { maskedCounts: Record<string, number> };
  t.maskedCounts = {};
  return t;
}

test('onApprove decides approve decisions: release one, refuse another', async () => {
  const up = await fakeOpenAI();
  const seen: string[] = [];
  const g = await gatewayFor(policyYaml({ openaiUrl: up.url, rulesExtra: '  - name: chats\n    chains: [support-bot]\n    connection: openai\n    allow: ["POST /v1/chat/completions"]' }), {
    hooks: {
      onApprove: async (ex, decision) => {
        seen.push(`${decision.rule}: ${ex.identity?.chain} ${ex.path}`);
        return ex.req.headers['x-test-approve'] === 'yes' ? undefined : { code: 'CW_ERR_APPROVAL_REQUIRED', detail: 'the approver said no', rule: decision.rule };
      },
    },
  });
  try {
    const refused = await fetch(`${g.gw.url}/openai/v1/embeddings`, { method: 'POST', headers, body: '{}' });
    assert.equal(refused.status, 403);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'CW_ERR_APPROVAL_REQUIRED');
    assert.match(body.error.message, /the approver said no/);
    const released = await fetch(`${g.gw.url}/openai/v1/embeddings`, { method: 'POST', headers: { ...headers, 'x-test-approve': 'yes' }, body: '{}' });
    assert.equal(released.status, 404, 'released to the upstream, which has no embeddings route');
    await released.arrayBuffer();
    assert.deepEqual(seen, ['embeddings need approval: support-bot /v1/embeddings', 'embeddings need approval: support-bot /v1/embeddings']);
    assert.deepEqual(up.seen.map((s) => s.url), ['/v1/embeddings']);
    const records = g.gw.store.queryAudit({});
    assert.deepEqual(records.map((r) => [r.decision, r.status]), [['approve', 404], ['approve', 403]]);
  } finally {
    await g.stop();
    await up.close();
  }
});

test('responseTransform rewrites the body (JSON and SSE) and its counts land in the record', async () => {
  const up = await fakeOpenAI();
  const g = await gatewayFor(policyYaml({ openaiUrl: up.url }), { hooks: { responseTransform: () => redactFake() } });
  try {
    const r = await fetch(`${g.gw.url}/openai/v1/chat/completions`, { method: 'POST', headers, body: '{"model":"m"}' });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-length'), null, 'a transformed body has no declared length');
    const raw = await r.text();
    const json = JSON.parse(raw) as { choices: Array<{ message: { content: string } }> };
    assert.equal(json.choices[0]!.message.content, 'Hello from the **** upstream');
    const s = await fetch(`${g.gw.url}/openai/v1/chat/completions`, { method: 'POST', headers, body: '{"model":"m","stream":true}' });
    const text = await s.text();
    assert.match(text, /" \*\*\*\*"/);
    assert.doesNotMatch(text, /fake/);
    const [sse, plain] = g.gw.store.queryAudit({});
    const count = (t: string) => t.split('****').length - 1;
    assert.deepEqual(plain!.masked, { word: count(raw) });
    assert.deepEqual(sse!.masked, { word: count(text) });
    assert.ok(count(text) > 5);
  } finally {
    await g.stop();
    await up.close();
  }
});
