/**
 * The TextMate grammars in syntaxes/, checked with their own regexes (Oniguruma and JavaScript agree
 * on the constructs used): gateway log lines get the scope of their decision, the policy injection
 * knows every mask detector and the effects.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DETECTOR_NAMES } from '../../gateway/mask/names.js';
import { REPO_ROOT } from '../helpers/paths.js';

const log = JSON.parse(readFileSync(join(REPO_ROOT, 'syntaxes', 'chainwarden-log.tmLanguage.json'), 'utf8'));
const policy = JSON.parse(readFileSync(join(REPO_ROOT, 'syntaxes', 'chainwarden-policy.injection.json'), 'utf8'));
const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));

const LOG_LINES: Array<[string, string | null]> = [
  ['allow chain=support-bot connection=openai op="POST /v1/chat/completions" status=200 ms=12', 'markup.inserted.allow'],
  ['deny chain=support-bot connection=openai op="POST /v1/files" status=403 ms=1', 'markup.deleted.deny'],
  ['approve chain=support-bot connection=orders-db op="write public.orders" approval=apr_x', 'markup.changed.approve'],
  ['flag chain=support-bot connection=openai op="GET /v1/models" status=200 ms=40', 'markup.changed.flag'],
  ['2026-11-27T12:00:00.000Z deny chain=x connection=y op="GET /" status=403 ms=0', 'markup.deleted.deny'],
  ['flag chain=support-bot connection=openai op="GET /v1/models" status=200 ms=3.2 rule="support chats with OpenAI" flagged id=01J', 'markup.changed.flag'],
  ['deny chain=- connection=openai op="POST /v1/files" status=403 ms=0.4 rule="nobody fine-tunes from a chain" code=CW_ERR_DENIED id=01K', 'markup.deleted.deny'],
  ['allowance=3 something else', null],
  ['listening on 127.0.0.1:8790', null],
];

for (const [line, scope] of LOG_LINES) {
  test(`log grammar: ${line.slice(0, 40)}…`, () => {
    const rule = log.repository['decision-line'];
    const m = new RegExp(rule.match).exec(line);
    if (scope === null) return assert.equal(m, null);
    assert.ok(m, 'the decision line matches');
    const group = Object.entries(rule.captures as Record<string, { name: string }>).find(([i, c]) => c.name.startsWith(scope) && m[Number(i)] !== undefined);
    assert.ok(group, `captured as ${scope}`);
  });
}

test('log grammar: quoted fields (op, rule) are strings, numbers are numbers', () => {
  const fields = log.repository.fields.patterns as Array<{ match: string }>;
  const quoted = new RegExp(fields[0]!.match, 'g');
  const line = 'allow chain=a connection=b op="POST /v1/chat/completions" status=200 ms=3.2 rule="support chats with OpenAI" id=x';
  assert.deepEqual([...line.matchAll(quoted)].map((m) => m[1]), ['op', 'rule']);
  assert.deepEqual([...line.matchAll(new RegExp(fields[2]!.match, 'g'))].map((m) => `${m[1]}=${m[2]}`), ['status=200', 'ms=3.2']);
});

test('policy injection: effects as keys, not as values', () => {
  const re = new RegExp(policy.repository['effect-key'].match);
  for (const yes of ['    allow: ["POST /search"]', '  - deny: [ddl]', '    approve:', 'flag: ["GET /v1/models"]']) assert.ok(re.test(yes), yes);
  for (const no of ['    name: allow everything', '    ops: [deny]', '# allow: commented']) assert.ok(!re.test(no) || no.startsWith('#'), no);
});

test('policy injection: env: and file: references', () => {
  const re = new RegExp(policy.repository['secret-ref'].match, 'g');
  const text = 'value: "Bearer ${env:OPENAI_API_KEY}"\nadminToken: file:.dev-keys/admin.token';
  assert.deepEqual([...text.matchAll(re)].map((m) => `${m[1]}:${m[2]}`), ['env:OPENAI_API_KEY', 'file:.dev-keys/admin.token']);
});

test('policy injection names exactly the mask detectors the gateway has', () => {
  const alternatives = /\(([a-z_|]+)\)\\b$/.exec(policy.repository.detector.match)![1]!.split('|');
  assert.deepEqual([...alternatives].sort(), [...DETECTOR_NAMES].sort());
});

test('the manifest points at the grammars, the schema and a log language', () => {
  const paths = manifest.contributes.grammars.map((g: { path: string }) => g.path);
  assert.deepEqual(paths.sort(), ['./syntaxes/chainwarden-log.tmLanguage.json', './syntaxes/chainwarden-policy.injection.json']);
  assert.equal(manifest.contributes.yamlValidation[0].url, './schemas/chainwarden.schema.json');
  assert.ok(manifest.contributes.languages.some((l: { id: string }) => l.id === 'chainwarden-log'));
  const titles = manifest.contributes.commands.map((c: { title: string }) => c.title);
  for (const t of ['Start Gateway', 'Stop Gateway', 'Restart Gateway', 'Show Gateway Log', 'Scan Workspace', 'Request Access…', 'Open Policy', 'Show Audit Trail']) assert.ok(titles.includes(t), t);
});
