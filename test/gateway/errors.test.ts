/** The error table and its documentation agree: a code missing from docs/errors.md fails here. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/paths.js';
import { errorBody, GATEWAY_ERRORS } from '../../gateway/errors.js';

const doc = readFileSync(join(REPO_ROOT, 'docs', 'errors.md'), 'utf8');
const documented = new Map([...doc.matchAll(/^\| `(CW_ERR_[A-Z_]+)` \| (\d{3}) \| `([a-z_]+)` \|/gm)].map((m) => [m[1]!, { status: Number(m[2]), type: m[3]! }]));

for (const [code, spec] of Object.entries(GATEWAY_ERRORS)) {
  test(`${code} is documented with its status and type`, () => {
    assert.deepEqual(documented.get(code), { status: spec.status, type: spec.type }, `docs/errors.md lacks a row for ${code}`);
    assert.ok(spec.status >= 400 && spec.status < 600);
    assert.match(code, /^CW_ERR_[A-Z_]+$/);
  });
}

test('docs/errors.md lists no code the table lacks', () => {
  for (const code of documented.keys()) assert.ok(code in GATEWAY_ERRORS, `${code} is documented but not in gateway/errors.ts`);
});

test('an error body carries type, code, message, rule and request id', () => {
  const body = JSON.parse(errorBody('CW_ERR_DENIED', 'req-1', 'POST /x', 'r1'));
  assert.deepEqual(body, { type: 'error', error: { type: 'chainwarden_denied', code: 'CW_ERR_DENIED', message: 'the policy denies this call: POST /x', rule: 'r1', request_id: 'req-1' } });
});
