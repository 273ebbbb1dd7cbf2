/**
 * The Chainwarden VS Code extension: a thin client in the style of vscode-eslint. It starts the bundled
 * language server over IPC (all analysis happens there), supervises the gateway as a child process,
 * and shows the approval queue, access requests, grants, the resource inventory and the audit trail
 * from the gateway's admin API. Protocol names come from server/lsp/protocol.ts, shared with the server.
 */
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { Commands, Requests, SETTINGS_SECTION, type InventoryResult, type RequestAccessArgs, type RequestAccessResult } from '../server/lsp/protocol.js';
import { parseDuration } from '../gateway/policy/index.js';
import { approvalNodes, grantNodes, requestNodes, resourceNodes, type TreeNode } from './core/tree-items.js';
import { statusView } from './core/status.js';
import { AuditPanel } from './audit-panel.js';
import { GatewayController } from './gateway-controller.js';
import { NodeTreeProvider, idOf } from './views.js';
import { Workspace } from './workspace.js';
import { fileURLToPath } from 'node:url';

/** How often the views and the pending count are refreshed from the admin API. */
const POLL_MS = 3000;

let client: LanguageClient | undefined;
let gateway: GatewayController | undefined;

export async function activate(ctx: vscode.ExtensionContext): Promise<void> {
  const ws = new Workspace(ctx.secrets);
  await ws.init();

  // Views.
  const notReachable = (e: unknown) => new Error(`Gateway admin API: ${(e as Error).message}`);
  const withAdmin = async <T>(fn: (a: NonNullable<ReturnType<Workspace['admin']>>) => Promise<T>): Promise<T> => {
    const admin = ws.admin();
    if (!admin) throw new Error('No chainwarden.yaml in this workspace.');
    try {
      return await fn(admin);
    } catch (e) {
      throw notReachable(e);
    }
  };
  let pending: number | null = null;
  const approvals = new NodeTreeProvider(async () => {
    try {
      const nodes = approvalNodes(await withAdmin((a) => a.pendingApprovals()));
      const access = requestNodes(await withAdmin((a) => a.requests('pending')));
      pending = nodes.length + access.length;
      return [...nodes, ...access];
    } catch (e) {
      pending = null;
      throw e;
    }
  }, 'No pending approvals.');
  const requests = new NodeTreeProvider(async () => requestNodes(await withAdmin((a) => a.requests())), 'No access requests.');
  const grants = new NodeTreeProvider(async () => grantNodes(await withAdmin((a) => a.grants())), 'No active grants.');
  const resources = new NodeTreeProvider(async () => {
    if (!client?.isRunning()) return [];
    const inv = await client.sendRequest<InventoryResult>(Requests.inventory);
    return resourceNodes(inv.entries.map((e) => ({ ...e, relative: e.file, file: fileURLToPath(e.uri) })));
  }, 'No resource uses found (yet).');
  ctx.subscriptions.push(
    vscode.window.registerTreeDataProvider('chainwarden.approvals', approvals),
    vscode.window.registerTreeDataProvider('chainwarden.requests', requests),
    vscode.window.registerTreeDataProvider('chainwarden.grants', grants),
    vscode.window.registerTreeDataProvider('chainwarden.resources', resources),
  );

  // Status bar.
  const status = vscode.window.createStatusBarItem('chainwarden.status', vscode.StatusBarAlignment.Left, 50);
  status.name = 'Chainwarden';
  status.command = 'chainwarden.showApprovals';
  const paintStatus = () => {
    const v = statusView(gateway!.state, pending);
    status.text = v.text;
    status.tooltip = v.tooltip;
    status.backgroundColor = v.tone === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : v.tone === 'warning' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    status.show();
  };
  const refreshAdminViews = async () => {
    await Promise.all([approvals.refresh(), requests.refresh(), grants.refresh()]);
    paintStatus();
  };
  gateway = new GatewayController(ctx, ws, () => {
    paintStatus();
    void refreshAdminViews();
  });
  ctx.subscriptions.push(status, gateway);
  paintStatus();

  // Language server.
  client = startLanguageClient(ctx, () => void requests.refresh());
  client.onDidChangeState(() => void resources.refresh());
  let inventoryTimer: NodeJS.Timeout | undefined;
  ctx.subscriptions.push(vscode.languages.onDidChangeDiagnostics(() => {
    // Diagnostics arrive file by file during a scan: refresh the inventory once they settle.
    clearTimeout(inventoryTimer);
    inventoryTimer = setTimeout(() => void resources.refresh(), 500);
  }));

  const poll = setInterval(() => void refreshAdminViews(), POLL_MS);
  ctx.subscriptions.push({ dispose: () => clearInterval(poll) });
  void refreshAdminViews();

  const answer = async (what: string, fn: () => Promise<unknown>) => {
    try {
      await fn();
      void vscode.window.showInformationMessage(`Chainwarden: ${what}.`);
    } catch (e) {
      void vscode.window.showErrorMessage(`Chainwarden: ${(e as Error).message}`);
    }
    await refreshAdminViews();
  };
  const admin = () => {
    const a = ws.admin();
    if (!a) throw new Error('no chainwarden.yaml in this workspace');
    return a;
  };

  const register = (id: string, fn: (...args: any[]) => unknown) => ctx.subscriptions.push(vscode.commands.registerCommand(id, fn));
  register('chainwarden.startGateway', () => gateway!.start());
  register('chainwarden.stopGateway', () => gateway!.stop());
  register('chainwarden.restartGateway', () => gateway!.restart());
  register('chainwarden.showGatewayLog', () => gateway!.log.show(true));
  register('chainwarden.showApprovals', () => vscode.commands.executeCommand('chainwarden.approvals.focus'));
  register('chainwarden.refreshViews', async () => {
    await refreshAdminViews();
    await resources.refresh();
  });
  register('chainwarden.scanWorkspace', async () => {
    if (!client) return;
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Chainwarden: scanning the workspace' }, () => client!.sendRequest(Requests.scanWorkspace));
    await resources.refresh();
    await vscode.commands.executeCommand('chainwarden.resources.focus');
  });
  register('chainwarden.openPolicy', async () => {
    const { file } = ws.policy();
    if (!file) return vscode.window.showErrorMessage('Chainwarden: no chainwarden.yaml in this workspace (or set chainwarden.policyPath).');
    await vscode.window.showTextDocument(vscode.Uri.file(file));
  });
  register('chainwarden.showAuditTrail', () => AuditPanel.show(() => ws.admin(), () => gateway!.state.kind === 'running'));
  register('chainwarden.setAdminToken', async () => {
    const token = await vscode.window.showInputBox({ title: 'Chainwarden admin token', prompt: 'Kept in VS Code secret storage; empty clears it.', password: true, ignoreFocusOut: true });
    if (token === undefined) return;
    await ws.setToken(token.trim() || undefined);
    void vscode.window.showInformationMessage(token.trim() ? 'Chainwarden: admin token stored.' : 'Chainwarden: admin token cleared.');
    await refreshAdminViews();
  });
  register('chainwarden.requestAccessInteractive', () => requestAccessFromPalette(ws));
  register('chainwarden.approveOnce', (node: TreeNode) => answer(`${idOf(node)} approved once`, () => admin().approve(idOf(node)!, { once: true })));
  register('chainwarden.approveFor', async (node: TreeNode) => {
    const d = await vscode.window.showInputBox({ title: `Approve ${idOf(node)} for…`, value: '1h', prompt: 'A duration such as 30m, 1h, 1d (capped by the rule\'s ttl)', validateInput: (v) => (parseDuration(v.trim()) ? undefined : 'a duration such as 30m or 1h') });
    if (d) await answer(`${idOf(node)} approved for ${d.trim()}`, () => admin().approve(idOf(node)!, { for: d.trim() }));
  });
  register('chainwarden.deny', async (node: TreeNode) => {
    const reason = await vscode.window.showInputBox({ title: `Deny ${idOf(node)}`, prompt: 'The reason (the requester sees it)', validateInput: (v) => (v.trim() ? undefined : 'a reason is required') });
    if (reason) await answer(`${idOf(node)} denied`, () => admin().deny(idOf(node)!, reason.trim()));
  });
  register('chainwarden.revokeGrant', async (node: TreeNode) => {
    const ok = await vscode.window.showWarningMessage(`Revoke grant ${idOf(node)}? It stops at once.`, { modal: true }, 'Revoke');
    if (ok === 'Revoke') await answer(`${idOf(node)} revoked`, () => admin().revoke(idOf(node)!));
  });

  ctx.subscriptions.push(vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(SETTINGS_SECTION)) {
      ws.invalidate();
      void refreshAdminViews();
    }
  }));
  const watcher = vscode.workspace.createFileSystemWatcher('**/chainwarden.{yaml,yml}');
  watcher.onDidChange(() => ws.invalidate());
  watcher.onDidCreate(() => ws.invalidate());
  watcher.onDidDelete(() => ws.invalidate());
  ctx.subscriptions.push(watcher);

  if (vscode.workspace.getConfiguration('chainwarden').get<boolean>('gateway.autoStart') && ws.policy().policy) gateway.start();
}

export async function deactivate(): Promise<void> {
  // The gateway stops with the window.
  const stopping = gateway?.stop();
  await Promise.all([stopping, client?.stop()]);
}

function startLanguageClient(ctx: vscode.ExtensionContext, onRequestFiled: () => void): LanguageClient {
  const module = ctx.asAbsolutePath('out/server.cjs');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    // "Attach to Server" in .vscode/launch.json attaches to this port.
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      ...['typescript', 'typescriptreact', 'javascript', 'javascriptreact', 'python'].map((language) => ({ scheme: 'file', language })),
      { scheme: 'file', language: 'yaml', pattern: '**/chainwarden.{yaml,yml}' },
    ],
    initializationOptions: { settings: vscode.workspace.getConfiguration(SETTINGS_SECTION) },
    middleware: {
      // The Request access quick fix: ask for the reason here, the server files the request.
      executeCommand: async (command, args, next) => {
        if (command !== Commands.requestAccess) return next(command, args);
        const a = args[0] as RequestAccessArgs;
        const reason = await vscode.window.showInputBox({
          title: `Request access: ${a.chain} → ${a.connection} "${a.operation}"`,
          prompt: 'Why does this chain need it? (the approver sees this)',
          placeHolder: 'e.g. refunds need to update orders',
          ignoreFocusOut: true,
          validateInput: (v) => (v.trim() ? undefined : 'a reason is required'),
        });
        if (reason === undefined) return undefined;
        const result = (await next(command, [{ ...a, reason: reason.trim() }])) as RequestAccessResult | undefined;
        onRequestFiled();
        // Where it stands. The command completes now; the notification's buttons act later.
        if (result?.via === 'file' && result.path) {
          const path = result.path;
          void vscode.window.showWarningMessage(`Chainwarden: request ${result.id} saved to a file (no gateway answered).`, 'Open request file', 'Start Gateway').then(async (open) => {
            if (open === 'Open request file') await vscode.window.showTextDocument(vscode.Uri.file(path));
            if (open === 'Start Gateway') await vscode.commands.executeCommand('chainwarden.startGateway');
          });
        } else if (result?.via === 'gateway') {
          void vscode.window.showInformationMessage(`Chainwarden: access request ${result.id} is ${result.status} at the gateway.`);
          await vscode.commands.executeCommand('chainwarden.requests.focus');
        }
        return result;
      },
    },
  };
  const lc = new LanguageClient('chainwarden', 'Chainwarden', serverOptions, clientOptions);
  void lc.start();
  return lc;
}

/** Chainwarden: Request Access… from the palette: pick chain and connection from the policy, type the operation and reason. */
async function requestAccessFromPalette(ws: Workspace): Promise<void> {
  const { file, policy } = ws.policy();
  if (!file || !policy || !client) {
    void vscode.window.showErrorMessage('Chainwarden: no valid chainwarden.yaml in this workspace.');
    return;
  }
  const chain = await vscode.window.showQuickPick(Object.keys(policy.chains), { title: 'Request access: chain' });
  if (!chain) return;
  const connection = await vscode.window.showQuickPick(Object.keys(policy.connections), { title: 'Request access: connection' });
  if (!connection) return;
  const operation = await vscode.window.showInputBox({ title: 'Request access: operation', prompt: 'As rules write it: "POST /v1/chat/completions", "read", "write public.orders", an MCP tool name', validateInput: (v) => (v.trim() ? undefined : 'required') });
  if (!operation) return;
  const args: RequestAccessArgs = { uri: vscode.Uri.file(file).toString(), chain, connection, operation: operation.trim() };
  // Through the same command as the quick fix: the middleware asks for the reason, the server files it.
  await vscode.commands.executeCommand(Commands.requestAccess, args);
}
