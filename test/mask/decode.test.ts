/**
 * Decoding streamed bytes: ASCII chunks take a Latin-1 fast path, everything else the fatal UTF-8 decoder. The
 * text must be exactly what one fatal decode of the whole body gives (a byte-order mark dropped at the start
 * only, characters split across chunks joined, invalid bytes refused), wherever the body is cut.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileMasker } from '../../gateway/mask/masker.js';
import { jsonString } from '../../gateway/mask/literals.js';
import { ALL_DETECTORS } from './bodies.js';
import { splitAt, through } from './harness.js';
import { Rng } from './random.js';

const masker = compileMasker(ALL_DETECTORS);
const TEXT = { contentType: 'text/plain; charset=utf-8', maxBytes: 1 << 20 };

const BODIES = [
  '\ufeffcall 415-555-2671 now',
  'ab\ufeffcd 4111 1111 1111 1111 ok',
  'xyz é€😀 jane@example.com ü 123-45-6789',
  '😀\ufeff',
  'plain ascii sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXyZ0 done',
];

/** Every way to cut a body into two or three chunks. */
function* cuts(length: number): Generator<number[]> {
  for (let a = 1; a < length; a++) {
    yield [a];
    for (let b = a + 1; b < length; b++) yield [a, b];
  }
}

test('streamed text decodes as the whole body does, cut anywhere into two or three chunks', async () => {
  for (const text of BODIES) {
    const body = Buffer.from(text);
    const expected = masker.maskText(new TextDecoder('utf-8', { fatal: true }).decode(body)).text;
    for (const c of cuts(body.length)) {
      const got = await through(masker, TEXT, splitAt(body, c));
      assert.equal(got.out, expected, `${JSON.stringify(text)} cut at ${c.join(',')}`);
    }
  }
});

test('invalid UTF-8 after ASCII chunks is refused wherever the body is cut', async () => {
  const bad = [
    Buffer.concat([Buffer.from('abc '), Buffer.from([0x80]), Buffer.from(' def')]),
    Buffer.concat([Buffer.from('abc '), Buffer.from([0xe2, 0x82])]), // a character cut off at the end
    Buffer.concat([Buffer.from('abc '), Buffer.from([0xc3]), Buffer.from('xyz')]),
    Buffer.concat([Buffer.from('ab'), Buffer.from([0xf0, 0x9f, 0x98]), Buffer.from('!')]),
  ];
  for (const body of bad) {
    for (const c of [[], ...cuts(body.length)]) {
      await assert.rejects(through(masker, TEXT, splitAt(body, c)), (e: Error & { code?: string }) => e.code === 'CW_MASK_INVALID_UTF8', `${body.toString('hex')} cut at ${c.join(',')}`);
    }
  }
});

test('jsonString equals JSON.stringify (seed 78, 5000 strings)', () => {
  const r = new Rng(78);
  for (let i = 0; i < 5000; i++) {
    const s = r.chars(r.int(0, 10), 'ab 1"\\\n\t\u0000\u001f\u007f\u00e9\u2028\u2029\ud83d\ude00\udfff/');
    assert.equal(jsonString(s), JSON.stringify(s));
  }
});

test('a JSON body the masker leaves alone streams out as its own bytes, and one it masks as the whole body masked, cut anywhere', async () => {
  const JSON_OPTS = { contentType: 'application/json', maxBytes: 1 << 20 };
  const bodies = [
    '{"a":"nothing here","n":[1,2.5,-3e2],"t":true}',
    '{"a":"call 415-555-2671","b":"x"}',
    '\ufeff{"a":"é nothing"}',
    '{"a":"é 123-45-6789 ü"}',
    '  ',
  ];
  for (const text of bodies) {
    const body = Buffer.from(text);
    const expected = masker.maskJson(body).body;
    for (const c of [[], ...cuts(body.length)]) {
      const got = await through(masker, JSON_OPTS, splitAt(body, c));
      assert.equal(got.out, expected, `${JSON.stringify(text)} cut at ${c.join(',')}`);
    }
  }
});
