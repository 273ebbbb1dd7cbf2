/** The Workspace API the language server drives: editor overlays, importers, .env changes, policy hot reload. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Workspace } from '../../server/scan/api.js';
import { parsePolicy } from '../../gateway/policy/index.js';

const POLICY = `version: 1
gateway: { listen: 127.0.0.1:8790, admin: 127.0.0.1:8791 }
chains:
  bot: { sources: ["src/**"] }
connections:
  openai: { type: http, upstream: https://api.openai.com, provider: openai }
rules:
  - { name: bot chats, chains: [bot], connection: openai, allow: ["POST /v1/chat/completions"] }
`;

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cw-ws-'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'chainwarden.yaml'), POLICY);
  writeFileSync(join(dir, 'src', 'config.ts'), `export const BASE = process.env.GATEWAY + '/openai/v1';\n`);
  writeFileSync(join(dir, 'src', 'model.ts'), `import { ChatOpenAI } from '@langchain/openai';\nimport { BASE } from './config.js';\nexport const m = new ChatOpenAI({ configuration: { baseURL: BASE } });\n`);
  writeFileSync(join(dir, 'src', 'other.ts'), `export const x = 1;\n`);
  return dir;
}

test('analyzeFile follows imports; .env changes and dependents are tracked', () => {
  const dir = project();
  try {
    const ws = new Workspace({ root: dir, policyFile: join(dir, 'chainwarden.yaml') });
    const model = join(dir, 'src', 'model.ts');
    let [f] = ws.analyzeFile(model);
    assert.equal(f?.status, 'unknown');
    assert.match(f!.message, /GATEWAY is not set in any \.env file/);
    assert.deepEqual(ws.dependentsOf(join(dir, 'src', 'config.ts')), [model]);
    assert.deepEqual(ws.dependentsOf(join(dir, 'src', 'other.ts')), []);

    writeFileSync(join(dir, '.env'), 'GATEWAY=http://127.0.0.1:8790\n');
    ws.fileChanged(join(dir, '.env'));
    assert.deepEqual(ws.dependentsOf(join(dir, '.env')), [model]);
    [f] = ws.analyzeFile(model);
    assert.equal(f?.status, 'approved');
    assert.equal(f?.file, 'src/model.ts');
    assert.equal(f?.rule, 'bot chats');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('editor text overlays the disk, for the file itself and for what it imports', () => {
  const dir = project();
  try {
    writeFileSync(join(dir, '.env'), 'GATEWAY=http://127.0.0.1:8790\n');
    const ws = new Workspace({ root: dir, policyFile: join(dir, 'chainwarden.yaml') });
    const model = join(dir, 'src', 'model.ts');
    const config = join(dir, 'src', 'config.ts');
    assert.equal(ws.analyzeFile(model)[0]?.status, 'approved');
    // An unsaved edit in the imported config module changes the importer's finding.
    ws.setText(config, `export const BASE = 'https://api.openai.com/v1';\n`);
    const [f] = ws.analyzeFile(model);
    assert.equal(f?.status, 'bypass');
    assert.equal(f?.fix?.gatewayBaseUrl, 'http://127.0.0.1:8790/openai/v1');
    // Text given to analyzeFile is the file's content; positions follow it.
    const edited = `\n\nimport { ChatOpenAI } from '@langchain/openai';\nexport const m = new ChatOpenAI({});\n`;
    const [g] = ws.analyzeFile(model, edited);
    assert.deepEqual([g?.line, g?.column, g?.endLine, g?.endColumn], [4, 18, 4, 36]);
    assert.equal(g?.fix?.optionsRange?.column, 33);
    assert.equal(g?.fix?.baseUrlProperty, 'configuration.baseURL');
    // Closing the editor reads the disk again.
    ws.setText(config, null);
    ws.setText(model, null);
    assert.equal(ws.analyzeFile(model)[0]?.status, 'approved');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('setPolicy re-checks without re-reading code; no policy → unknown at hint severity', () => {
  const dir = project();
  try {
    writeFileSync(join(dir, '.env'), 'GATEWAY=http://127.0.0.1:8790\n');
    const ws = new Workspace({ root: dir });
    const model = join(dir, 'src', 'model.ts');
    assert.deepEqual([ws.analyzeFile(model)[0]?.status, ws.analyzeFile(model)[0]?.severity], ['unknown', 'hint']);
    const { policy } = parsePolicy(POLICY.replace('POST /v1/chat/completions', 'POST /v1/embeddings'), join(dir, 'chainwarden.yaml'));
    ws.setPolicy(policy);
    const [f] = ws.analyzeFile(model);
    assert.deepEqual([f?.status, f?.severity, f?.code], ['unapproved', 'error', 'CW001']);
    assert.equal(f?.fix?.operation, 'POST /v1/chat/completions');
    assert.equal(f?.fix?.connection, 'openai');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('scanAll lists source files only, skips node_modules and .d.ts, and is stable', () => {
  const dir = project();
  try {
    mkdirSync(join(dir, 'node_modules', 'x'), { recursive: true });
    writeFileSync(join(dir, 'node_modules', 'x', 'index.js'), `fetch('https://example.com');\n`);
    writeFileSync(join(dir, 'src', 'types.d.ts'), `declare const x: number;\n`);
    writeFileSync(join(dir, 'src', 'page.jsx'), `export const P = () => <a onClick={() => fetch('https://api.example.com/x')}>x</a>;\n`);
    const ws = new Workspace({ root: dir, policyFile: join(dir, 'chainwarden.yaml') });
    assert.deepEqual(ws.listFiles([dir]).map((f) => ws.relative(f)), ['src/config.ts', 'src/model.ts', 'src/other.ts', 'src/page.jsx']);
    const all = ws.scanAll();
    assert.deepEqual(all.map((f) => `${f.file}:${f.line}:${f.column}:${f.kind}`), ['src/model.ts:3:18:chat_model', 'src/page.jsx:1:42:http']);
    assert.deepEqual(ws.scanAll(), all);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('fix data for code actions on the example: gateway URL, key span, env var, operation', async () => {
  const { EXAMPLE_DIR, EXAMPLE_POLICY } = await import('../helpers/paths.js');
  const ws = new Workspace({ root: EXAMPLE_DIR, policyFile: EXAMPLE_POLICY });
  const [tavily] = ws.analyzeFile('src/tools/search.ts');
  assert.equal(tavily?.status, 'bypass');
  assert.deepEqual(tavily?.fix, {
    optionsRange: { line: 4, column: 43, endLine: 4, endColumn: 102 },
    baseUrlProperty: 'apiBaseUrl',
    apiKeyRange: { line: 4, column: 74, endLine: 4, endColumn: 100 },
    envVar: 'TAVILY_API_KEY',
    gatewayBaseUrl: 'http://127.0.0.1:8790/tavily',
    connection: 'tavily',
  });
  const [model] = ws.analyzeFile('src/model.ts');
  assert.equal(model?.fix?.operation, 'POST /v1/chat/completions');
  // The base URL is written in this file: its span is the template literal.
  assert.deepEqual(model?.fix?.baseUrlRange, { line: 8, column: 29, endLine: 8, endColumn: 55 });
});

test('the policy scan.exclude globs are not scanned', () => {
  const dir = project();
  try {
    writeFileSync(join(dir, 'chainwarden.yaml'), POLICY + 'scan:\n  exclude: ["src/model.ts"]\n');
    const ws = new Workspace({ root: dir, policyFile: join(dir, 'chainwarden.yaml') });
    assert.deepEqual(ws.listFiles([dir]).map((f) => ws.relative(f)), ['src/config.ts', 'src/other.ts']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a client through the gateway holding the provider key (env or literal) is a bypass; the chain key is not', () => {
  const dir = project();
  try {
    const key = ['sk-proj-', 'Zx81Qm2Lw0Rt7Yp4Kd9Vb3Nc6Hs'].join('');
    const base = `configuration: { baseURL: 'http://127.0.0.1:8790/openai/v1' }`;
    writeFileSync(join(dir, 'src', 'keys.ts'), [
      `import { ChatOpenAI } from '@langchain/openai';`,
      `export const a = new ChatOpenAI({ apiKey: process.env.OPENAI_API_KEY, ${base} });`,
      `export const b = new ChatOpenAI({ apiKey: '${key}', ${base} });`,
      `export const c = new ChatOpenAI({ apiKey: process.env.CHAINWARDEN_KEY, ${base} });`,
      '',
    ].join('\n'));
    const ws = new Workspace({ root: dir, policyFile: join(dir, 'chainwarden.yaml') });
    const found = ws.analyzeFile(join(dir, 'src', 'keys.ts'));
    assert.deepEqual(found.map((f) => [f.line, f.kind, f.status]), [[2, 'chat_model', 'bypass'], [3, 'chat_model', 'bypass'], [3, 'secret', 'unapproved'], [4, 'chat_model', 'approved']]);
    assert.match(found[0]!.message, /holds the provider's own credential \(OPENAI_API_KEY\)/);
    assert.ok(found.every((f) => !JSON.stringify(f).includes(key)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
