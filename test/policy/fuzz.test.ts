import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parsePolicy } from '../../gateway/policy/load.js';
import { EXAMPLE_POLICY } from '../helpers/paths.js';
import { pick, prng } from '../helpers/prng.js';

const seedText = readFileSync(EXAMPLE_POLICY, 'utf8');
const TOKENS = ['{', '}', '[', ']', ':', '- ', '&a ', '*a', '!!str ', '"', "'", '\t', '  ', '\n', '#', '|', '>', '? ', ',', 'null', '~', '0x1F', '1e400', '-.inf', 'env:', '${env:X}', 'file:', '**', 'allow', 'deny', 'approve', 'rules', 'connections', 'type: http', 'type: postgres', 'version: 1', '\u0000', '\uFEFF', 'é', '%YAML 1.1\n', '---\n', '...\n', '<<: *a\n'];

function mutate(rand: () => number, text: string): string {
  let s = text;
  const rounds = 1 + Math.floor(rand() * 4);
  for (let r = 0; r < rounds; r++) {
    const at = Math.floor(rand() * (s.length + 1));
    switch (Math.floor(rand() * 7)) {
      case 0: s = s.slice(0, at) + pick(rand, TOKENS) + s.slice(at); break;
      case 1: s = s.slice(0, at) + s.slice(at + 1 + Math.floor(rand() * 20)); break;
      case 2: s = s.slice(0, at); break;
      case 3: { const lines = s.split('\n'); lines.splice(Math.floor(rand() * lines.length), 1); s = lines.join('\n'); break; }
      case 4: { const lines = s.split('\n'); const i = Math.floor(rand() * lines.length); lines.splice(i, 0, lines[Math.floor(rand() * lines.length)]!); s = lines.join('\n'); break; }
      case 5: s = s.slice(0, at) + String.fromCharCode(Math.floor(rand() * 128)) + s.slice(at + 1); break;
      default: { const lines = s.split('\n'); const i = Math.floor(rand() * lines.length); lines[i] = ' '.repeat(Math.floor(rand() * 6)) + lines[i]!.trimStart(); s = lines.join('\n'); }
    }
  }
  return s;
}

function randomDocument(rand: () => number): string {
  const n = 1 + Math.floor(rand() * 30);
  let s = '';
  for (let i = 0; i < n; i++) s += pick(rand, TOKENS) + (rand() < 0.3 ? '\n' : ' ');
  return s;
}

test('10,000 mutated and random documents: a policy or positioned errors, never a crash', { timeout: 120_000 }, () => {
  const rand = prng(0xc4a1);
  let valid = 0;
  let invalid = 0;
  for (let i = 0; i < 10_000; i++) {
    const text = i % 5 === 0 ? randomDocument(rand) : mutate(rand, seedText);
    const lineCount = text.split('\n').length;
    let result;
    try {
      result = parsePolicy(text, 'fuzz.yaml');
    } catch (e) {
      assert.fail(`document ${i} crashed the loader: ${(e as Error).stack}\n---\n${text}`);
    }
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    const internal = errors.find((d) => d.code === 'CW_POLICY_INTERNAL');
    assert.equal(internal, undefined, `document ${i} hit a loader bug: ${internal?.message}\n---\n${text}`);
    if (result.policy) {
      assert.equal(errors.length, 0, `document ${i}: a policy and errors at once`);
      valid++;
    } else {
      assert.ok(errors.length > 0, `document ${i}: no policy and no error\n---\n${text}`);
      for (const e of errors) {
        assert.ok(e.line >= 1 && e.line <= lineCount + 1 && e.column >= 1, `document ${i}: bad position ${e.line}:${e.column}`);
        assert.ok(e.message.length > 0);
      }
      invalid++;
    }
  }
  // The mutator must exercise both outcomes, or the test proves little.
  assert.ok(valid > 100, `only ${valid} valid documents`);
  assert.ok(invalid > 1000, `only ${invalid} invalid documents`);
});

test('an alias bomb is refused quickly with a positioned error', () => {
  const bomb = ['version: 1', 'a: &a ["x","x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill('*' + String.fromCharCode(97 + i)).join(',')}]`), 'rules: *j'].join('\n');
  const { policy, diagnostics } = parsePolicy(bomb, 'bomb.yaml');
  assert.equal(policy, undefined);
  assert.ok(diagnostics.some((d) => d.severity === 'error' && d.line >= 1));
});
