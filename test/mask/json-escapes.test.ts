/**
 * Whole-body JSON masking reads escapes that decode to an edge character (\n \r \t \b \f \" \\) as stand-ins in
 * place, and decodes precisely only strings with other escapes (\/, \uXXXX) and matches that hold an escape. The
 * output must be what decoding and scanning every string gives: the walk as it was before (reference-walk.ts),
 * which does exactly that for every string with an escape, is the reference, for the whole-body path and for the
 * path walk (which reads escapes the same way).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileMasker } from '../../gateway/mask/masker.js';
import { detectionText, detectionTextOfBytes, ESCAPED } from '../../gateway/mask/json-escapes.js';
import { ALL_DETECTORS } from './bodies.js';
import * as gen from './generators.js';
import { through } from './harness.js';
import { Rng } from './random.js';
import { referenceMaskJson } from './reference-walk.js';

const all = compileMasker(ALL_DETECTORS);
const walk = compileMasker(ALL_DETECTORS.map((s) => ({ ...s, paths: ['$..*'] })));
const PEM = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7x9Qk2\nabcDEF012+/=\n-----END RSA PRIVATE KEY-----';

/** A string rich in escapes next to values: line breaks, tabs, quotes, backslashes, slashes, \u escapes. */
function escapedText(r: Rng): string {
  const edges = ['\n', '\n\n', '\t', '"', '\\', '/', '\r\n', '\b', '\f', 'é', '😀', '\u2028'];
  const values = [gen.formatPan(r, gen.validPan(r)), gen.validSsn(r, r.pick(['-', ' '])), gen.validEmail(r), gen.validIban(r, 'DE'), gen.validPhone(r), gen.validKey(r), PEM, '4111111111111111'];
  let s = '';
  for (let i = r.int(1, 8); i > 0; i--) s += r.pick([gen.prose(r, r.int(0, 4)), r.pick(edges), r.pick(values), r.pick(edges) + r.pick(values) + r.pick(edges)]);
  return s;
}

function documentOf(r: Rng, items: number, ascii: boolean): string {
  const list = Array.from({ length: items }, (_, i) => ({ [r.int(0, 6) === 0 ? escapedText(r) : `k${i}`]: escapedText(r), n: i }));
  // JSON.stringify writes \n \t \" \\ \b \f and \uXXXX for other controls; \/ and \u for the rest are added here
  // as other encoders write them (PHP's slashes, Python's ensure_ascii).
  let body = JSON.stringify(list).replace(/\//g, () => (r.int(0, 1) === 0 ? '\\/' : '/'));
  if (ascii) body = body.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  // A digit after a space is in a string (the body has no space outside strings).
  else body = body.replace(/(?<= )[0-9]/g, (d) => (r.int(0, 10) === 0 ? `\\u00${d.charCodeAt(0).toString(16)}` : d));
  return body;
}

test('escapes read as stand-ins: the whole-body path and the path walk mask exactly what decoding every string does (seed 41, 400 documents, short and long)', () => {
  const r = new Rng(41);
  let masked = 0;
  for (let i = 0; i < 400; i++) {
    const body = documentOf(r, r.pick([1, 5, 40, 400]), r.int(0, 1) === 0);
    const fast = all.maskJson(body);
    const walked = walk.maskJson(body);
    const slow = referenceMaskJson(body, walk.rules);
    assert.ok(slow.wasJson);
    assert.equal(fast.body, slow.text, body.slice(0, 2000));
    assert.deepEqual(fast.counts, slow.counts);
    assert.equal(walked.body, slow.text, body.slice(0, 2000));
    assert.deepEqual(walked.counts, slow.counts);
    JSON.parse(fast.body);
    masked += Object.values(fast.counts).reduce((a, b) => a + b, 0);
  }
  assert.ok(masked > 2000, `${masked} values masked`);
});

test('the same bodies through the masking Transform give the same output', async () => {
  const r = new Rng(42);
  for (let i = 0; i < 60; i++) {
    const body = documentOf(r, r.pick([3, 300]), r.int(0, 1) === 0);
    const got = await through(all, { contentType: 'application/json', maxBytes: 1 << 24 }, [Buffer.from(body)]);
    assert.equal(got.out, referenceMaskJson(body, walk.rules).text);
  }
});

test('values next to escapes, a PEM block over escaped line breaks, and a card written with \\u escapes are masked', () => {
  const body = JSON.stringify({ a: '\n4111 1111 1111 1111\n', b: 'x\t123-45-6789\t"y"', c: PEM, d: 'q\\5555555555554444' }).replace('"d"', '"e":"\\u0034111 1111 1111 1111","d"');
  const out = JSON.parse(all.maskJson(body).body) as Record<string, string>;
  assert.equal(out.a, '\n4111 **** **** 1111\n');
  assert.equal(out.b, 'x\t***-**-6789\t"y"');
  assert.equal(out.c, '-----BEGIN RSA PRIVATE KEY-----\n********\n-----END RSA PRIVATE KEY-----');
  assert.equal(out.e, '4111 **** **** 1111');
  assert.equal(out.d, 'q\\5555********4444');
});

test('detectionText keeps length and positions, lists escapes that decode to a possible match character, and reads the same off bytes', () => {
  const body = String.raw`{"a":"x\ny\\z\"q\/r\u0034s\t","b":"\uZZ"}`;
  const plain = detectionText(body);
  assert.equal(plain.text.length, body.length);
  assert.equal(plain.text.indexOf('\\'), -1);
  assert.deepEqual(plain.opaque, [body.indexOf('\\/'), body.indexOf('\\u0034'), body.indexOf('\\uZZ')]);
  assert.equal(plain.text.slice(6, 10), `x${ESCAPED}${ESCAPED}y`);
  // Off bytes, copied into another buffer or written in place.
  const raw = Buffer.from(body);
  assert.deepEqual(detectionTextOfBytes(raw, new Uint8Array(body.length + 8)), plain);
  const own = new Uint8Array(body.length + 8);
  new TextEncoder().encodeInto(body, own);
  assert.deepEqual(detectionTextOfBytes(Buffer.from(own.buffer, 0, body.length), own), plain);
});
