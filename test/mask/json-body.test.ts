/**
 * JSON bodies through the masking Transform: an ASCII body is masked on its bytes and written out in pieces
 * around the edits. The output must be exactly what maskJson gives for the whole body, however the body arrives
 * in chunks and however long it is (several output pieces), and an ASCII body with nothing to mask must come out
 * as the bytes that went in.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileMasker } from '../../gateway/mask/masker.js';
import { ALL_DETECTORS } from './bodies.js';
import { through } from './harness.js';
import { Rng } from './random.js';

const JSON_BODY = { contentType: 'application/json', maxBytes: 8 << 20 };
const whole = compileMasker(ALL_DETECTORS);
const withPaths = compileMasker(ALL_DETECTORS.map((s) => ({ ...s, paths: ['$.items[*].text'] })));

const VALUES = ['4111 1111 1111 1111', '123-45-6789', 'jane.roe@example.com', 'DE89 3704 0044 0532 0130 00', '+1 415 555 2671', 'sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXyZ0', 'plain words', 'order 48213 on 2024-01-15', 'é ü 😀', 'tab\there "quoted"'];

function document(r: Rng, items: number): string {
  const list = Array.from({ length: items }, (_, i) => ({ id: `item-${i}`, created: 1727000000 + i, text: `${r.pick(VALUES)} and ${r.pick(VALUES)}`, n: r.int(0, 2) === 0 ? 4111111111111111 : i }));
  return JSON.stringify({ object: 'list', items: list });
}

function chunked(body: Buffer, r: Rng): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < body.length; ) {
    const n = r.pick([1, 7, 100, 16384, 70000]);
    out.push(body.subarray(at, at + n));
    at += n;
  }
  return out;
}

test('a JSON body through the Transform equals maskJson of it, ASCII or not, short or over several output pieces (seed 31, 60 bodies)', async () => {
  const r = new Rng(31);
  for (let i = 0; i < 60; i++) {
    const text = document(r, r.pick([1, 20, 400, 3000]));
    const ascii = r.int(0, 1) === 0 ? text.replace(/[^\x00-\x7f]/g, '~') : text;
    const body = Buffer.from(ascii);
    for (const masker of [whole, withPaths]) {
      const expected = masker.maskJson(ascii);
      const got = await through(masker, JSON_BODY, chunked(body, r));
      assert.equal(got.out, expected.body, `body ${i}: ${body.length} bytes`);
      assert.deepEqual(got.counts, expected.counts);
    }
  }
});

test('an ASCII JSON body with nothing to mask comes out as the bytes that went in; one that is not JSON is masked as text', async () => {
  const clean = Buffer.from(JSON.stringify({ a: 'nothing here', list: Array.from({ length: 5000 }, (_, i) => ({ i, word: 'plain' })) }));
  assert.ok((await through(whole, JSON_BODY, [clean.subarray(0, 1000), clean.subarray(1000)])).out === clean.toString());
  const notJson = Buffer.from(`{"a": "call 415-555-2671" ${'x'.repeat(20000)}`);
  const got = await through(whole, JSON_BODY, [notJson]);
  assert.equal(got.out, whole.maskText(notJson.toString()).text);
  assert.equal(got.counts.phone, 1);
});

test('a replacement longer than an output piece (a 100 KB string decoded precisely) is written whole', async () => {
  const long = `${'word '.repeat(20000)}\\u0034111 1111 1111 1111 ${'tail '.repeat(100)}`;
  const body = Buffer.from(`{"a":"x","big":"${long}","b":"jane.roe@example.com"}`);
  const expected = whole.maskJson(body.toString());
  assert.ok(expected.body.includes('4111 **** **** 1111'));
  const got = await through(whole, JSON_BODY, [body.subarray(0, 70000), body.subarray(70000)]);
  assert.equal(got.out, expected.body);
  assert.deepEqual(got.counts, { credit_card: 1, email: 1 });
});

test('matches across the boundaries of the output pieces (64 KB) are written whole on both sides', async () => {
  for (const boundary of [65536, 131072]) {
    for (let o = -20; o <= 2; o++) {
      const head = '{"pad":"';
      const card = '4111 1111 1111 1111';
      // The card starts o bytes from the boundary; a token replacement of another length in one of every four.
      const padLength = boundary + o - head.length;
      const pad = `${'w '.repeat(padLength).slice(0, padLength - 1)} `;
      const body = Buffer.from(`${head}${pad}${card} and jane.roe@example.com","b":"123-45-6789"}`);
      assert.equal(body.indexOf(card), boundary + o);
      const masker = o % 4 === 0 ? compileMasker(ALL_DETECTORS.map((s) => ({ ...s, replace: 'token' as const }))) : whole;
      const expected = masker.maskJson(body.toString());
      const got = await through(masker, JSON_BODY, [body]);
      assert.equal(got.out, expected.body, `card at ${boundary} ${o >= 0 ? '+' : ''}${o}`);
      assert.deepEqual(got.counts, expected.counts);
    }
  }
});
