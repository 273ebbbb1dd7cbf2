/**
 * The client's custom requests to the language server, over the real server (dist/server/main.js, the
 * entry the VS Code client starts): the inventory lists every resource use, approved ones too, with
 * the file URI the Resources view jumps to; Scan Workspace resolves when the scan is done.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { Requests, type InventoryResult } from '../../server/lsp/protocol.js';
import { FIXTURES, REPO_ROOT } from '../helpers/paths.js';
import { resourceNodes } from '../../client/core/tree-items.js';
import { fileURLToPath } from 'node:url';
import { LspClient } from '../lsp/harness.js';

const FIXTURE = join(FIXTURES, 'lsp-project');

test('chainwarden/inventory and chainwarden/scanWorkspace', async (t) => {
  const client = await LspClient.start(FIXTURE, {}, {}, [join(REPO_ROOT, 'dist', 'server', 'main.js'), '--stdio']);
  t.after(() => client.stop());
  await client.open('src/direct.ts', readFileSync(join(FIXTURE, 'src/direct.ts'), 'utf8'));
  await client.diagnostics('src/direct.ts');
  await client.connection.sendRequest(Requests.scanWorkspace);
  const inv = (await client.connection.sendRequest(Requests.inventory)) as InventoryResult;
  assert.ok(inv.entries.length >= 3, `entries: ${JSON.stringify(inv.entries)}`);
  const statuses = new Set(inv.entries.map((e) => e.status));
  assert.ok(statuses.has('approved'), 'approved uses are listed too (the scan is the inventory)');
  assert.ok(statuses.has('bypass'));
  for (const e of inv.entries) {
    assert.equal(e.uri, client.uri(e.file), 'the URI is the file the entry names');
    assert.ok(e.line >= 1 && e.column >= 1);
  }
  const direct = inv.entries.find((e) => e.file === 'src/direct.ts');
  // An open document stays in the inventory after a rescan (its entry comes from the editor's text).
  assert.deepEqual(direct && [direct.kind, direct.provider, direct.connection, direct.status], ['chat_model', 'openai', 'openai', 'bypass']);
  // What the Resources view shows from it.
  const tree = resourceNodes(inv.entries.map((e) => ({ ...e, relative: e.file, file: fileURLToPath(e.uri) })));
  assert.ok(tree.some((chain) => chain.label === 'support-bot' && chain.children!.some((s) => s.label === 'bypass')));
});
