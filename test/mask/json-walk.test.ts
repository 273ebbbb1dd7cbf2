import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileMasker } from '../../gateway/mask/masker.js';
import type { MaskSpec } from '../../gateway/policy/types.js';
import { formatPan, prose, validEmail, validIban, validKey, validPan, validPhone, validSsn } from './generators.js';
import { Rng } from './random.js';
import { referenceMaskJson } from './reference-walk.js';

/** Keys the documents use and the paths name; some are written with escapes, some need them. */
const KEYS = ['k0', 'k1', 'k2', 'a', 'content', 'q"k', 'tab\tk', 'back\\k', '*', '0'];
const DETECTORS = ['credit_card', 'us_ssn', 'iban', 'email', 'phone', 'secret'] as const;

function pii(r: Rng): string {
  return r.pick([formatPan(r, validPan(r)), validSsn(r, '-'), validEmail(r), validIban(r, 'DE'), validPhone(r), validKey(r)]);
}

function value(r: Rng, depth: number): unknown {
  const k = r.int(0, depth > 5 ? 2 : 5);
  if (k === 0) return `${prose(r, r.int(0, 5))}${r.int(0, 1) === 0 ? ` ${pii(r)}` : ''}${r.int(0, 4) === 0 ? '\n"q"\t\\' : ''}`;
  if (k === 1) return r.int(0, 2) === 0 ? Number(validPan(r).slice(0, 15)) : r.pick([r.int(0, 1e6), -r.int(0, 99) / 8, 1e21]);
  if (k === 2) return r.pick([true, false, null]);
  if (k === 3) return Array.from({ length: r.int(0, 4) }, () => value(r, depth + 1));
  return Object.fromEntries(Array.from({ length: r.int(0, 4) }, () => [r.int(0, 6) === 0 ? validEmail(r) : r.pick(KEYS), value(r, depth + 1)]));
}

function segment(r: Rng): string {
  const key = r.pick(KEYS);
  const name = /^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key) ? key : null;
  const dots = r.int(0, 3) === 0 ? '..' : '.';
  switch (r.int(0, 5)) {
    case 0:
      return `${dots}*`;
    case 1:
      return `${dots === '..' ? '..' : ''}[${r.int(0, 3)}]`;
    case 2:
      return `${dots === '..' ? '..' : ''}[*]`;
    case 3:
      return `${dots === '..' ? '..' : ''}['${key}']`;
    default:
      return name !== null ? `${dots}${name}` : `["${key.replace(/"/g, '')}"]`;
  }
}

function spec(r: Rng): MaskSpec[] {
  const specs: MaskSpec[] = [];
  for (const detector of DETECTORS) {
    if (r.int(0, 2) === 0) continue;
    const s: MaskSpec = { detector, replace: r.pick(['partial', 'token'] as const) };
    if (r.int(0, 4) > 0) s.paths = Array.from({ length: r.int(1, 3) }, () => `$${Array.from({ length: r.int(0, 4) }, () => segment(r)).join('')}`);
    specs.push(s);
  }
  if (r.int(0, 4) === 0) specs.push({ detector: 'regex', name: 'ticket', pattern: 'ticket \\d+|k[0-9]', replace: 'token', paths: r.int(0, 1) === 0 ? ['$..a'] : undefined });
  // At least one entry limited to paths, so the walk (not the whole-body path) is taken.
  if (!specs.some((s) => s.paths)) specs.push({ detector: 'email', replace: 'partial', paths: ['$..*'] });
  return specs;
}

/** Writes some keys with escapes that decode to plain names ("k0" as "\u006b0"), or breaks the body. */
function spell(r: Rng, body: string): string {
  body = body.replace(/"k(\d)":/g, (m, d: string) => (r.int(0, 2) === 0 ? `"\\u006b${d}":` : m));
  switch (r.int(0, 11)) {
    case 0:
      return body.slice(0, r.int(0, body.length));
    case 1: {
      const at = r.int(0, body.length);
      return body.slice(0, at) + r.pick(['"', '\\', '{', '}', '[', ']', ',', ':', '\\q', '\\\n', '\n', ' x', '-', '1e', '.5']) + body.slice(at);
    }
    default:
      return body;
  }
}

/** Nesting past the walk's limit, inside a selected value or one no path reaches. */
function deep(r: Rng): string {
  const n = r.pick([10, 300, 511, 512, 513, 600]);
  const inner = `${'['.repeat(n)}"${pii(r)}"${']'.repeat(n)}`;
  return `{"k0":${inner},"content":"${pii(r)}","k1":{"a":${inner}}}`;
}

test('the path walk gives the output of the walk it replaced (generated documents, paths and bodies; seed 2024)', () => {
  const r = new Rng(2024);
  let masker = compileMasker(spec(r));
  for (let i = 0; i < 2500; i++) {
    // A masker serves several documents: frames learned on one are reused on the next.
    if (i % 5 === 0) masker = compileMasker(spec(r));
    const body = i % 50 === 49 ? deep(r) : spell(r, JSON.stringify(value(r, 0), null, r.int(0, 2) === 0 ? 2 : undefined));
    const got = masker.maskJson(body);
    const want = referenceMaskJson(body, masker.rules);
    assert.equal(got.body, want.text, body);
    assert.equal(got.wasJson, want.wasJson, body);
    assert.deepEqual(got.counts, want.counts, body);
  }
});

test('one document, many elements: frames reused across array elements select the same values', () => {
  const r = new Rng(7);
  const data = Array.from({ length: 300 }, (_, i) => ({ id: `x${i}`, choices: [{ index: 0, message: { role: 'assistant', content: `${prose(r, 8)} ${pii(r)}` } }, { message: { content: pii(r) } }], k0: pii(r) }));
  const body = JSON.stringify({ object: 'list', data });
  for (const paths of [['$.data[*].choices[*].message.content'], ['$.data[*].choices[1].message.content', '$..k0'], ['$.data[7]..*'], ['$..message']]) {
    const masker = compileMasker(DETECTORS.map((detector) => ({ detector, replace: 'partial', paths })));
    const got = masker.maskJson(body);
    const want = referenceMaskJson(body, masker.rules);
    assert.equal(got.body, want.text, paths.join());
    assert.deepEqual(got.counts, want.counts, paths.join());
  }
});

test('nesting at the depth limit fails the same way, selected or skipped', () => {
  const masker = (paths: string[]) => compileMasker([{ detector: 'email', replace: 'partial', paths }]);
  for (const n of [510, 511, 512, 513, 514]) {
    const inner = `${'['.repeat(n)}"jane.roe@example.com"${']'.repeat(n)}`;
    const body = `{"k0":${inner},"k1":{"a":${inner}},"content":"jane.roe@example.com"}`;
    for (const paths of [['$.content'], ['$.k0'], ['$..a'], ['$.k1.a[0]'], ['$.k0..*']]) {
      const m = masker(paths);
      const got = m.maskJson(body);
      const want = referenceMaskJson(body, m.rules);
      assert.equal(got.body, want.text, `${n} ${paths.join()}`);
      assert.equal(got.wasJson, want.wasJson, `${n} ${paths.join()}`);
    }
  }
});

test('a backslash before a line terminator ends the JSON reading, in selected and skipped strings and keys', () => {
  const m = compileMasker([{ detector: 'email', replace: 'partial', paths: ['$.content'] }]);
  for (const t of ['\n', '\r', '\u2028', '\u2029', 'n', '"']) {
    for (const body of [`{"k0":"a\\${t}b","content":"jane.roe@example.com"}`, `{"content":"jane.roe@example.com \\${t}"}`, `{"k\\${t}":1,"content":"jane.roe@example.com"}`]) {
      const got = m.maskJson(body);
      const want = referenceMaskJson(body, m.rules);
      assert.equal(got.body, want.text, body);
      assert.equal(got.wasJson, want.wasJson, body);
    }
  }
});

test('paths given to maskJson select as entries compiled with them, call after call', () => {
  const r = new Rng(11);
  const masker = compileMasker(DETECTORS.map((detector) => ({ detector, replace: 'partial' })));
  const lists = [['$.k0'], ['$..a', '$[1]'], ['$.*.content'], ['$.k0'], ['$..*']];
  for (let i = 0; i < 200; i++) {
    const paths = r.pick(lists);
    const body = JSON.stringify(value(r, 0));
    const got = masker.maskJson(body, paths);
    const fresh = compileMasker(DETECTORS.map((detector) => ({ detector, replace: 'partial', paths })));
    const want = referenceMaskJson(body, fresh.rules);
    assert.equal(got.body, want.text, `${paths.join()} ${body}`);
    assert.deepEqual(got.counts, want.counts, `${paths.join()} ${body}`);
  }
});
