/**
 * End to end in a real VS Code UI: the packaged .vsix installed into code-server, driven in headless
 * Chromium. Screenshots of each step go to test-results/e2e/.
 *
 * The gateway is the one bundled in the .vsix (out/cli/bin/chainwarden.mjs), run by the extension;
 * CHAINWARDEN_E2E_CLI runs another build of the CLI instead.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXAMPLE_DIR, FIXTURES, REPO_ROOT } from '../helpers/paths.js';
import { LspClient } from '../lsp/harness.js';
import { Requests, type InventoryResult } from '../../server/lsp/protocol.js';
import { freePort, launchBrowser, runSetup, startCodeServer, until, type CodeServer } from './workbench.js';

const SHOTS = join(REPO_ROOT, 'test-results', 'e2e');

test('VS Code: problems, request access, gateway, approvals (code-server + Chromium)', { timeout: 25 * 60_000 }, async (t) => {
  const tools = runSetup(REPO_ROOT);
  execFileSync(process.execPath, [join(REPO_ROOT, 'scripts/package-extension.mjs')], { cwd: REPO_ROOT, stdio: 'pipe', timeout: 300_000 });
  const vsix = join(REPO_ROOT, `chainwarden-${JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version}.vsix`);
  assert.ok(existsSync(vsix), 'npm run package made the .vsix');

  // The example workspace, on ports of its own, plus a ticket-triage file that uses Tavily without a rule.
  const root = mkdtempSync(join(tmpdir(), 'cw-e2e-'));
  const ws = join(root, 'support-bot');
  cpSync(EXAMPLE_DIR, ws, { recursive: true });
  cpSync(join(FIXTURES, 'client', 'e2e'), ws, { recursive: true });
  const [dataPort, adminPort, pgPort] = [await freePort(), await freePort(), await freePort()];
  const policyFile = join(ws, 'chainwarden.yaml');
  writeFileSync(policyFile, readFileSync(policyFile, 'utf8').replace('listen: 127.0.0.1:8790', `listen: 127.0.0.1:${dataPort}`).replace('admin: 127.0.0.1:8791', `admin: 127.0.0.1:${adminPort}`).replace('listen: 127.0.0.1:15432', `listen: 127.0.0.1:${pgPort}`));
  // Code that goes through the gateway points at its data-plane port.
  for (const rel of readdirSync(ws, { recursive: true, encoding: 'utf8' }).filter((f) => /\.(ts|js)$|(^|\/)\.env/.test(f))) {
    const file = join(ws, rel);
    writeFileSync(file, readFileSync(file, 'utf8').replaceAll('127.0.0.1:8790', `127.0.0.1:${dataPort}`).replaceAll('127.0.0.1:15432', `127.0.0.1:${pgPort}`));
  }
  // Placeholder upstream secrets, so the gateway can load the policy (nothing is forwarded upstream).
  if (!existsSync(join(ws, 'gateway.env'))) writeFileSync(join(ws, 'gateway.env'), 'OPENAI_API_KEY=placeholder-openai\nTAVILY_API_KEY=placeholder-tavily\nORDERS_DB_PASSWORD=placeholder-db\n');
  rmSync(SHOTS, { recursive: true, force: true });
  mkdirSync(join(SHOTS, "logs"), { recursive: true });

  // The bundle alone first: a server that cannot start in the .vsix fails here, with its own error.
  await t.test('the bundled language server (out/server.cjs) scans the workspace', async () => {
    const lsp = await LspClient.start(ws, {}, {}, [join(REPO_ROOT, 'out', 'server.cjs'), '--stdio']);
    try {
      await lsp.connection.sendRequest(Requests.scanWorkspace);
      const inv = (await lsp.connection.sendRequest(Requests.inventory)) as InventoryResult;
      assert.deepEqual(inv.entries.filter((e) => e.file === 'triage/search.ts').map((e) => [e.chain, e.connection, e.status]), [['ticket-triage', 'tavily', 'unapproved']]);
      // Python too: the grammar wasm files travel beside the bundle.
      assert.deepEqual(inv.entries.filter((e) => e.file === 'scripts/status.py').map((e) => [e.kind, e.provider, e.status]), [['chat_model', 'openai', 'bypass']]);
    } finally {
      await lsp.stop();
    }
  });

  let server: CodeServer | undefined;
  let browser: any;
  t.after(async () => {
    // What the extension host and code-server said, for a failed run.
    if (existsSync(join(root, 'udd', 'logs'))) cpSync(join(root, 'udd', 'logs'), join(SHOTS, 'logs'), { recursive: true });
    if (server) writeFileSync(join(SHOTS, 'logs', 'code-server.log'), server.log());
    await browser?.close().catch(() => undefined);
    server?.stop();
    rmSync(root, { recursive: true, force: true });
  });
  server = await startCodeServer(tools, root, ws, {
    'chainwarden.actor': 'e2e-approver',
    // No gateway.runtime: the gateway runs on the editor's own runtime (code-server's Node 24), where
    // the store uses node:sqlite because better-sqlite3 is built for the Node that installed it.
    // CHAINWARDEN_E2E_CLI: run the gateway from another build of the CLI (e.g. a branch checkout's bin/chainwarden.js).
    ...(process.env.CHAINWARDEN_E2E_CLI ? { 'chainwarden.gateway.cliPath': process.env.CHAINWARDEN_E2E_CLI } : {}),
  }, vsix);
  browser = await launchBrowser(tools, root);
  const page = browser.pages()[0] ?? (await browser.newPage());
  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`) });
  const text = async (selector: string) => (await page.locator(selector).allInnerTexts()).join('\n');

  await page.goto(`${server.url}/?folder=${encodeURIComponent(ws)}`);
  await until('the workbench', async () => (await page.locator('.monaco-workbench .part.statusbar').count()) > 0, 90_000);

  // A failed step leaves a screenshot of what the workbench showed.
  const step = (name: string, opts: { todo?: string }, fn: () => Promise<void>) =>
    t.test(name, opts, async () => {
      try {
        await fn();
      } catch (e) {
        await shot(`failed-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`).catch(() => undefined);
        throw e;
      }
    });

  const palette = async (command: string) => {
    const input = page.locator('.quick-input-widget input');
    // Typed until it takes: now and then the input F1 opened was inert or closed under the test by the workbench.
    // A quick input already open is typed into (">" turns it into the command palette).
    await until(`the palette open with "${command}"`, async () => {
      if (!(await input.isVisible())) await page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: 5000 });
      await input.fill(`>${command}`, { timeout: 5000 });
      return true;
    }, 60_000);
    await until(`"${command}" in the palette`, async () => (await text('.quick-input-list .monaco-list-row')).includes(command), 30_000);
    // Enter only while the palette holds the command: into a closed one it would type a line break in the editor.
    await until('the palette still open', async () => (await input.isVisible()) && (await input.inputValue()) === `>${command}`, 10_000);
    await page.keyboard.press('Enter');
  };

  await step('the Problems panel shows the unapproved and the bypass calls', {}, async () => {
    await palette('View: Focus Problems');
    const problems = await until('both diagnostics in Problems', async () => {
      const all = await text('.markers-panel');
      return all.includes('is not allowed for chain "ticket-triage"') && all.includes('directly instead of through the gateway') ? all : undefined;
    }, 120_000);
    assert.match(problems, /POST \/search is not allowed for chain "ticket-triage"/);
    await until('the status bar item', async () => (await text('.statusbar')).includes('Chainwarden: stopped'), 30_000);
    await shot('01-problems');
  });

  const requestAccessQuickFix = async (reason: string) => {
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill('triage/search.ts:4:29');
    // Enter only once the highlighted result is the triage file (src/tools/search.ts has the same name).
    await until('triage/search.ts highlighted in quick open', async () => /search\.ts[\s\S]*triage/.test(await text('.quick-input-list .monaco-list-row.focused')), 30_000);
    await page.keyboard.press('Enter');
    await until('the editor on triage/search.ts', async () => (await page.title()).startsWith('search.ts'), 30_000);
    await until('the quick fix', async () => {
      await palette('Quick Fix...');
      const menu = page.locator('.action-widget .monaco-list-row', { hasText: 'Request access' });
      await menu.first().waitFor({ state: 'visible', timeout: 5000 });
      await shot('02-quick-fix');
      await menu.first().click();
      return true;
    }, 60_000);
    const reasonBox = page.locator('.quick-input-widget input');
    await until('the reason prompt', async () => (await text('.quick-input-widget')).includes('Request access: ticket-triage → tavily'), 30_000);
    await reasonBox.fill(reason);
    await page.keyboard.press('Enter');
  };

  await step('Request access asks for the reason and saves the request while no gateway runs', {}, async () => {
    await requestAccessQuickFix('triage needs web search');
    const dir = join(ws, '.chainwarden', 'requests');
    const file = await until('a request file', async () => existsSync(dir) && readdirSync(dir).find((f) => f.endsWith('.json')), 60_000);
    const saved = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    assert.deepEqual([saved.chain, saved.connection, saved.operation, saved.reason, saved.status], ['ticket-triage', 'tavily', 'POST /search', 'triage needs web search', 'pending']);
    await until('the notification', async () => (await text('.notifications-toasts')).includes(saved.id), 30_000);
    await shot('03-request-saved');
  });

  await step('Resources in this workspace: the inventory by chain and status; a click jumps to the code', {}, async () => {
    await palette('Chainwarden: Scan Workspace');
    const sidebar = await until('the inventory in the Resources view', async () => {
      const all = await text('.part.sidebar');
      return ['support-bot', 'ticket-triage', 'unapproved', 'bypass', 'approved'].every((w) => all.includes(w)) ? all : undefined;
    }, 60_000);
    assert.match(sidebar, /Pending approvals/i);
    const bypass = page.locator('.part.sidebar .monaco-list-row', { hasText: /^bypass/ }).first();
    await bypass.click();
    const use = page.locator('.part.sidebar .monaco-list-row', { hasText: 'src/agent.ts:14' }).first();
    await use.waitFor({ state: 'visible', timeout: 30_000 });
    await use.click();
    await until('the editor on src/agent.ts line 14', async () => (await page.title()).startsWith('agent.ts') && (await text('.statusbar')).includes('Ln 14, Col 21'), 30_000);
    await shot('04-resources');
  });

  await step('Start Gateway from the palette: the status bar says it runs', {}, async () => {
    await palette('Chainwarden: Start Gateway');
    await until('the status bar: running', async () => (await text('.statusbar')).includes(`running on :${dataPort}`), 60_000);
    await shot('05-gateway-running');
  });

  await step('a request filed with the gateway is approved from the approvals view', {}, async () => {
    await palette('Notifications: Clear All Notifications');
    await requestAccessQuickFix('triage needs web search (filed with the gateway)');
    const outcome = await until('the outcome of the request', async () => /Access request \S+ (filed with the gateway|saved to)[^\n]*/i.exec(await text('.notifications-toasts'))?.[0], 30_000);
    assert.match(outcome, /filed with the gateway/);
    await palette('Chainwarden: Show Approvals');
    const row = page.locator('.monaco-list-row', { hasText: 'ticket-triage → tavily' }).first();
    await until('the request in Pending approvals', async () => (await row.count()) > 0, 30_000);
    // Inline actions show on the focused row as well as on hover: select it first, then hover. The view
    // re-renders when the queue refreshes, which can replace the row under the pointer: then try again.
    await until('the Approve For… action clicked', async () => {
      await row.click();
      await row.hover();
      try {
        await row.locator('.action-label[aria-label="Approve For…"]').click({ timeout: 3_000 });
        return true;
      } catch {
        return false;
      }
    }, 45_000);
    await page.locator('.quick-input-widget input').fill('1h');
    await page.keyboard.press('Enter');
    await until('the approval notice', async () => (await text('.notifications-toasts')).includes('approved for 1h'), 30_000);
    // The grant shows in the Grants view, and the gateway itself has it.
    await until('the grant in the Grants view', async () => (await page.locator('.part.sidebar .monaco-list-row', { hasText: 'ticket-triage → tavily' }).allInnerTexts()).some((row: string) => row.includes('expires in')), 30_000);
    const token = readFileSync(join(ws, '.dev-keys', 'admin.token'), 'utf8').trim();
    const grants = (await (await fetch(`http://127.0.0.1:${adminPort}/v1/grants`, { headers: { authorization: `Bearer ${token}` } })).json()) as { grants: Array<{ chain: string; connection: string; operation: string }> };
    assert.deepEqual(grants.grants.map((g) => [g.chain, g.connection, g.operation]), [['ticket-triage', 'tavily', 'POST /search']]);
    await shot('06-approved');
  });

  await step('the audit trail refreshes live and the gateway log shows the decision line', {}, async () => {
    await palette('Chainwarden: Show Audit Trail');
    const auditFrame = async () => {
      for (const f of page.frames()) {
        if ((await f.locator('table thead').count().catch(() => 0)) > 0 && (await f.locator('#filters').count().catch(() => 0)) > 0) return f;
      }
      return undefined;
    };
    const frame = await until('the audit webview', auditFrame, 30_000);
    // A call the policy denies (nobody fine-tunes from a chain): decided and audited, never forwarded.
    const key = readFileSync(join(ws, '.dev-keys', 'support-bot.key'), 'utf8').trim();
    const res = await fetch(`http://127.0.0.1:${dataPort}/openai/v1/files`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: '{}' });
    assert.equal(res.status, 403);
    await res.body?.cancel();
    await until('the denied call in the audit table (live refresh)', async () => /POST \/v1\/files[\s\S]*deny/.test(await frame.locator('tbody').innerText()), 30_000);
    await shot('07-audit-trail');
    await palette('Chainwarden: Show Gateway Log');
    // (Monaco renders spaces as no-break spaces.)
    await until('the decision line in the gateway log', async () => /deny chain=support-bot connection=openai op="POST \/v1\/files" status=403/.test((await text('.panel .monaco-editor .view-lines')).replace(/\u00a0/g, ' ')), 30_000);
    await shot('08-gateway-log');
  });
});
