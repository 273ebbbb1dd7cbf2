/**
 * The language server on Python files, over the real protocol (`chainwarden lsp --stdio`, the LSP tests'
 * harness): the workspace scan, diagnostics on open, hover, and the quick fixes' edits spelled for Python.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CodeAction, Diagnostic, Hover, MarkupContent } from 'vscode-languageserver';
import { FIXTURES } from '../helpers/paths.js';
import { LspClient } from '../lsp/harness.js';

const FIXTURE = join(FIXTURES, 'py', 'lsp-project');
const fixtureText = (rel: string) => readFileSync(join(FIXTURE, rel), 'utf8');

async function codeActions(client: LspClient, rel: string, diagnostics: Diagnostic[]): Promise<CodeAction[]> {
  return (await client.connection.sendRequest('textDocument/codeAction', {
    textDocument: { uri: client.uri(rel) },
    range: diagnostics[0]!.range,
    context: { diagnostics, only: ['quickfix'] },
  })) as CodeAction[];
}

test('language server on Python files', async (t) => {
  const client = await LspClient.start(FIXTURE, { gatewayAdminUrl: 'http://127.0.0.1:9' });
  t.after(() => client.stop());

  await t.test('the workspace scan publishes diagnostics for .py files not open', async () => {
    const claude = await client.diagnostics('agents/claude.py', null);
    assert.deepEqual(claude.map((d) => d.code), ['CW001']);
    assert.deepEqual(claude[0]!.range, { start: { line: 2, character: 8 }, end: { line: 2, character: 99 } });
  });

  const directText = fixtureText('agents/direct.py');
  await t.test('didOpen of a .py file publishes positioned diagnostics', async () => {
    await client.open('agents/direct.py', directText, 'python');
    const diags = await client.diagnostics('agents/direct.py');
    assert.equal(diags.length, 1);
    assert.equal(diags[0]!.code, 'CW002');
    assert.equal(diags[0]!.source, 'chainwarden');
    assert.deepEqual(diags[0]!.range, { start: { line: 3, character: 6 }, end: { line: 6, character: 1 } });
    assert.match(String(diags[0]!.message), /directly instead of through the gateway/);
  });

  await t.test('hover on the call shows the resource, chain, connection and status', async () => {
    const hover = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: client.uri('agents/direct.py') }, position: { line: 3, character: 10 } })) as Hover;
    const text = (hover.contents as MarkupContent).value;
    assert.match(text, /OpenAI chat model/);
    assert.match(text, /Chain: `py-agents`/);
    assert.match(text, /Connection: `openai`/);
    assert.match(text, /\*\*bypass\*\*/);
  });

  await t.test('"Route through Chainwarden" adds base_url and api_key keywords and imports os; the diagnostic goes away', async () => {
    const diags = await client.diagnostics('agents/direct.py');
    const route = (await codeActions(client, 'agents/direct.py', diags)).find((a) => a.title.startsWith('Route through Chainwarden'));
    assert.ok(route, 'no route action');
    const edited = client.applyEdit(route.edit!, () => assert.fail('only the open file is edited')).get(client.uri('agents/direct.py'))!;
    assert.equal(
      edited,
      '"""A chat model that calls OpenAI directly."""\nimport os\nfrom langchain_openai import ChatOpenAI\n\nllm = ChatOpenAI(\n    model="gpt-4o-mini",\n    temperature=0,\n    base_url="http://127.0.0.1:8790/openai/v1",\n    api_key=os.environ["CHAINWARDEN_KEY"],\n)\n',
    );
    await client.change('agents/direct.py', edited);
    assert.deepEqual(await client.diagnostics('agents/direct.py'), []);
  });

  await t.test('"Move secret to an environment variable" writes os.environ[...] (os already imported)', async () => {
    await client.open('agents/secret.py', fixtureText('agents/secret.py'), 'python');
    const diags = (await client.diagnostics('agents/secret.py')).filter((d) => d.code === 'CW003');
    assert.equal(diags.length, 1);
    assert.doesNotMatch(String(diags[0]!.message), /Zx8Qw2/);
    const move = (await codeActions(client, 'agents/secret.py', diags)).find((a) => /secret/i.test(a.title));
    assert.ok(move, 'no secret action');
    const edited = client.applyEdit(move.edit!, () => '').get(client.uri('agents/secret.py'))!;
    assert.match(edited, /^ANTHROPIC_KEY = os\.environ\["ANTHROPIC_API_KEY"\]$/m);
    assert.equal(edited.match(/^import os$/gm)?.length, 1);
  });
});
