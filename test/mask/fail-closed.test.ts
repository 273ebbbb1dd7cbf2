import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { compileMasker } from '../../gateway/mask/masker.js';
import { MaskError } from '../../gateway/mask/errors.js';
import { ALL_DETECTORS, PLANTED } from './bodies.js';
import { FakeUpstream, collect, open, through } from './harness.js';

const masker = compileMasker(ALL_DETECTORS);
const MAX = 64 * 1024;

const BLOCKED: Array<[string, { contentType?: string; contentEncoding?: string; contentLength?: number }, string]> = [
  ['unknown content-encoding', { contentType: 'application/json', contentEncoding: 'zstd' }, 'CW_MASK_ENCODING_UNSUPPORTED'],
  ['stacked encodings', { contentType: 'application/json', contentEncoding: 'gzip, br' }, 'CW_MASK_ENCODING_UNSUPPORTED'],
  ['a non-UTF-8 charset', { contentType: 'text/plain; charset=iso-8859-1' }, 'CW_MASK_CHARSET_UNSUPPORTED'],
  ['UTF-16 JSON', { contentType: 'application/json; charset="UTF-16"' }, 'CW_MASK_CHARSET_UNSUPPORTED'],
  ['a binary content-type', { contentType: 'application/octet-stream' }, 'CW_MASK_CONTENT_TYPE_UNSUPPORTED'],
  ['an image', { contentType: 'image/png' }, 'CW_MASK_CONTENT_TYPE_UNSUPPORTED'],
  ['a declared length over the bound', { contentType: 'application/json', contentLength: MAX + 1 }, 'CW_MASK_TOO_LARGE'],
];

for (const [what, headers, code] of BLOCKED) {
  test(`blocked before reading: ${what} → ${code}`, () => {
    const r = masker.createMaskingStream({ ...headers, maxBytes: MAX });
    assert.ok('blocked' in r, 'blocked');
    assert.equal(r.blocked.code, code);
    assert.ok(r.blocked.message.length > 10);
  });
}

test('accepted types: JSON variants, SSE, NDJSON, text, XML, no content-type', () => {
  for (const contentType of ['application/json', 'application/problem+json', 'text/event-stream', 'application/x-ndjson', 'text/html; charset=UTF-8', 'application/xml', undefined]) {
    assert.ok(!('blocked' in masker.createMaskingStream({ contentType, maxBytes: MAX })), String(contentType));
  }
});

async function failure(options: Parameters<typeof masker.createMaskingStream>[0], chunks: Buffer[]): Promise<MaskError> {
  const s = open(masker, options);
  const out: Buffer[] = [];
  s.on('data', (c: Buffer) => out.push(c));
  const err = await collect(Readable.from(chunks), s).then(
    () => assert.fail('the stream should have failed'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof MaskError, `a MaskError, got ${String(err)}`);
  // Whatever was emitted before the failure holds no planted value, and neither does the error.
  const emitted = Buffer.concat(out).toString();
  for (const v of Object.values(PLANTED)) {
    assert.ok(!emitted.includes(v));
    assert.ok(!err.message.includes(v) && !(err.stack ?? '').includes(v));
  }
  return err;
}

test('a body growing over maxBytes fails the stream (CW_MASK_TOO_LARGE)', async () => {
  const big = Buffer.from(JSON.stringify({ card: PLANTED.pan, pad: 'x'.repeat(MAX) }));
  assert.equal((await failure({ contentType: 'application/json', maxBytes: MAX }, [big])).code, 'CW_MASK_TOO_LARGE');
  const sse = Buffer.from(`data: {"choices":[{"delta":{"content":"${PLANTED.pan} ${'y'.repeat(100)}"}}]}\n\n`.repeat(1000));
  assert.equal((await failure({ contentType: 'text/event-stream', maxBytes: MAX }, [sse])).code, 'CW_MASK_TOO_LARGE');
});

test('a decompression bomb is stopped by the decoded size (CW_MASK_TOO_LARGE)', async () => {
  const bomb = gzipSync(Buffer.alloc(10 * MAX, 0x20));
  assert.ok(bomb.length < MAX / 10);
  assert.equal((await failure({ contentType: 'text/plain', contentEncoding: 'gzip', maxBytes: MAX }, [bomb])).code, 'CW_MASK_TOO_LARGE');
});

test('corrupt gzip fails the stream (CW_MASK_DECODE_FAILED)', async () => {
  const gz = gzipSync(Buffer.from(`card ${PLANTED.pan}`));
  const corrupt = Buffer.concat([gz.subarray(0, 10), Buffer.from('garbage-garbage-garbage'), gz.subarray(10)]);
  assert.equal((await failure({ contentType: 'text/plain', contentEncoding: 'gzip', maxBytes: MAX }, [corrupt])).code, 'CW_MASK_DECODE_FAILED');
});

test('bytes that are not UTF-8 fail the stream (CW_MASK_INVALID_UTF8)', async () => {
  const latin1 = Buffer.from(`café card ${PLANTED.pan}`, 'latin1');
  assert.equal((await failure({ contentType: 'text/plain', maxBytes: MAX }, [latin1])).code, 'CW_MASK_INVALID_UTF8');
  assert.equal((await failure({ contentType: 'application/json', maxBytes: MAX }, [latin1])).code, 'CW_MASK_INVALID_UTF8');
});

test('an SSE event over the event bound fails the stream (CW_MASK_EVENT_TOO_LARGE)', async () => {
  const ev = Buffer.from(`data: ${'z'.repeat(5000)}`);
  assert.equal((await failure({ contentType: 'text/event-stream', maxBytes: MAX, maxEventBytes: 4096 }, [ev])).code, 'CW_MASK_EVENT_TOO_LARGE');
});

test('multi-byte characters split between chunks decode correctly', async () => {
  const text = `naïve café — 日本語 card ${PLANTED.pan} 🙂`;
  const buf = Buffer.from(text);
  const whole = masker.maskText(text).text;
  for (let k = 1; k < buf.length; k++) {
    const r = await through(masker, { contentType: 'text/plain; charset=utf-8', maxBytes: MAX }, [buf.subarray(0, k), buf.subarray(k)]);
    assert.equal(r.out, whole, `split at ${k}`);
  }
});

test('over a real socket: a zstd response is refused before any byte is read', async () => {
  const upstream = new FakeUpstream({ z: { headers: { 'content-type': 'application/json', 'content-encoding': 'zstd' }, body: Buffer.from(`{"card":"${PLANTED.pan}"}`) } });
  await upstream.start();
  try {
    const r = await upstream.fetchMasked(masker, 'z', []);
    assert.equal(r.blocked, 'CW_MASK_ENCODING_UNSUPPORTED');
    assert.equal(r.out, '');
  } finally {
    await upstream.stop();
  }
});

test('a bad mask entry is refused at compile time with a stable code and no pattern text echoed beyond its index', () => {
  assert.throws(() => compileMasker([{ detector: 'regex', name: 'x', pattern: '(', replace: 'token' }]), (e: unknown) => e instanceof MaskError && e.code === 'CW_MASK_SPEC_INVALID');
  assert.throws(() => compileMasker([{ detector: 'regex', replace: 'token' }]), (e: unknown) => e instanceof MaskError && e.code === 'CW_MASK_SPEC_INVALID');
  assert.throws(() => compileMasker([{ detector: 'email', paths: ['data.email'], replace: 'token' }]), (e: unknown) => e instanceof MaskError && e.code === 'CW_MASK_SPEC_INVALID');
});

test('empty bodies stay empty (JSON, SSE, text, gzip)', async () => {
  for (const [contentType, contentEncoding, body] of [
    ['application/json', undefined, Buffer.alloc(0)],
    ['text/event-stream', undefined, Buffer.alloc(0)],
    ['text/plain', undefined, Buffer.alloc(0)],
    ['application/json', 'gzip', gzipSync(Buffer.alloc(0))],
  ] as const) {
    const r = await through(masker, { contentType, contentEncoding, maxBytes: MAX }, body.length ? [body] : []);
    assert.equal(r.out, '', `${contentType} ${contentEncoding ?? ''}`);
    assert.deepEqual(r.counts, {});
  }
});
