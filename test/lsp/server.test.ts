/**
 * The language server over the real protocol: `chainwarden lsp --stdio` in a child process, driven by a
 * JSON-RPC client on its stdin/stdout, on a temp copy of test/fixtures/lsp-project.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import type { CodeAction, Diagnostic, Hover, MarkupContent } from 'vscode-languageserver';

const markdown = (h: Hover): string => (h.contents as MarkupContent).value;
import { parsePolicy, type HttpConnection } from '../../gateway/policy/index.js';
import { FIXTURES, REPO_ROOT } from '../helpers/paths.js';
import { LspClient } from './harness.js';

const FIXTURE = join(FIXTURES, 'lsp-project');
const fixtureText = (rel: string) => readFileSync(join(FIXTURE, rel), 'utf8');

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** A loopback port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const s = createServer();
  const port = await listen(s);
  await new Promise((r) => s.close(r));
  return port;
}

async function codeActions(client: LspClient, rel: string, diagnostics: Diagnostic[]): Promise<CodeAction[]> {
  return (await client.connection.sendRequest('textDocument/codeAction', {
    textDocument: { uri: client.uri(rel) },
    range: diagnostics[0]!.range,
    context: { diagnostics, only: ['quickfix'] },
  })) as CodeAction[];
}

function byCode(diags: Diagnostic[], code: string): Diagnostic[] {
  return diags.filter((d) => d.code === code);
}

/** The next diagnostics for a document after notification index `since` that satisfy `ok`. */
async function diagnosticsAfter(client: LspClient, rel: string, since: number, ok: (d: Diagnostic[]) => boolean): Promise<Diagnostic[]> {
  const uri = client.uri(rel);
  const n = await client.waitFor((x) => x.method === 'textDocument/publishDiagnostics' && x.params.uri === uri && ok(x.params.diagnostics), 15000, since);
  return n.params.diagnostics;
}

test('language server over stdio', async (t) => {
  const unreachable = `http://127.0.0.1:${await closedPort()}`;
  const client = await LspClient.start(FIXTURE, { gatewayAdminUrl: unreachable });
  t.after(() => client.stop());

  await t.test('the workspace scan on start reports progress and publishes diagnostics for files not open', async () => {
    const begin = await client.waitFor((n) => n.method === '$/progress' && n.params.value?.kind === 'begin');
    assert.equal(begin.params.value.title, 'Chainwarden');
    await client.waitFor((n) => n.method === '$/progress' && n.params.value?.kind === 'end' && n.params.token === begin.params.token);
    const claude = await client.diagnostics('src/claude.ts', null);
    assert.deepEqual(claude.map((d) => d.code), ['CW001']);
  });

  const directText = fixtureText('src/direct.ts');
  await t.test('didOpen publishes positioned diagnostics with code, source, docs link and severity', async () => {
    await client.open('src/direct.ts', directText);
    const diags = await client.diagnostics('src/direct.ts');
    assert.equal(diags.length, 1);
    const d = diags[0]!;
    assert.equal(d.code, 'CW002');
    assert.equal(d.source, 'chainwarden');
    assert.equal(d.severity, 2); // warning: the policy's scan.severity default for a bypass
    assert.deepEqual(d.range, { start: { line: 2, character: 22 }, end: { line: 5, character: 2 } });
    assert.match(d.codeDescription!.href, /\/docs\/rules\/CW002\.md$/);
    assert.match(String(d.message), /directly instead of through the gateway/);
  });

  await t.test('a didChange that routes the client through the gateway clears the diagnostic', async () => {
    const fixed = directText.replace("configuration: { baseURL: 'https://api.openai.com/v1' }", "apiKey: process.env.CHAINWARDEN_KEY,\n  configuration: { baseURL: 'http://127.0.0.1:8790/openai/v1' }");
    assert.notEqual(fixed, directText);
    await client.change('src/direct.ts', fixed);
    assert.deepEqual(await client.diagnostics('src/direct.ts'), []);
    await client.change('src/direct.ts', directText);
    assert.deepEqual((await client.diagnostics('src/direct.ts')).map((d) => d.code), ['CW002']);
  });

  await t.test('hover on a flagged call shows resource, chain, connection, decision and rule', async () => {
    const hover = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: client.uri('src/direct.ts') }, position: { line: 2, character: 30 } })) as Hover;
    const text = markdown(hover);
    assert.match(text, /OpenAI chat model/);
    assert.match(text, /chat_model · openai/);
    assert.match(text, /Chain: `support-bot`/);
    assert.match(text, /Connection: `openai`/);
    assert.match(text, /\*\*bypass\*\*/);

    await client.open('src/claude.ts', fixtureText('src/claude.ts'));
    await client.diagnostics('src/claude.ts');
    const denied = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: client.uri('src/claude.ts') }, position: { line: 3, character: 30 } })) as Hover;
    const deniedText = markdown(denied);
    assert.match(deniedText, /DENY: chain support-bot → anthropic "POST \/v1\/messages"/);
    assert.match(deniedText, /no rule matched \(default deny\)/);

    const empty = await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: client.uri('src/claude.ts') }, position: { line: 0, character: 0 } });
    assert.equal(empty, null);
  });

  await t.test('quick fix "Route through Chainwarden" rewrites base URL and key; the diagnostic goes away', async () => {
    const diags = await client.diagnostics('src/direct.ts');
    const actions = await codeActions(client, 'src/direct.ts', diags);
    const route = actions.find((a) => a.title.startsWith('Route through Chainwarden'));
    assert.ok(route, `no route action in ${JSON.stringify(actions.map((a) => a.title))}`);
    assert.equal(route.kind, 'quickfix');
    const edited = client.applyEdit(route.edit!, () => assert.fail('only the open file is edited')).get(client.uri('src/direct.ts'))!;
    assert.match(edited, /baseURL: 'http:\/\/127\.0\.0\.1:8790\/openai\/v1'/);
    assert.match(edited, /apiKey: process\.env\.CHAINWARDEN_KEY/);
    await client.change('src/direct.ts', edited);
    assert.deepEqual(await client.diagnostics('src/direct.ts'), []);
  });

  await t.test('quick fix "Move secret to the gateway" edits the code and chainwarden.yaml in one WorkspaceEdit', async () => {
    await client.open('src/secret.ts', fixtureText('src/secret.ts'));
    const diags = byCode(await client.diagnostics('src/secret.ts'), 'CW003');
    assert.equal(diags.length, 1);
    assert.deepEqual(diags[0]!.range, { start: { line: 3, character: 19 }, end: { line: 3, character: 71 } });
    assert.doesNotMatch(String(diags[0]!.message), /Zx8Qw2/, 'the secret never appears in a diagnostic');
    const actions = await codeActions(client, 'src/secret.ts', diags);
    const move = actions.find((a) => a.title.startsWith('Move secret to the gateway'));
    assert.ok(move, `no move action in ${JSON.stringify(actions.map((a) => a.title))}`);
    const uris = move.edit!.documentChanges!.map((c) => ('textDocument' in c ? c.textDocument.uri : ''));
    assert.deepEqual(uris, [client.uri('src/secret.ts'), client.uri('chainwarden.yaml')]);
    const out = client.applyEdit(move.edit!, (uri) => readFileSync(fileURLToPath(uri), 'utf8'));
    const code = out.get(client.uri('src/secret.ts'))!;
    assert.match(code, /const OPENAI_KEY = process\.env\.OPENAI_API_KEY;/);
    const yaml = out.get(client.uri('chainwarden.yaml'))!;
    const before = fixtureText('chainwarden.yaml');
    const inserted = '      inject: { header: authorization, value: "Bearer ${env:OPENAI_API_KEY}" }\n';
    assert.equal(yaml, before.replace('      caller: bearer   # chains send their Chainwarden key\n', (m) => m + inserted), 'one line added, comments and layout kept');
    const parsed = parsePolicy(yaml, client.path('chainwarden.yaml'));
    assert.deepEqual(parsed.diagnostics, []);
    assert.equal((parsed.policy!.connections.openai as HttpConnection).auth.inject!.value.source, 'Bearer ${env:OPENAI_API_KEY}');
    writeFileSync(client.path('chainwarden.yaml'), yaml);
    await client.change('src/secret.ts', code);
    assert.deepEqual(byCode(await client.diagnostics('src/secret.ts'), 'CW003'), []);
  });

  await t.test('an edit re-analyses the changed file and its importers, not unrelated files', async () => {
    const configText = fixtureText('src/config.ts');
    await client.open('src/config.ts', configText);
    await client.diagnostics('src/config.ts');
    let since = client.notifications.length;
    await client.change('src/config.ts', configText.replace("'http://127.0.0.1:8790'", "'https://api.openai.com'"));
    const secret = await diagnosticsAfter(client, 'src/secret.ts', since, (d) => d.length > 0);
    assert.deepEqual(secret.map((d) => d.code), ['CW002'], 'the importer now calls OpenAI directly');
    const touched = client.notifications.slice(since).filter((n) => n.method === 'textDocument/publishDiagnostics').map((n) => n.params.uri);
    assert.ok(!touched.includes(client.uri('src/direct.ts')), 'direct.ts does not import config.ts');
    since = client.notifications.length;
    await client.change('src/config.ts', configText);
    assert.deepEqual(await diagnosticsAfter(client, 'src/secret.ts', since, () => true), []);
  });

  await t.test('hover on an allowed call names the rule that allowed it', async () => {
    const hover = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: client.uri('src/secret.ts') }, position: { line: 5, character: 30 } })) as Hover;
    const text = markdown(hover);
    assert.match(text, /\*\*approved\*\*/);
    assert.match(text, /ALLOW: chain support-bot → openai "POST \/v1\/chat\/completions"/);
    assert.match(text, /rule: support chats with OpenAI/);
  });

  let requestArgs: Record<string, unknown> | undefined;
  await t.test('"Request access" writes the request to .chainwarden/requests when no gateway answers', async () => {
    const diags = await client.diagnostics('src/claude.ts');
    const actions = await codeActions(client, 'src/claude.ts', byCode(diags, 'CW001'));
    const request = actions.find((a) => a.title.startsWith('Request access'));
    assert.ok(request?.command, `no request action in ${JSON.stringify(actions.map((a) => a.title))}`);
    assert.equal(request.command.command, 'chainwarden.requestAccess');
    requestArgs = request.command.arguments![0];
    assert.deepEqual({ ...requestArgs, uri: undefined }, { uri: undefined, chain: 'support-bot', connection: 'anthropic', operation: 'POST /v1/messages', line: 4 });
    const since = client.notifications.length;
    const result = (await client.connection.sendRequest('workspace/executeCommand', { command: 'chainwarden.requestAccess', arguments: [{ ...requestArgs, reason: 'support answers in Claude too' }] })) as { via: string; id: string; path: string };
    assert.equal(result.via, 'file');
    assert.ok(result.path.startsWith(join(client.root, '.chainwarden', 'requests')), result.path);
    assert.ok(existsSync(result.path));
    const saved = JSON.parse(readFileSync(result.path, 'utf8'));
    assert.equal(saved.id, result.id);
    assert.deepEqual([saved.chain, saved.connection, saved.operation, saved.reason, saved.status], ['support-bot', 'anthropic', 'POST /v1/messages', 'support answers in Claude too', 'pending']);
    const shown = await client.waitFor((n) => n.method === 'window/showMessage', 15000, since);
    assert.equal(shown.params.type, 2);
    assert.match(shown.params.message, /saved to .*\.chainwarden\/requests\/req_local_/);
    assert.match(shown.params.message, /no gateway answered/);
    assert.doesNotMatch(shown.params.message, /test-admin-token/);
  });

  await t.test('"Request access" POSTs to the admin API with the admin token when one is configured', async () => {
    const received: Array<{ auth: string | undefined; body: any; url: string | undefined }> = [];
    const admin = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ auth: req.headers.authorization, body: JSON.parse(body), url: req.url });
        res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'req_7q2', status: 'pending', kind: 'access' }));
      });
    });
    const port = await listen(admin);
    t.after(() => new Promise((r) => admin.close(r)));
    const asked = client.configurationRequests;
    client.settings = { gatewayAdminUrl: `http://127.0.0.1:${port}` };
    const since = client.notifications.length;
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    // A configuration change re-validates open documents: wait for that, so the new settings are in force.
    await client.waitFor((n) => n.method === 'textDocument/publishDiagnostics' && n.params.uri === client.uri('src/claude.ts'), 15000, since);
    assert.ok(client.configurationRequests > asked);
    const result = (await client.connection.sendRequest('workspace/executeCommand', { command: 'chainwarden.requestAccess', arguments: [requestArgs] })) as { via: string; id: string };
    assert.deepEqual(result, { id: 'req_7q2', status: 'pending', via: 'gateway' });
    assert.equal(received.length, 1);
    assert.equal(received[0]!.url, '/v1/requests');
    assert.equal(received[0]!.auth, 'Bearer test-admin-token-0123456789');
    assert.deepEqual(received[0]!.body, { chain: 'support-bot', connection: 'anthropic', operation: 'POST /v1/messages', reason: 'Chain "support-bot" needs POST /v1/messages on connection "anthropic" (requested from the editor).' });
  });

  const policyText = readFileSync(join(client.root, 'chainwarden.yaml'), 'utf8');
  const claudeRule = '\n  - name: support chats with Claude\n    chains: [support-bot]\n    connection: anthropic\n    allow: ["POST /v1/messages"]\n';
  await t.test('an invalid edit of chainwarden.yaml gets positioned diagnostics; fixing it re-checks open files', async () => {
    await client.open('chainwarden.yaml', policyText);
    assert.deepEqual(await client.diagnostics('chainwarden.yaml'), []);
    const broken = policyText + claudeRule.replace('connection: anthropic', 'connection: antropic');
    await client.change('chainwarden.yaml', broken);
    const diags = await client.diagnostics('chainwarden.yaml');
    assert.ok(diags.length >= 1, 'the typo is reported');
    const typoLine = broken.split('\n').findIndex((l) => l.includes('antropic'));
    const d = diags.find((x) => x.range.start.line === typoLine);
    assert.ok(d, `a diagnostic on line ${typoLine + 1}: ${JSON.stringify(diags)}`);
    assert.equal(d.source, 'chainwarden');
    assert.equal(d.severity, 1);
    assert.match(String(d.message), /antropic/);
    assert.match(String(d.code), /^CW_POLICY_/);
    assert.match(d.codeDescription!.href, /policy\.md#errors$/);

    const since = client.notifications.length;
    await client.change('chainwarden.yaml', policyText + claudeRule);
    assert.deepEqual(await client.diagnostics('chainwarden.yaml'), []);
    const claude = await diagnosticsAfter(client, 'src/claude.ts', since, () => true);
    assert.deepEqual(claude, [], 'the new rule allows the Claude client');
  });

  await t.test('a policy changed on disk (didChangeWatchedFiles) re-checks files', async () => {
    let since = client.notifications.length;
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: client.uri('chainwarden.yaml') } });
    // Closed unsaved: the file on disk (no Claude rule) is in force again.
    assert.deepEqual((await diagnosticsAfter(client, 'src/claude.ts', since, (d) => d.length > 0)).map((d) => d.code), ['CW001']);
    since = client.notifications.length;
    writeFileSync(client.path('chainwarden.yaml'), policyText + claudeRule);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri('chainwarden.yaml'), type: 2 }] });
    assert.deepEqual(await diagnosticsAfter(client, 'src/claude.ts', since, () => true), []);
  });
});

test('the plain entry dist/server/main.js speaks the same protocol (the VS Code client starts it)', async (t) => {
  const client = await LspClient.start(FIXTURE, {}, {}, [join(REPO_ROOT, 'dist', 'server', 'main.js'), '--stdio']);
  t.after(() => client.stop());
  const caps = client.initializeResult.capabilities;
  assert.equal(caps.hoverProvider, true);
  assert.deepEqual(caps.codeActionProvider.codeActionKinds, ['quickfix']);
  assert.deepEqual(caps.executeCommandProvider.commands, ['chainwarden.requestAccess']);
  await client.open('src/direct.ts', fixtureText('src/direct.ts'));
  assert.deepEqual((await client.diagnostics('src/direct.ts')).map((d) => d.code), ['CW002']);
});
