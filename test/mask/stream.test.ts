import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync, brotliCompressSync, deflateSync } from 'node:zlib';
import { compileMasker } from '../../gateway/mask/masker.js';
import { ALL_DETECTORS, ASSISTANT_TEXT, COMPACT_TEXT, MUST_NOT_APPEAR, anthropicSse, chatCompletionJson, ollamaNdjson, openAiSse, pieces, readText } from './bodies.js';
import { FakeUpstream, splitAt, through, type UpstreamRoute } from './harness.js';
import { Rng } from './random.js';

const masker = compileMasker(ALL_DETECTORS);
const expectedText = masker.maskText(ASSISTANT_TEXT).text;
const expectedCompact = masker.maskText(COMPACT_TEXT).text;

function assertClean(out: string, where: string): void {
  for (const v of MUST_NOT_APPEAR) assert.ok(!out.includes(v), `${where}: "${v}" reached the reader`);
}

const parts = pieces(ASSISTANT_TEXT, new Rng(3), 5);
const compactParts = pieces(COMPACT_TEXT, new Rng(4), 12);
/** Small enough to split at every byte offset. */
const SPLIT_BODIES = {
  json: { contentType: 'application/json', body: Buffer.from(chatCompletionJson()) },
  openai: { contentType: 'text/event-stream', body: Buffer.from(openAiSse(compactParts)) },
  anthropic: { contentType: 'text/event-stream; charset=utf-8', body: Buffer.from(anthropicSse(compactParts)) },
  ollama: { contentType: 'application/x-ndjson', body: Buffer.from(ollamaNdjson(compactParts)) },
  text: { contentType: 'text/plain; charset=utf-8', body: Buffer.from(ASSISTANT_TEXT) },
} as Record<string, { contentType: string; body: Buffer }>;
/** Token-sized pieces of the long text, for random chunkings over TCP. */
const BODIES = {
  json: { contentType: 'application/json', body: Buffer.from(chatCompletionJson()) },
  openai: { contentType: 'text/event-stream', body: Buffer.from(openAiSse(parts)) },
  anthropic: { contentType: 'text/event-stream; charset=utf-8', body: Buffer.from(anthropicSse(parts)) },
  ollama: { contentType: 'application/x-ndjson', body: Buffer.from(ollamaNdjson(parts)) },
  text: { contentType: 'text/plain; charset=utf-8', body: Buffer.from(ASSISTANT_TEXT) },
} as Record<string, { contentType: string; body: Buffer }>;

for (const [kind, { contentType, body }] of Object.entries(SPLIT_BODIES)) {
  test(`${kind}: split into two chunks at every byte offset, output equals the unsplit output and nothing leaks`, async () => {
    const reference = await through(masker, { contentType, maxBytes: 1 << 20 }, [body]);
    assertClean(reference.out, 'unsplit');
    if (kind === 'json') {
      const doc = JSON.parse(reference.out) as { choices: Array<{ message: { content: string } }>; card_number: string };
      assert.equal(doc.choices[0]!.message.content, expectedText);
      assert.equal(doc.card_number, '4111********1111', 'a bare numeric PAN becomes a masked string');
    } else if (kind === 'text') {
      assert.equal(reference.out, expectedText);
    } else {
      // The text a user reads, joined from the streamed pieces, is masked exactly like the whole text.
      assert.equal(readText(kind as 'openai' | 'anthropic' | 'ollama', reference.out), expectedCompact);
    }
    const many = kind === 'json' || kind === 'text';
    assert.deepEqual(
      reference.counts,
      many ? { credit_card: kind === 'json' ? 4 : 3, us_ssn: 1, email: 1, iban: 1, phone: 1, secret: 3 } : { credit_card: 1, us_ssn: 1, email: 1, iban: 1, phone: 1, secret: 1 },
    );
    for (let k = 1; k < body.length; k++) {
      const r = await through(masker, { contentType, maxBytes: 1 << 20 }, splitAt(body, [k]));
      assert.equal(r.out, reference.out, `split at byte ${k}`);
      assert.deepEqual(r.counts, reference.counts, `counts at byte ${k}`);
    }
  });
}

test('SSE: a value split across two events is masked, and text is released without waiting for the end', async () => {
  const sse = openAiSse(['Card 4111 11', '11 1111 1111 now', ' and more'], false);
  const r = await through(masker, { contentType: 'text/event-stream', maxBytes: 1 << 20 }, [Buffer.from(sse)]);
  assertClean(r.out, 'events');
  const contents = r.out.split('\n\n').filter(Boolean).map((e) => (JSON.parse(e.slice(6)) as { choices: Array<{ delta: { content?: string } }> }).choices[0]!.delta.content);
  // The start of the card waits until the next event completes it; "now" could still begin an email address
  // ("now.x@…") and waits for one more piece; the rest is flushed as a copy of the last event at the end.
  assert.deepEqual(contents, ['', 'Card ', '4111 **** **** 1111 ', 'now and ', 'more']);
  assert.deepEqual(r.counts, { credit_card: 1 });
});

test('SSE: comments, ids and unknown events pass through; non-JSON data is masked per event', async () => {
  const sse = ': keep-alive\n\nid: 7\nevent: note\ndata: plain 123-45-6789\n\nretry: 1000\n\n';
  const r = await through(masker, { contentType: 'text/event-stream', maxBytes: 1 << 20 }, [Buffer.from(sse)]);
  assert.equal(r.out, ': keep-alive\n\nid: 7\nevent: note\ndata: plain ***-**-6789\n\nretry: 1000\n\n');
});

test('random chunkings over a real socket from a fake upstream (seeded)', async () => {
  const routes: Record<string, UpstreamRoute> = Object.fromEntries(Object.entries(BODIES).map(([k, v]) => [k, { headers: { 'content-type': v.contentType }, body: v.body }]));
  routes['json-gzip'] = { headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: gzipSync(BODIES.json!.body) };
  routes['sse-br'] = { headers: { 'content-type': 'text/event-stream', 'content-encoding': 'br' }, body: brotliCompressSync(BODIES.openai!.body) };
  routes['text-deflate'] = { headers: { 'content-type': 'text/plain', 'content-encoding': 'deflate' }, body: deflateSync(BODIES.text!.body) };
  routes.short = { headers: { 'content-type': 'text/event-stream' }, body: Buffer.from(openAiSse(['Card 4111 11', '11 1111 1111 ok'])) };
  const upstream = new FakeUpstream(routes);
  await upstream.start();
  try {
    const r = new Rng(77);
    for (const route of Object.keys(routes)) {
      const reference = await upstream.fetchMasked(masker, route, []);
      assertClean(reference.out, route);
      assert.ok(reference.out.length > 0);
      const len = routes[route]!.body.length;
      for (let i = 0; i < 25; i++) {
        const cuts = [...new Set(Array.from({ length: r.int(1, 12) }, () => r.int(1, len - 1)))].sort((a, b) => a - b);
        const got = await upstream.fetchMasked(masker, route, cuts);
        assert.equal(got.out, reference.out, `${route} cut at ${cuts.join(',')}`);
      }
    }
    // Every byte offset over TCP for the JSON completion, and for a short OpenAI stream whose card number spans two events.
    const jsonRef = await upstream.fetchMasked(masker, 'json', []);
    for (let k = 1; k < routes.json!.body.length; k += 1) {
      const got = await upstream.fetchMasked(masker, 'json', [k]);
      assert.equal(got.out, jsonRef.out, `JSON over TCP split at ${k}`);
    }
    const sseRef = await upstream.fetchMasked(masker, 'short', []);
    assert.equal(readText('openai', sseRef.out), 'Card 4111 **** **** 1111 ok');
    for (let k = 1; k < routes.short!.body.length; k += 1) {
      const got = await upstream.fetchMasked(masker, 'short', [k]);
      assert.equal(got.out, sseRef.out, `short SSE over TCP split at ${k}`);
    }
  } finally {
    await upstream.stop();
  }
});

test('SSE with escapes in the pieces (quotes, newlines, \\u escapes as Python writes them) masks like the whole text', async () => {
  const text = `He said "card 4111 1111 1111 1111"\nline2 é ☃ \\ and SSN 123-45-6789 "end"`;
  const asciiOnly = (s: string) => s.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const r = new Rng(12);
  for (const encode of [(s: string) => s, asciiOnly]) {
    for (let i = 0; i < 30; i++) {
      const sse = encode(openAiSse(pieces(text, r, 7)));
      const out = await through(masker, { contentType: 'text/event-stream', maxBytes: 1 << 20 }, splitAt(Buffer.from(sse), [r.int(1, sse.length - 1)]));
      assert.equal(readText('openai', out.out), masker.maskText(text).text);
      assertClean(out.out, 'escaped');
    }
  }
});
